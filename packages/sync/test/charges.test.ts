// Monthly charges: a charge statement posted as bank lines, once, with VAT per fee type, and
// net credit's payout difference explained by it, proven by a trial balance from the fake.
import { defineChargeRules } from '@opayo-kashflow/core'
import type { ChargeStatementInput } from '@opayo-kashflow/core'
import { describe, expect, it } from 'vitest'
import { VAT, trialBalance } from '../../../test/support/trial-balance.js'
import { chargeEventId, settlementEventId } from '../src/index.js'
import type { SettlementOptions } from '../src/index.js'
import { harness, payment } from './helpers.js'
import {
  BANK,
  CLEARING,
  batchOf,
  clearingAccounts,
  clearingRules,
  clearingSeed,
} from './support/clearing.js'

// Merchant service charges are VAT-exempt (HMRC VATFIN3160), netted off the first deposits of the
// month under net credit; the gateway's invoice is standard-rated and paid from the bank.
const charges = defineChargeRules({
  msc: { nominalCode: 7901, vat: 'exempt', from: 'clearing' },
  authorisation: { nominalCode: 7901, vat: 'exempt', from: 'clearing' },
  gateway: { nominalCode: 7902, vat: { rate: 20 }, from: 'bank' },
})
const settlement: SettlementOptions = {
  accounts: clearingAccounts,
  fees: { source: 'none' },
  charges,
}
const seed = {
  ...clearingSeed,
  nominals: [...clearingSeed.nominals, { Code: 7902, Name: 'Gateway fees' }],
}
const gbp = (amount: number) => ({ amount, currency: 'GBP' as const })

/** October's charges: £3.75 + £1.25 exempt, netted; £20.00 + £4.00 VAT gateway, from the bank. */
const october: ChargeStatementInput = {
  statementId: 'ELV-2026-10',
  currency: 'GBP',
  lines: [
    {
      lineNo: 1,
      date: '2026-11-03',
      period: '2026-10',
      feeType: 'MSC',
      description: 'Merchant service charge',
      net: gbp(375),
      vat: gbp(0),
    },
    {
      lineNo: 2,
      date: '2026-11-03',
      period: '2026-10',
      feeType: 'authorisation',
      net: gbp(125),
      vat: gbp(0),
    },
    {
      lineNo: 3,
      date: '2026-11-05',
      period: '2026-10',
      feeType: 'gateway',
      description: 'Opayo gateway',
      net: gbp(2000),
      vat: gbp(400),
    },
  ],
}

const linesWith = (h: ReturnType<typeof harness>, marker: string) =>
  [...h.fake.bankTransactions.values()].flat().filter((l) => l.Comment.startsWith(`${marker} `))

