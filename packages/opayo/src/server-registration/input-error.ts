import type { Issue } from '@opayo-kashflow/core'
import { OpayoError } from '../errors/opayo-error.js'

/**
 * `register()` was given input Opayo would refuse (checked before anything is sent). `issues`
 * names each field by its path in the input (`['billing', 'surname']`) with a reason.
 * @example
 * const server = createOpayoServerClient({ vendorName: 'myshop' })
 * async function register(input: ServerRegistrationInput) {
 *   try {
 *     return await server.register(input)
 *   } catch (error) {
 *     if (error instanceof OpayoServerRegistrationInputError) {
 *       return { field: error.field, issues: error.issues }
 *     }
 *     throw error
 *   }
 * }
 */
export class OpayoServerRegistrationInputError extends OpayoError {
  override readonly name = 'OpayoServerRegistrationInputError' as const
  readonly issues: readonly Issue[]
  /** The first offending field, as a dotted path (`billing.address.postalCode`). */
  readonly field: string

  constructor(issues: readonly Issue[]) {
    super(
      'opayo_server_registration_invalid_input',
      `register(): the input cannot be sent to Opayo:\n` +
        issues.map((i) => `- ${i.path.join('.') || '(input)'}: ${i.message}`).join('\n'),
      { operation: 'Server registration' },
    )
    this.issues = issues
    this.field = issues[0]?.path.join('.') ?? ''
  }
}
