import { describe, expect, it } from 'vitest'
import { parseRegistrations } from '../src/cli/registrations-command.js'

describe('parseRegistrations', () => {
  it('takes a Form transaction without a SecurityKey (stored empty, so it never verifies a notification)', () => {
    const parsed = parseRegistrations({ 'INV-1042-F1': { amount: 12000, currency: 'GBP' } }, 0)
    expect(parsed).toMatchObject({
      ok: true,
      records: [{ vendorTxCode: 'INV-1042-F1', securityKey: '', txType: 'PAYMENT' }],
    })
  })

  it('names the row and field of a bad amount', () => {
    expect(
      parseRegistrations([{ vendorTxCode: 'A', amount: 1.5, currency: 'GBP' }], 0),
    ).toMatchObject({
      ok: false,
      issues: [{ row: 0, field: 'amount' }],
    })
  })
})

describe('parseRegistrations refuses what Opayo never issues (issue 19, finding 5)', () => {
  const row = (extra: Record<string, unknown>) => ({
    vendorTxCode: 'INV-1042-1',
    securityKey: 'IK776BWNHN',
    amount: 12000,
    currency: 'GBP',
    ...extra,
  })

  it.each(['REFUND', 'TOKEN', 'VOID', 'REPEAT'])(
    'refuses a registration with TxType %s',
    (txType) => {
      const parsed = parseRegistrations([row({ txType })], 0)
      expect(parsed).toMatchObject({ ok: false, issues: [{ row: 0, field: 'txType' }] })
      const legacy = parseRegistrations(
        { 'INV-1042-1': { ...row({ txType }), vendorTxCode: undefined } },
        0,
      )
      expect(legacy.ok).toBe(false)
    },
  )

  it('takes PAYMENT, DEFERRED and AUTHENTICATE', () => {
    const parsed = parseRegistrations(
      ['PAYMENT', 'DEFERRED', 'AUTHENTICATE'].map((txType, i) =>
        row({ txType, vendorTxCode: `INV-1042-${i}` }),
      ),
      0,
    )
    expect(parsed.ok).toBe(true)
  })

  it('refuses a 20 MB SecurityKey with a short message that does not quote it', () => {
    const huge = 'A'.repeat(20 * 1024 * 1024)
    const parsed = parseRegistrations([row({ securityKey: huge })], 0)
    expect(parsed).toMatchObject({ ok: false, issues: [{ row: 0, field: 'securityKey' }] })
    expect(JSON.stringify(parsed).length).toBeLessThan(500)
  })

  it.each(['IK776BWNH😀', 'IK776BWNHN1', 'IK776-WNHN', ' IK776BWNHN'])(
    'refuses the SecurityKey %j',
    (securityKey) => {
      expect(parseRegistrations([row({ securityKey })], 0)).toMatchObject({
        ok: false,
        issues: [{ field: 'securityKey' }],
      })
    },
  )

  it('refuses a 20 MB legacy key without echoing it', () => {
    const key = `INV-${'9'.repeat(20 * 1024 * 1024)}`
    const parsed = parseRegistrations({ [key]: { amount: 12000, currency: 'GBP' } }, 0)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.issues[0]?.message.length).toBeLessThan(200)
  })

  it('refuses a code with a trailing space outright (nothing is trimmed)', () => {
    expect(parseRegistrations([row({ vendorTxCode: 'INV-1042-1 ' })], 0)).toMatchObject({
      ok: false,
      issues: [{ field: 'vendorTxCode' }],
    })
    expect(
      parseRegistrations({ 'INV-1042-1 ': { amount: 12000, currency: 'GBP' } }, 0),
    ).toMatchObject({ ok: false, issues: [{ field: '(key)' }] })
  })

  it('refuses INV-1042-1 and inv-1042-1 in one file, naming the line', () => {
    const rows = [row({}), row({ vendorTxCode: 'inv-1042-1', securityKey: 'OWNKEY0001' })]
    const text = JSON.stringify(rows, null, 2)
    const parsed = parseRegistrations(JSON.parse(text), 0, text)
    expect(parsed).toMatchObject({
      ok: false,
      issues: [{ row: 1, line: 8, field: 'vendorTxCode' }],
    })
    if (parsed.ok) return
    expect(parsed.issues[0]?.message).toMatch(/only by letter case/)
  })

  it('refuses the same code twice in the array shape', () => {
    expect(parseRegistrations([row({}), row({})], 0)).toMatchObject({
      ok: false,
      issues: [{ row: 1, field: 'vendorTxCode' }],
    })
  })

  it('refuses a legacy map whose key is written twice (JSON.parse would keep the last)', () => {
    const text = [
      '{',
      '  "INV-1042-1": { "securityKey": "IK776BWNHN", "amount": 12000, "currency": "GBP" },',
      '  "INV-1042-1": { "securityKey": "OWNKEY0001", "amount": 777700, "currency": "GBP" }',
      '}',
    ].join('\n')
    const parsed = parseRegistrations(JSON.parse(text), 0, text)
    expect(parsed).toMatchObject({
      ok: false,
      issues: [{ row: 'INV-1042-1', line: 3, field: '(key)' }],
    })
    if (parsed.ok) return
    expect(parsed.issues[0]?.message).toMatch(/given twice \(also line 2\)/)
  })

  it('refuses legacy keys that differ only by case', () => {
    const parsed = parseRegistrations(
      {
        'INV-1042-1': { securityKey: 'IK776BWNHN', amount: 12000, currency: 'GBP' },
        'inv-1042-1': { securityKey: 'OWNKEY0001', amount: 777700, currency: 'GBP' },
      },
      0,
    )
    expect(parsed).toMatchObject({
      ok: false,
      issues: [{ row: 'inv-1042-1', field: 'vendorTxCode' }],
    })
  })
})
