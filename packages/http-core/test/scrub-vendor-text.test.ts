// Issue 19, finding 6: client error messages never include response text that could hold a
// header value. Vendor text is capped, stripped of control characters, and token-like values are
// redacted before an error keeps them.
import { describe, expect, it } from 'vitest'
import { scrubVendorText } from '../src/index.js'

const GUID = '3F2A5C1E-9B7D-4E21-8A6F-0C1D2E3F4A5B'
const BASIC = Buffer.from('PI-KEY-123:PI-PASSWORD-456').toString('base64')

describe('scrubVendorText', () => {
  it('redacts authorization values, named secrets, GUIDs and long token-like runs', () => {
    for (const text of [
      `Authorization: KfToken ${GUID}`,
      `authorization=KfToken ${GUID}`,
      `Bad token ${GUID}`,
      `Basic ${BASIC}`,
      `{"authorization":"Basic ${BASIC}"}`,
      'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc',
      'password=hunter2&user=x',
      `key ${'a1'.repeat(20)}`,
    ]) {
      const scrubbed = scrubVendorText(text)
      expect(scrubbed, text).toContain('<redacted>')
      for (const secret of [GUID, BASIC, 'eyJhbGciOiJIUzI1NiJ9', 'hunter2', 'a1'.repeat(20)])
        expect(scrubbed, text).not.toContain(secret)
    }
  })

  it('keeps ordinary words, codes and amounts', () => {
    expect(scrubVendorText('InvalidCredentials - The username or password is incorrect')).toBe(
      'InvalidCredentials - The username or password is incorrect',
    )
    expect(scrubVendorText('Invoice 1042 has an amount of 120.00 due')).toBe(
      'Invoice 1042 has an amount of 120.00 due',
    )
  })

  it('caps the text at 200 characters and strips control characters', () => {
    expect(scrubVendorText('x '.repeat(10_000)).length).toBeLessThanOrEqual(200)
    expect(scrubVendorText('a\u001b]0;pwned\u0007b\r\nc\u009b2J')).toBe('a ]0;pwned b c 2J')
    expect(scrubVendorText(undefined)).toBeUndefined()
  })

  it('never keeps the tail of a token the cap cut', () => {
    const text = `${'word '.repeat(159)}KfToken${GUID}`
    expect(scrubVendorText(text)).not.toMatch(/[0-9A-F]{4}/)
  })
})
