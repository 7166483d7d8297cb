/** Turns the accepted body shapes into ordered name/value pairs (values already decoded). */
export function toFieldPairs(
  body: string | URLSearchParams | Readonly<Record<string, string | undefined>>,
): [string, string][] {
  if (typeof body === 'string') return [...new URLSearchParams(body)]
  if (body instanceof URLSearchParams) return [...body]
  return Object.entries(body).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  )
}
