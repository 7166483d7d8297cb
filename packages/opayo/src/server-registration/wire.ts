import { toDecimalString } from '@opayo-kashflow/core'
import type { ServerRegistrationRequest } from './schema.js'

/** The protocol this client speaks (omnipay `AbstractRequest::$VPSProtocol`). */
export const SERVER_PROTOCOL = '4.00'

type Contact = ServerRegistrationRequest['billing']

/**
 * The registration POST's fields, in the order omnipay builds them
 * (`DirectAuthorizeRequest::getBaseAuthorizeData()`, `ServerAuthorizeRequest::getData()`).
 * Absent optional fields are left out rather than sent empty.
 */
export function serverRegistrationFields(
  request: ServerRegistrationRequest,
  vendorName: string,
): [string, string][] {
  const fields: [string, string][] = [
    ['VPSProtocol', SERVER_PROTOCOL],
    ['TxType', request.txType],
    ['Vendor', vendorName],
    ['VendorTxCode', request.vendorTxCode],
    // Exact decimal from minor units (core's formatting, never a float).
    ['Amount', toDecimalString(request.amount)],
    ['Currency', request.amount.currency],
    ['Description', request.description],
    ['NotificationURL', request.notificationUrl],
    ...contactFields('Billing', request.billing),
    // Opayo requires delivery details; omnipay's billingForShipping sends the billing contact.
    ...contactFields('Delivery', request.delivery ?? request.billing),
  ]
  if (request.customerEmail !== undefined) fields.push(['CustomerEMail', request.customerEmail])
  if (request.basket !== undefined) fields.push(['Basket', request.basket])
  if (request.basketXml !== undefined) fields.push(['BasketXML', request.basketXml])
  fields.push(['AllowGiftAid', request.allowGiftAid === true ? '1' : '0'])
  if (request.applyAvsCv2 !== undefined) fields.push(['ApplyAVSCV2', String(request.applyAvsCv2)])
  if (request.apply3DSecure !== undefined)
    fields.push(['Apply3DSecure', String(request.apply3DSecure)])
  if (request.profile !== undefined) fields.push(['Profile', request.profile])
  return fields
}

function contactFields(prefix: 'Billing' | 'Delivery', contact: Contact): [string, string][] {
  const fields: [string, string][] = [
    [`${prefix}Surname`, contact.surname],
    [`${prefix}Firstnames`, contact.firstnames],
    [`${prefix}Address1`, contact.address1],
  ]
  if (contact.address2 !== undefined) fields.push([`${prefix}Address2`, contact.address2])
  fields.push(
    [`${prefix}City`, contact.city],
    [`${prefix}PostCode`, contact.postCode],
    [`${prefix}Country`, contact.country],
  )
  // "The state must not be set for non-US countries" (omnipay AbstractRequest::getAddressData()).
  if (contact.state !== undefined) fields.push([`${prefix}State`, contact.state])
  if (contact.phone !== undefined) fields.push([`${prefix}Phone`, contact.phone])
  return fields
}

const UNRESERVED = /[A-Za-z0-9*\-._]/

/**
 * `application/x-www-form-urlencoded` over ISO-8859-1 bytes (Opayo "strictly accepts ISO8859-1
 * only": omnipay README), where URLSearchParams would percent-encode UTF-8. Every character must
 * be ISO-8859-1; the schema has made sure of that.
 */
export function encodeLatin1Form(pairs: Iterable<readonly [string, string]>): string {
  const encode = (text: string) => {
    let out = ''
    for (const char of text) {
      const code = char.codePointAt(0) ?? 0
      if (code > 0xff) throw new RangeError('encodeLatin1Form: a character outside ISO-8859-1')
      if (char === ' ') out += '+'
      else if (UNRESERVED.test(char)) out += char
      else out += `%${code.toString(16).toUpperCase().padStart(2, '0')}`
    }
    return out
  }
  return [...pairs].map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&')
}

/**
 * A fetch that re-encodes a form body from UTF-8 (as ky sends URLSearchParams) to ISO-8859-1,
 * with omnipay's plain `application/x-www-form-urlencoded` content type. Everything else
 * (timeouts, errors, retries) stays with the shared Http core this wraps the fetch of.
 */
export function latin1FormFetch(inner: typeof fetch | undefined): typeof fetch {
  return async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init)
    const pairs = [...new URLSearchParams(await request.text())]
    const headers = new Headers(request.headers)
    headers.set('content-type', 'application/x-www-form-urlencoded')
    const reencoded = new Request(request.url, {
      method: request.method,
      headers,
      body: encodeLatin1Form(pairs),
      signal: request.signal,
      redirect: request.redirect,
    })
    // Resolved at call time so test interceptors (msw) installed after creation still apply.
    return (inner ?? globalThis.fetch)(reencoded, input instanceof Request ? init : undefined)
  }
}

/**
 * Opayo's `Name=Value` response lines: split on line breaks (CRLF; a lone LF or CR is accepted
 * too), then on the FIRST `=` only (NextURL contains `=`), names and values trimmed, as omnipay
 * `AbstractRequest::parseBodyData()` does. A name given twice keeps its first value.
 */
export function parseServerResponse(text: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const line of text.split(/\r\n|\n|\r/)) {
    const at = line.indexOf('=')
    const name = (at < 0 ? line : line.slice(0, at)).trim()
    if (name === '' || fields.has(name)) continue
    fields.set(name, at < 0 ? '' : line.slice(at + 1).trim())
  }
  return fields
}
