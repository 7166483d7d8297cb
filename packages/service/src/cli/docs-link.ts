// Where a user-facing error points: one table of docs sections and one helper that ends a
// message with the link, so every usage and configuration error reads the same way.

/** The docs sections the CLI's errors link to (paths in this repository, as in its other messages). */
export const DOCS_SECTIONS = {
  /** The config file's keys. */
  config: 'docs/running-the-sync-service.md#configuration',
  /** The commands and their flags. */
  cli: 'docs/running-the-sync-service.md#the-cli',
  /** `fakes` and `trigger`: the service on loopback fakes. */
  local: 'docs/running-the-sync-service.md#try-it-locally',
  /** Bank statement exports as the deposit source. */
  deposits: 'docs/accounting.md#a-bank-statement-export',
} as const
export type DocsSection = keyof typeof DOCS_SECTIONS

/**
 * `message`, then the docs section that explains it on a line of its own; a message that already
 * names a docs page is returned as it is.
 * @example withDocs('--role must be one of all, ack, worker', 'cli')
 * // '--role must be one of all, ack, worker\nSee docs/running-the-sync-service.md#the-cli'
 */
export function withDocs(message: string, section: DocsSection): string {
  return message.includes('docs/') ? message : `${message}\nSee ${DOCS_SECTIONS[section]}`
}