describe('a charge statement', () => {
  it('writes one bank line per statement line: account, TransactionType and VAT per fee type', async () => {
    const h = harness({ seed, engine: { rules: clearingRules, settlement } })
    const id = chargeEventId('ELV-2026-10')
    expect(await h.engine.ingestChargeStatement(october)).toEqual({ outcome: 'received', id })
    expect(await h.engine.ingestChargeStatement(october)).toEqual({ outcome: 'duplicate', id })
    await h.settle()
    expect(await h.store.get(id)).toMatchObject({ state: 'posted' })
    const [msc] = linesWith(h, 'OPAYO-CHARGE:ELV-2026-10:1')
    expect(msc).toMatchObject({
      AccountId: CLEARING,
      Date: '2026-11-03 12:00:00',
      PaidOut: 3.75,
      PaidIn: 0,
      TransactionType: 7901,
      VATAble: false,
      VATRate: 0,
      VATAmount: 0,
    })
    const [gateway] = linesWith(h, 'OPAYO-CHARGE:ELV-2026-10:3')
    expect(gateway).toMatchObject({
      AccountId: BANK,
      PaidOut: 24,
      TransactionType: 7902,
      VATAble: true,
      VATRate: 20,
      VATAmount: 4,
    })
    for (const n of [1, 2, 3]) expect(linesWith(h, `OPAYO-CHARGE:ELV-2026-10:${n}`)).toHaveLength(1)
  })

  it('under net credit, explains the payout difference: clearing comes back to zero', async () => {
    const h = harness({ seed, engine: { rules: clearingRules, settlement } })
    const a = payment(1042)
    const b = payment(1043)
    await h.engine.ingest(a)
    await h.engine.ingest(b)
    // £20.00 of payments; October's £5.00 of merchant charges came off the deposit: £15.00 arrived.
    await h.engine.ingestSettlementBatch({ ...batchOf('B-1', [a, b]), received: gbp(1500) })
    await h.settle()
    expect(await h.store.get(settlementEventId('B-1'))).toMatchObject({
      state: 'posted',
      detail: { totals: { payoutDifference: { amount: 500 } } },
    })
    expect(trialBalance(h.fake).get(1210)).toBe(500)
    await h.engine.ingestChargeStatement(october)
    await h.settle()
    // From what KashFlow received, nothing from the engine's totals.
    const balances = trialBalance(h.fake)
    expect(balances.get(1210)).toBe(0)
    expect(balances.get(7901)).toBe(500)
    expect(balances.get(7902)).toBe(2000)
    expect(balances.get(VAT)).toBe(400)
    // £15.00 arrived, £24.00 paid to the gateway.
    expect(balances.get(1200)).toBe(1500 - 2400)
  })

  it('under gross settle, the direct debit leaves the bank and clearing was never short', async () => {
    const gross: SettlementOptions = {
      ...settlement,
      payout: 'gross',
      charges: defineChargeRules({
        msc: { nominalCode: 7901, vat: 'exempt', from: 'bank' },
        authorisation: { nominalCode: 7901, vat: 'exempt', from: 'bank' },
        gateway: { nominalCode: 7902, vat: { rate: 20 }, from: 'bank' },
      }),
    }
    const h = harness({ seed, engine: { rules: clearingRules, settlement: gross } })
    const a = payment(1042)
    const b = payment(1043)
    await h.engine.ingest(a)
    await h.engine.ingest(b)
    await h.engine.ingestSettlementBatch({ ...batchOf('B-2', [a, b]), received: gbp(2000) })
    await h.engine.ingestChargeStatement(october)
    await h.settle()
    const balances = trialBalance(h.fake)
    expect(balances.get(1210)).toBe(0)
    expect(balances.get(7901)).toBe(500)
    expect(balances.get(VAT)).toBe(400)
    // £20.00 paid gross; £5.00 of charges and £24.00 to the gateway debited from the bank.
    expect(balances.get(1200)).toBe(2000 - 500 - 2400)
    expect(linesWith(h, 'OPAYO-CHARGE:ELV-2026-10:1')).toEqual([
      expect.objectContaining({ AccountId: BANK, PaidOut: 3.75, VATAble: false }),
    ])
  })

  it('a crash after a write, or a lost answer, never writes a line twice', async () => {
    let crashes = 1
    const h = harness({
      seed,
      engine: {
        rules: clearingRules,
        settlement,
        leaseMs: 60_000,
        afterWrite: (_id, marker) => {
          if (marker.endsWith(':1') && crashes > 0) {
            crashes -= 1
            throw new Error('simulated crash after the write')
          }
        },
      },
    })
    await h.engine.ingestChargeStatement(october)
    await h.engine.runOnce()
    // The next line's answer is lost after KashFlow committed it.
    h.fake.commitThenDropNextWrite()
    await h.settle()
    expect(await h.store.get(chargeEventId('ELV-2026-10'))).toMatchObject({ state: 'posted' })
    for (const n of [1, 2, 3]) expect(linesWith(h, `OPAYO-CHARGE:ELV-2026-10:${n}`)).toHaveLength(1)
    expect(trialBalance(h.fake).get(1210)).toBe(-500)
    // Line 1 after the crash and line 2 after the lost answer were found by their marker.
    const ledger = await h.store.ledger(chargeEventId('ELV-2026-10'))
    expect(ledger.map((e) => [e.marker.slice(-1), e.state, Object.keys(e.result ?? {})])).toEqual([
      ['1', 'done', ['readBack']],
      ['2', 'done', ['readBack']],
      ['3', 'done', ['id']],
    ])
  })

  it('stops for a person when the read-back cannot see Comment: cannot tell, nothing written twice', async () => {
    let strip = false
    const h = harness({
      seed,
      engine: { rules: clearingRules, settlement },
      // After a lost answer, the list rows come back without Comment.
      wrapFetch: (fetch) => async (input, init) => {
        const response = await fetch(input, init)
        const url = String(input instanceof Request ? input.url : input)
        if (!strip || init?.method === 'POST' || !/\/transactions\?/.test(url)) return response
        const body = (await response.json()) as { Data?: Record<string, unknown>[] }
        for (const row of body.Data ?? []) delete row['Comment']
        return Response.json(body, { status: response.status })
      },
    })
    await h.engine.ingestChargeStatement(october)
    h.fake.commitThenDropNextWrite()
    strip = true
    await h.settle()
    expect(await h.store.get(chargeEventId('ELV-2026-10'))).toMatchObject({
      state: 'dead',
      reason: 'needs_review',
    })
    expect(linesWith(h, 'OPAYO-CHARGE:ELV-2026-10:1')).toHaveLength(1)
    expect(linesWith(h, 'OPAYO-CHARGE:ELV-2026-10:2')).toHaveLength(0)
  })

  it('a changed statement with the same id after posting is a dead letter, never re-posted', async () => {
    const h = harness({ seed, engine: { rules: clearingRules, settlement } })
    await h.engine.ingestChargeStatement(october)
    await h.settle()
    const changed = {
      ...october,
      lines: october.lines.map((l) => (l.lineNo === 1 ? { ...l, net: gbp(395) } : l)),
    }
    const result = await h.engine.ingestChargeStatement(changed)
    expect(result.outcome).toBe('conflict')
    expect(await h.store.get(result.id)).toMatchObject({
      state: 'dead',
      reason: 'charge_statement_changed',
    })
    await h.settle()
    expect(linesWith(h, 'OPAYO-CHARGE:ELV-2026-10:1')).toEqual([
      expect.objectContaining({ PaidOut: 3.75 }),
    ])
  })

  it('dead-letters an unknown fee type or VAT on an exempt line, naming it, and writes nothing', async () => {
    const h = harness({ seed, engine: { rules: clearingRules, settlement } })
    await h.engine.ingestChargeStatement({
      ...october,
      lines: [
        ...october.lines,
        {
          lineNo: 4,
          date: '2026-11-03',
          feeType: 'terminal rental',
          net: gbp(1500),
          vat: gbp(300),
        },
      ],
    })
    await h.settle()
    const dead = await h.store.get(chargeEventId('ELV-2026-10'))
    expect(dead).toMatchObject({ state: 'dead', reason: 'unknown_fee_type' })
    expect(JSON.stringify(dead?.detail)).toContain('terminal rental')
    expect([...h.fake.bankTransactions.values()].flat()).toHaveLength(0)
    // Corrected before anything was written: the statement replaces the stored one and posts.
    expect(await h.engine.ingestChargeStatement(october)).toMatchObject({ outcome: 'received' })
    await h.settle()
    expect(await h.store.get(chargeEventId('ELV-2026-10'))).toMatchObject({ state: 'posted' })
  })
})
