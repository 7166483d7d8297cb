// The wire helpers the fake Opayo's protocols share: Pi's JSON answers and Reporting's XML
// envelope (ISO-8859-1, with its timestamp).
import { toReportingDate } from '@opayo-kashflow/opayo'

/**
 * A JSON answer, as Pi sends them.
 * @example return json(404, { description: 'Not found', code: 1010 })
 */
export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

/**
 * A Reporting answer: `inner` inside `<vspaccess>`, with the timestamp, in ISO-8859-1.
 * @example return xmlResponse('<errorcode>0000</errorcode><version>3.00</version>')
 */
export function xmlResponse(inner: string): Response {
  const text = `<?xml version="1.0" encoding="ISO-8859-1" ?><vspaccess>${inner}<timestamp>${toReportingDate(new Date())}</timestamp></vspaccess>`
  return new Response(Buffer.from(text, 'latin1'), {
    status: 200,
    headers: { 'content-type': 'text/xml; charset=ISO-8859-1' },
  })
}

/**
 * XML text with `&`, `<` and `>` escaped.
 * @example const text = escape('Fish & chips')
 */
export const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
