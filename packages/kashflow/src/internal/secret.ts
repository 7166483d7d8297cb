import { inspect } from 'node:util'

const REDACTED = '<redacted>'

/**
 * Holds a credential so it cannot leak by accident: `String()`, template literals,
 * `JSON.stringify` and `util.inspect` all print `<redacted>`. Only `reveal()` gives the value.
 */
export class Secret {
  readonly #value: string
  constructor(value: string) {
    this.#value = value
  }
  reveal(): string {
    return this.#value
  }
  toString(): string {
    return REDACTED
  }
  toJSON(): string {
    return REDACTED
  }
  [inspect.custom](): string {
    return REDACTED
  }
}
