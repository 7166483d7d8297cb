const REDACTED = '<redacted>'

// Node's util.inspect looks this symbol up; using the registered symbol keeps core free of
// node:util (core imports nothing platform-specific).
const INSPECT = Symbol.for('nodejs.util.inspect.custom')

/**
 * Holds a credential so it cannot leak by accident: `String()`, template literals,
 * `JSON.stringify`, `util.inspect` and `console.log` all print `<redacted>`. Only `reveal()`
 * gives the value. Both vendor packages take their credentials as `Secret` (or a string, which
 * they wrap at once).
 * @example
 * const password = new Secret(process.env.KASHFLOW_PASSWORD ?? '')
 * String(password) // '<redacted>'
 * password.reveal() // the value, for the one place that sends it
 */
export class Secret {
  readonly #value: string
  constructor(value: string) {
    this.#value = value
  }
  /** The value. Call it only where the credential is sent or hashed. */
  reveal(): string {
    return this.#value
  }
  toString(): string {
    return REDACTED
  }
  toJSON(): string {
    return REDACTED
  }
  [INSPECT](): string {
    return REDACTED
  }
}

/**
 * A `Secret` from a string or a `Secret` (options accept either).
 * @example const key = toSecret(process.env.KASHFLOW_PASSWORD ?? '')
 */
export function toSecret(value: string | Secret): Secret {
  if (value instanceof Secret) return value
  // A Secret from a second copy of core (two versions in one node_modules) fails instanceof;
  // take its value rather than wrapping the object.
  const reveal = (value as { reveal?: unknown } | null | undefined)?.reveal
  if (typeof value === 'object' && typeof reveal === 'function')
    return new Secret(String((reveal as () => unknown).call(value)))
  return new Secret(value)
}
