// Journals through the engine on the live KashFlow shape: a lost answer posts once, a read-back
// that cannot tell stops the item, and the first journal after a start is verified line by line
// (a misread body stops journals with one journal_shape_unverified dead letter).
import { createReferenceParser, definePostingRules } from '@opayo-kashflow/core'
import type { FakeKashflowUnconfirmed } from '@opayo-kashflow/testkit'
import { describe, expect, it } from 'vitest'
import { createSyncEngine } from '../src/index.js'
import { harness, payment } from './helpers.js'

// A payment whose reference names no invoice goes to suspense: one journal. The home currency is
// configured, so the journal write is the first request (the faults below are aimed at it).
const rules = definePostingRules({
  homeCurrency: 'GBP',
  bankAccountId: 55166,
  paymentMethodId: 409844,
  unmatchedReference: {
    action: 'suspense-journal',
    suspenseNominalCode: 9999,
    bankNominalCode: 1200,
  },
})

/** A payment whose reference names no invoice: one suspense journal. */
function stray(n: number) {
  const p = payment(1042)
  return { ...p, source: { ...p.source, vendorTxCode: `phone-order-${n}` } }
}

function journalHarness(unconfirmed: FakeKashflowUnconfirmed = {}) {
  const logs: { message: string; fields: Record<string, unknown> | undefined }[] = []
  const logger = {
    info: (message: string, fields?: Record<string, unknown>) => logs.push({ message, fields }),
    warn: (message: string, fields?: Record<string, unknown>) => logs.push({ message, fields }),
  }
  const h = harness({ seed: { unconfirmed }, engine: { rules, logger } })
  return { ...h, logs }
}

describe('journals through the engine, on the live shape', () => {
  it('a journal whose response is lost (commit then drop) posts once against the default fake', async () => {
    const h = journalHarness()
    const p = stray(1)
    await h.engine.ingest(p)
    h.fake.commitThenDropNextWrite()
    await h.settle()
    expect(await h.store.get(p.id)).toMatchObject({ state: 'posted' })
    expect(h.fake.journals.size).toBe(1)
    const [journal] = h.fake.journals.values()
    expect(String(journal?.['JournalName'])).toMatch(/^OPAYO:/)
    // The dropped write was found by read-back and the first journal checked line by line.
    expect(h.logs.map((l) => l.message)).toContain(
      'sync journal shape verified: the first journal read back as written',
    )
  })

  it('a read-back whose list rows lack JournalName/JournalDate dead-letters needs_review with what it saw, and writes nothing more', async () => {
    const h = journalHarness()
    // A journal row in another shape: it could be ours, so the read-back cannot say "not written".
    h.fake.journals.set(1, {
      Id: 900_001,
      Number: 1,
      Date: '2026-11-02 12:00:00',
      Description: 'x',
    })
    const p = stray(2)
    await h.engine.ingest(p)
    // 503 after the write was sent: ambiguous, so the engine reads back before anything else.
    h.fake.failNext(1, 503)
    await h.settle()
    const dead = await h.store.get(p.id)
    expect(dead).toMatchObject({
      state: 'dead',
      reason: 'needs_review',
      detail: {
        seen: { rowsLacking: 1, fields: expect.arrayContaining(['Date', 'Description']) },
      },
    })
    expect(h.fake.journals.size).toBe(1)
  })

  it('a fake that misreads the body → the first journal is dead-lettered journal_shape_unverified and the next journal is not written', async () => {
    const h = journalHarness({ journalBodyMisread: 'sides-swapped' })
    const first = stray(3)
    const second = stray(4)
    await h.engine.ingest(first)
    await h.settle()
    await h.engine.ingest(second)
    await h.settle()
    expect(await h.store.get(first.id)).toMatchObject({
      state: 'dead',
      reason: 'journal_shape_unverified',
      lastError: {
        name: 'JournalShapeUnverifiedError',
        code: 'journal_verification_failed',
        message: expect.stringMatching(
          /did not read back as written: sent line "1200 debit 1000 GBP"/,
        ),
      },
    })
    expect(await h.store.get(second.id)).toMatchObject({
      state: 'dead',
      reason: 'journal_shape_unverified',
      lastError: { code: 'journals_stopped', message: expect.stringContaining(first.id) },
    })
    // Only the first journal was written.
    expect(h.fake.journals.size).toBe(1)
    expect(h.logs).toContainEqual({
      message: 'sync journals stopped: the first journal did not read back as written',
      fields: expect.objectContaining({ id: first.id, number: 301 }),
    })
    expect(h.events).toContainEqual({
      type: 'dead-lettered',
      id: first.id,
      reason: 'journal_shape_unverified',
      vendorTxCode: first.source.vendorTxCode,
    })
  })

  it('the stop survives a restart while its dead letter stands; discarding it lets the next journal be verified again', async () => {
    const h = journalHarness({ journalBodyMisread: 'sides-swapped' })
    const first = stray(5)
    await h.engine.ingest(first)
    await h.settle()
    expect(await h.store.get(first.id)).toMatchObject({ reason: 'journal_shape_unverified' })

    // A new engine on the same store and KashFlow: it reads the standing dead letter, writes nothing.
    const restarted = createSyncEngine({
      store: h.store,
      kashflow: h.kashflow,
      rules,
      references: createReferenceParser(['INV-{invoice}-{*}']),
      clock: h.clock,
    })
    const second = stray(6)
    await restarted.ingest(second)
    await restarted.drain()
    expect(await h.store.get(second.id)).toMatchObject({
      state: 'dead',
      reason: 'journal_shape_unverified',
      lastError: { code: 'journals_stopped' },
    })
    expect(h.fake.journals.size).toBe(1)

    // The cause is fixed (KashFlow now reads the body as sent); a person discards the failed
    // check's dead letter and replays the stopped one: it is written and verified.
    ;(h.fake.unconfirmed as { journalBodyMisread: string }).journalBodyMisread = 'none'
    await restarted.deadLetters.discard(first.id, 'journal corrected by hand')
    await restarted.deadLetters.replay([second.id])
    await restarted.drain()
    expect(await h.store.get(second.id)).toMatchObject({ state: 'posted' })
    expect(h.fake.journals.size).toBe(2)
  })
})
