import { createHash } from 'node:crypto'
import { XMLParser } from 'fast-xml-parser'

/** One request parameter: an element, or a wrapper holding repeated children (`<txtypes><txtype>…`). */
export type ReportingParam = readonly [name: string, value: string | readonly ReportingParam[]]

/** Escapes text for an XML element (the five predefined entities). */
export const escapeXml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')

function elements(params: readonly ReportingParam[]): string {
  return params
    .map(
      ([name, value]) =>
        `<${name}>${typeof value === 'string' ? escapeXml(value) : elements(value)}</${name}>`,
    )
    .join('')
}

export interface ReportingCredentials {
  readonly vendor: string
  readonly user: string
  readonly password: string
}

/**
 * Builds the `<vspaccess>` message and its signature (ebizmarts SagePaySuite
 * Model/Api/Reporting.php::_getXmlSignature, mirror hc-wg/sagepaysuite): MD5 (lower-case hex)
 * of the inner XML exactly as sent — command, vendor, user, the parameters — with
 * `<password>` appended; the password itself is never sent. Values are escaped identically in
 * the signed and the sent text.
 */
export function buildReportingXml(
  command: string,
  params: readonly ReportingParam[],
  credentials: ReportingCredentials,
): { xml: string; signature: string; signedText: string } {
  const inner = elements([
    ['command', command],
    ['vendor', credentials.vendor],
    ['user', credentials.user],
    ...params,
  ])
  const signedText = `${inner}${elements([['password', credentials.password]])}`
  const signature = createHash('md5').update(signedText, 'latin1').digest('hex')
  return {
    xml: `<vspaccess>${inner}<signature>${signature}</signature></vspaccess>`,
    signature,
    signedText,
  }
}

const ARRAYS = new Set(['transaction', 'batch', 'rule', 'transactiongroup'])

// One parser configuration for every Reporting response: text kept as text (no number
// guessing: "0000" stays "0000"), repeated elements always arrays.
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ARRAYS.has(name),
})

/**
 * Parses a Reporting response body (ISO-8859-1 bytes) to the `<vspaccess>` object. Tolerates
 * HTTP headers echoed before the XML (seen in the wild) and an XML declaration.
 */
export function parseReportingXml(body: Uint8Array): Record<string, unknown> | undefined {
  const text = Buffer.from(body).toString('latin1')
  const start = text.search(/<\?xml|<vspaccess/)
  if (start < 0) return undefined
  try {
    const doc = parser.parse(text.slice(start)) as { vspaccess?: unknown }
    const root = doc.vspaccess
    if (root === '') return {}
    return typeof root === 'object' && root !== null ? (root as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
