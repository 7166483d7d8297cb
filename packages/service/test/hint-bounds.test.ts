import { createReferenceParser, definePostingRules, money } from '@opayo-kashflow/core'
import { createKashflowClient, createRateBudget } from '@opayo-kashflow/kashflow'
import { createOpayoReportingClient, encryptFormCrypt } from '@opayo-kashflow/opayo'
import { FakeKashflow, FakeOpayo } from '@opayo-kashflow/testkit'
import { CLAIMABLE_STATES, memoryStore } from '@opayo-kashflow/sync'
import { describe, expect, it } from 'vitest'
import { createSyncService } from '../src/index.js'
import { CREDENTIALS } from './helpers.js'

const FORM_PASSWORD = 'DemoFormKey12345'
const guid = (n: number) =>
  `DDDD0000-0000-4000-8000-${n.toString(16).toUpperCase().padStart(12, '0')}`

/** A service on a fake clock: every wait (the budgets') moves it, nothing sleeps. */
function setup(overrides: Partial<Parameters<typeof createSyncService>[0]> = {}) {
  let now = Date.UTC(2026, 10, 2, 10, 0, 0)
  const clock = { now: () => now }
  const sleep = (ms: number) => {
    now += ms
    return Promise.resolve()
  }
  const kashflowFake = new FakeKashflow({ now: () => now, invoices: [{ number: 1043, gross: 50 }] })
  const opayoFake = new FakeOpayo({
    vendorName: 'myshop',
    reporting: { vendor: 'myshop', user: 'r', password: 'p' },
  })
  // When each Reporting request reached the fake Opayo, on the fake clock.
  const reportingAt: number[] = []
  const reporting = createOpayoReportingClient({
    vendor: 'myshop',
    user: 'r',
    password: 'p',
    fetch: (input, init) => {
      reportingAt.push(now)
      return opayoFake.fetch(input, init)
    },
    retry: { limit: 0 },
  })
  const warnings: string[] = []
  const store = memoryStore()
  const service = createSyncService({
    store,
    kashflow: createKashflowClient({
      ...CREDENTIALS,
      fetch: kashflowFake.fetch,
      retry: { limit: 0 },
      sleep,
      rateBudget: createRateBudget({ limit: 1000, windowMs: 1000, now: clock.now, sleep }),
    }),
    rules: definePostingRules({ bankAccountId: 55166, paymentMethodId: 409844 }),
    references: createReferenceParser(['INV-{invoice}-{*}']),
    opayo: { vendorName: 'myshop', formPassword: FORM_PASSWORD, reporting },
    redirectUrl: 'https://shop.example/thanks?order={vendorTxCode}',
    poll: false,
    clock,
    sleep,
    logger: { warn: (message) => warnings.push(message) },
    ...overrides,
  })
  const formReturn = (code: string, tx: string, amount = '50.00') =>
    service.handler(
      new Request(
        `http://service.local/opayo/form-return?crypt=${encodeURIComponent(
          encryptFormCrypt(
            { VendorTxCode: code, VPSTxId: `{${tx}}`, Status: 'OK', Amount: amount },
            FORM_PASSWORD,
          ),
        )}`,
      ),
    )
  /** Lets the Form returns handed over be recorded (they run after each reply). */
  const settle = async () => {
    for (let i = 0; i < 100; i += 1) await new Promise((resolve) => setImmediate(resolve))
  }
  const pendingHints = async () =>
    (await store.list({ states: CLAIMABLE_STATES })).filter((e) => e.id.startsWith('hint:'))
  return {
    service,
    store,
    opayoFake,
    kashflowFake,
    reportingAt,
    warnings,
    formReturn,
    pendingHints,
    settle,
  }
}

