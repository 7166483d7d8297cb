// A Store written as a class with private #fields passes the published contract suite, and the
// engine drives it: nothing between the engine and the store calls a method on another receiver.
import { describeStoreContract } from '@opayo-kashflow/sync/testing'
import { describe, expect, it } from 'vitest'
import { ClassStore } from '../../../test/support/class-store.js'
import { harness, payment } from './helpers.js'

describeStoreContract('a class with private #fields (over memory)', () =>
  Promise.resolve(new ClassStore()),
)

describe('a class store under the engine', () => {
  it('a private field answers only its own instance (the hazard this guards)', async () => {
    const store = new ClassStore()
    const inherited = Object.create(store) as ClassStore
    expect(() => inherited.stats()).toThrow(/private member/)
    await expect(store.stats()).resolves.toMatchObject({ conflicts: 0 })
  })

  it('posts a payment through a class store, once', async () => {
    const { engine, store, linesWith } = harness({
      store: new ClassStore(),
      seed: { invoices: [{ number: 1042, gross: 120 }] },
    })
    const p = payment(1042)
    expect(await engine.ingest(p)).toEqual({ outcome: 'received', id: p.id })
    await engine.drain()
    expect(await store.get(p.id)).toMatchObject({ state: 'posted' })
    expect(linesWith(p.id.replace(/^opayo:/, 'OPAYO:'))).toHaveLength(1)
  })
})
