import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PLAYGROUND_PAYMENTS } from '../src/payments.js'
import { planPlayground, renderPlayground } from '../src/playground.js'

describe('the mapping playground (pnpm demo)', () => {
  it('gives every bundled payment a decision', async () => {
    const rows = await planPlayground()
    expect(rows).toHaveLength(PLAYGROUND_PAYMENTS.length)
    const byCode = Object.fromEntries(
      rows.map((r) => [r.payment.source.vendorTxCode, r.intents.map((i) => i.kind)]),
    )
    expect(byCode).toEqual({
      'INV-1042-1': ['customer-upsert', 'invoice-payment'],
      'INV-1043-1': ['invoice-payment'],
      'INV-1044-1': ['invoice-payment'],
      'INV-1042-R1': ['invoice-refund'],
      'INV-1045-1': ['skip'],
      'INV-1046-1': ['skip'],
      'INV-1046-REL': ['invoice-payment'],
      'demotransaction-100092813': ['dead-letter'],
      'INV-1047-1': ['dead-letter'],
    })
  })

  it('converts the euro payment into the GBP invoice at the table rate', async () => {
    const rows = await planPlayground()
    const euro = rows.find((r) => r.payment.source.vendorTxCode === 'INV-1044-1')
    expect(euro?.intents[0]).toMatchObject({
      amount: { amount: 8584, currency: 'GBP' },
      conversion: { original: { amount: 10000, currency: 'EUR' } },
    })
  })

  it('prints the postings table, the custom fields and a summary', async () => {
    const text = renderPlayground(await planPlayground())
    expect(text).toContain('Planned KashFlow postings for 9 Opayo payments')
    expect(text).toContain('#1043 £1,231.47')
    expect(text).toContain('DEAD LETTER')
    expect(text).toMatch(/Summary: .*4 invoice-payment/)
  })

  it('runs as `pnpm demo` does and exits 0', async () => {
    const cwd = fileURLToPath(new URL('..', import.meta.url))
    const { stdout: out } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@opayo-kashflow/source', '--import', 'tsx', 'src/main.ts'],
      { cwd, encoding: 'utf8' },
    )
    expect(out).toContain('Summary:')
  })
})