describe('hints are bounded', () => {
  it('folds 2,000 Form returns for one VendorTxCode into one pending hint', async () => {
    const { service, formReturn, pendingHints, store } = setup()
    await service.recordFormTransaction({ vendorTxCode: 'INV-1043-F1', amount: money(5000, 'GBP') })
    for (let i = 0; i < 2000; i += 1) await formReturn('INV-1043-F1', guid(i))
    await service.stop()
    const pending = await pendingHints()
    expect(pending.map((e) => e.id)).toEqual(['hint:form:INV-1043-F1'])
    // Later claims naming other transactions replaced its transaction id a bounded number of times.
    expect(pending[0]?.payment).toMatchObject({ revisions: 3 })
    expect((await store.stats()).conflicts).toBe(0)
  })

  it('stops 2,000 hints for distinct VendorTxCodes at the cap, with one warning line and a counted refusal', async () => {
    const { service, formReturn, pendingHints, warnings } = setup()
    for (let i = 0; i < 2000; i += 1) {
      await service.recordFormTransaction({
        vendorTxCode: `INV-1043-C${i}`,
        amount: money(5000, 'GBP'),
      })
    }
    for (let i = 0; i < 2000; i += 1) await formReturn(`INV-1043-C${i}`, guid(i))
    await service.stop()
    expect(await pendingHints()).toHaveLength(1000)
    expect((await service.engine.status()).hints).toEqual({ maxPending: 1000, refused: 1000 })
    expect(warnings.filter((w) => w.startsWith('hint cap reached'))).toHaveLength(1)
  })

  it('refuses a Pi hand-over beyond the cap with 503, counted', async () => {
    const { service, pendingHints } = setup({ maxPendingHints: 2 })
    const engine = service.engine
    const hint = (code: string) =>
      engine.ingestHint({
        protocol: 'form',
        transactionId: guid(1),
        vendorTxCode: code,
        receivedAt: '2026-11-02T10:00:00Z',
      })
    expect((await hint('INV-1043-A')).outcome).toBe('received')
    expect((await hint('INV-1043-B')).outcome).toBe('received')
    expect(await hint('INV-1043-C')).toEqual({ outcome: 'refused', id: 'hint:form:INV-1043-C' })
    // A fold costs no room: the pending code is still a duplicate.
    expect((await hint('INV-1043-A')).outcome).toBe('duplicate')
    expect(await pendingHints()).toHaveLength(2)
    expect((await engine.status()).hints?.refused).toBe(1)
  })

  it('confirms N pending hints no faster than the Reporting confirmation budget', async () => {
    const { service, formReturn, reportingAt, settle } = setup()
    const n = 30
    for (let i = 0; i < n; i += 1) {
      await service.recordFormTransaction({
        vendorTxCode: `INV-1043-B${i}`,
        amount: money(5000, 'GBP'),
      })
      await formReturn(`INV-1043-B${i}`, guid(i))
    }
    await settle()
    await service.engine.drain()
    // Every hint was asked about once (Opayo knows none of them: they wait for the next step).
    expect(reportingAt).toHaveLength(n)
    // The default budget: at most 2 requests in any second.
    for (const [i, at] of reportingAt.entries())
      expect(
        reportingAt.filter((t) => t >= at && t < at + 1000).length,
        `from request ${i}`,
      ).toBeLessThanOrEqual(2)
    expect(reportingAt.at(-1)! - reportingAt[0]!).toBeGreaterThanOrEqual((n - 2) * 1000 - 1)
  })

  it('confirms and posts once a genuine payment whose hint was folded into a forged claim', async () => {
    const { service, formReturn, opayoFake, kashflowFake, store, reportingAt, settle } = setup()
    await service.recordFormTransaction({ vendorTxCode: 'INV-1043-G1', amount: money(5000, 'GBP') })
    opayoFake.seed({ transactionId: guid(7), vendorTxCode: 'INV-1043-G1', amount: 5000 })
    // A forged claim for the code first, then the shopper's genuine return, then reloads of it.
    await formReturn('INV-1043-G1', guid(666), '9,999.00')
    for (let i = 0; i < 50; i += 1) await formReturn('INV-1043-G1', guid(7))
    await settle()
    expect((await store.list()).map((e) => e.id)).toEqual(['hint:form:INV-1043-G1'])
    await service.engine.drain()
    expect(await store.get('hint:form:INV-1043-G1')).toMatchObject({
      state: 'skipped',
      reason: 'confirmed',
    })
    expect(kashflowFake.invoices.get(1043)!.PaymentLines.map((l) => l.Amount)).toEqual([50])
    expect(reportingAt).toHaveLength(1)
  })
})
