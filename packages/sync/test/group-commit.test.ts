// Group commit in the SQLite store: writes that arrive together share one transaction (one
// fsync), each caller hears back only after that transaction committed, and one failing write
// does not take its batch-mates down with it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { sqliteStore } from '../src/sqlite.js'

const dir = mkdtempSync(join(tmpdir(), 'ok-group-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const fresh = async () => {
  n += 1
  const path = join(dir, `group-${n}.db`)
  const commits: number[] = []
  const store = await sqliteStore({ path, onGroupCommit: (writes) => commits.push(writes) })
  return { path, store, commits }
}
const event = (i: number) => ({
  id: `evt-${i}`,
  payment: { n: i },
  fingerprint: `fp-${i}`,
  now: 1_000 + i,
})

describe('SQLite group commit', () => {
  it('commits concurrent ingests and replies in fewer transactions than writes, every write stored', async () => {
    const { store, commits } = await fresh()
    const results = await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => store.ingest(event(i))),
      ...Array.from({ length: 10 }, (_, i) =>
        store.saveReply({ key: `TX-${i}`, status: 'OK', body: `Status=OK\r\n${i}`, now: 1 }),
      ),
    ])
    expect(results.slice(0, 40).every((r) => r?.outcome === 'received')).toBe(true)
    expect(commits.reduce((a, b) => a + b, 0)).toBe(50)
    expect(commits.length).toBeLessThan(50)
    expect(Math.max(...commits)).toBeGreaterThan(1)
    expect((await store.stats()).counts.received).toBe(40)
    expect(await store.getReply('TX-9')).toEqual({ status: 'OK', body: 'Status=OK\r\n9' })
    // A repeat in the same batch as its original is a duplicate, not a second row.
    const [first, again] = await Promise.all([store.ingest(event(99)), store.ingest(event(99))])
    expect([first.outcome, again.outcome]).toEqual(['received', 'duplicate'])
    await store.close()
  })

  it('resolves each caller only once its write is visible to another connection (committed)', async () => {
    const { path, store, commits } = await fresh()
    const other = new Database(path, { readonly: true })
    const seen = other.prepare('SELECT id FROM events WHERE id = ?')
    const seenReply = other.prepare('SELECT body FROM notification_replies WHERE reply_key = ?')
    const checks: boolean[] = []
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) =>
        store.ingest(event(i)).then(() => {
          // Before this caller hears back, its group must have committed.
          checks.push(commits.length > 0 && seen.get(`evt-${i}`) !== undefined)
        }),
      ),
      store.saveReply({ key: 'TX-1', status: 'OK', body: 'b', now: 1 }).then(() => {
        checks.push(seenReply.get('TX-1') !== undefined)
      }),
    ])
    expect(checks).toHaveLength(21)
    expect(checks.every(Boolean)).toBe(true)
    other.close()
    await store.close()
  })

  it('rejects only the write that fails; its batch-mates commit', async () => {
    const { store, commits } = await fresh()
    const outcomes = await Promise.allSettled([
      store.ingest(event(1)),
      // A payment JSON cannot hold (a BigInt): fails before writing.
      store.ingest({ ...event(2), payment: { amount: 10n } }),
      store.ingest(event(3)),
      // A fingerprint the schema refuses (NOT NULL): fails inside SQLite, in the transaction.
      store.ingest({ ...event(4), fingerprint: null as unknown as string }),
      store.saveReply({ key: 'TX-5', status: 'OK', body: 'b', now: 1 }),
    ])
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ])
    expect(commits).toEqual([5])
    expect((await store.get('evt-1'))?.state).toBe('received')
    expect(await store.get('evt-2')).toBeUndefined()
    expect((await store.get('evt-3'))?.state).toBe('received')
    expect(await store.get('evt-4')).toBeUndefined()
    expect(await store.getReply('TX-5')).toEqual({ status: 'OK', body: 'b' })
    await store.close()
  })

  it('commits what is still queued when the store is closed', async () => {
    const { path, store } = await fresh()
    const pending = store.ingest(event(7))
    await store.close()
    expect((await pending).outcome).toBe('received')
    const reopened = await sqliteStore({ path })
    expect((await reopened.get('evt-7'))?.id).toBe('evt-7')
    await reopened.close()
  })

  it('lets a worker claim and move events while ingests keep arriving', async () => {
    const { store } = await fresh()
    await Promise.all(Array.from({ length: 5 }, (_, i) => store.ingest(event(i))))
    const arriving = Array.from({ length: 30 }, (_, i) => store.ingest(event(100 + i)))
    const claimed = await store.claim({ worker: 'w', now: 10_000, leaseMs: 1_000, limit: 5 })
    expect(claimed).toHaveLength(5)
    for (const e of claimed)
      expect(
        await store.transition({ id: e.id, worker: 'w', now: 10_001, to: 'posted', outcome: 'ok' }),
      ).toBe(true)
    expect((await Promise.all(arriving)).every((r) => r.outcome === 'received')).toBe(true)
    expect((await store.stats()).counts).toMatchObject({ posted: 5, received: 30 })
    await store.close()
  })
})
