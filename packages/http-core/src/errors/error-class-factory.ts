import type { OpayoKashflowError } from '@opayo-kashflow/core'

/**
 * The one way a client package makes its error classes: `errorClassFactory(KashflowError)`
 * returns `make(name, code)`, and each class is `class X extends make('X', 'x_code') {}`, with a
 * literal `name`, a stable `code`, and the package base's `(message, details?)` facts. The base
 * (one per package) extends core's OpayoKashflowError and takes `(code, message, details?)`.
 * The returned type is written out, not named, so the declarations each package publishes do not
 * refer to this (unpublished) package.
 * @example
 * const make = errorClassFactory(KashflowError)
 * class KashflowNotFoundError extends make('KashflowNotFoundError', 'kashflow_not_found') {}
 */
export function errorClassFactory<D, E extends OpayoKashflowError>(
  base: new (code: string, message: string, details?: D) => E,
): <N extends string>(
  name: N,
  code: string,
) => new (message: string, details?: D) => E & { readonly name: N } {
  const Base = base as unknown as new (
    code: string,
    message: string,
    details?: D,
  ) => OpayoKashflowError
  return <N extends string>(name: N, code: string) => {
    class Named extends Base {
      override readonly name: N = name
      constructor(message: string, details?: D) {
        super(code, message, details)
      }
    }
    return Named as unknown as new (message: string, details?: D) => E & { readonly name: N }
  }
}
