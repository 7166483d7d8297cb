// The demo's Server notification scenarios: payments through a rate limit and an outage, Opayo's
// duplicates, declines, a tampered signature, invoices that do not exist yet, a reference naming
// no invoice, and the references matching works out (matching.ts).
import {
  buildServerNotification,
  postServerNotification,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import { sendMatchingPayments } from '../matching.js'
import { sendServerPayment } from './demo-run.js'
import type { DemoScenario } from './scenario.js'
import { guid, key, VENDOR } from './world.js'

/**
 * 120 payments; KashFlow rate-limits from the 40th and goes down for 4 seconds at the 80th.
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof serverPayments.run>[0]) {
 *   const lines = await serverPayments.run(run)
 * }
 */
export const serverPayments: DemoScenario = {
  name: 'Server payments through a rate limit and an outage',
  run: async (run) => {
    const kashflowFake = run.world.kashflowFake
    for (let i = 0; i < 120; i += 1) {
      if (i === 40) kashflowFake.rateLimitNext(6, '1') // KashFlow starts rate limiting
      if (i === 80) kashflowFake.downtime(Date.now(), Date.now() + 4_000) // and then goes down for 4 seconds
      const p = await sendServerPayment(run, i + 1, 1001 + (i % 60), 1000 + i * 7)
      if (p.reply.status !== 'OK')
        run.problems.push(`payment ${p.vendorTxCode} was answered ${p.reply.status}`)
      run.expected.set(p.id, 'posted')
      run.serverPayments.push(p)
    }
    return []
  },
}

/**
 * Opayo resends notifications it thinks went unanswered: the same reply, nothing applied twice.
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof duplicates.run>[0]) {
 *   const lines = await duplicates.run(run)
 * }
 */
export const duplicates: DemoScenario = {
  name: 'Duplicate notifications',
  run: async (run) => {
    for (const p of run.serverPayments.slice(0, 15)) {
      const again = await postServerNotification(run.world.notifyUrl, p.fields)
      run.repeats += 1
      run.sent += 1
      if (again.body !== p.reply.body)
        run.problems.push(`duplicate of ${p.vendorTxCode} got a different reply`)
    }
    return []
  },
}

/**
 * Declines: valid notifications, answered OK, nothing to post.
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof declines.run>[0]) {
 *   const lines = await declines.run(run)
 * }
 */
export const declines: DemoScenario = {
  name: 'Declines',
  run: async (run) => {
    for (let i = 0; i < 12; i += 1) {
      const p = await sendServerPayment(run, 200 + i, 1001 + i, 2500, { Status: 'NOTAUTHED' })
      if (p.reply.status !== 'OK')
        run.problems.push(`decline ${p.vendorTxCode} was answered ${p.reply.status}`)
      run.expected.set(p.id, 'skipped')
    }
    return []
  },
}

/**
 * A tampered notification: Status changed after signing. INVALID, never ingested.
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof tampered.run>[0]) {
 *   const lines = await tampered.run(run)
 * }
 */
export const tampered: DemoScenario = {
  name: 'A tampered notification',
  run: async (run) => {
    const vendorTxCode = 'INV-1002-TAMPER'
    await run.world.register(vendorTxCode, key(300), 9900)
    const fields = signServerNotification(
      buildServerNotification({
        VendorTxCode: vendorTxCode,
        VPSTxId: `{${guid(300)}}`,
        Status: 'NOTAUTHED',
      }),
      { vendorName: VENDOR, securityKey: key(300) },
    )
    const reply = await postServerNotification(run.world.notifyUrl, { ...fields, Status: 'OK' })
    run.sent += 1
    run.refused += 1
    if (reply.status !== 'INVALID')
      run.problems.push(`the tampered notification was answered ${reply.status}`)
    return []
  },
}

/**
 * References to invoices that do not exist yet; 2001 is raised during the run.
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof missingInvoices.run>[0]) {
 *   const lines = await missingInvoices.run(run)
 * }
 */
export const missingInvoices: DemoScenario = {
  name: 'Invoices that do not exist yet',
  run: async (run) => {
    for (const [n, invoice] of [
      [301, 2001],
      [302, 2002],
      [303, 2003],
    ] as const) {
      const p = await sendServerPayment(run, n, invoice, 1500)
      run.expected.set(p.id, invoice === 2001 ? 'posted' : 'dead')
    }
    setTimeout(() => run.world.kashflowFake.addInvoice({ number: 2001, gross: 15 }), 1_500)
    return []
  },
}

/**
 * A reference that names no invoice at all.
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof noInvoiceReference.run>[0]) {
 *   const lines = await noInvoiceReference.run(run)
 * }
 */
export const noInvoiceReference: DemoScenario = {
  name: 'A reference that names no invoice',
  run: async (run) => {
    const tx = guid(304)
    const vendorTxCode = 'demotransaction-100092813'
    await run.world.register(vendorTxCode, key(304), 4200)
    run.world.opayoServer.fake.seed({ transactionId: tx, vendorTxCode, amount: 4200 })
    const fields = signServerNotification(
      buildServerNotification({ VendorTxCode: vendorTxCode, VPSTxId: `{${tx}}` }),
      { vendorName: VENDOR, securityKey: key(304) },
    )
    await postServerNotification(run.world.notifyUrl, fields)
    run.sent += 1
    run.expected.set(`opayo:${tx}:payment`, 'dead')
    return []
  },
}

/**
 * References that fail: one matching posts by itself, one it leaves to a person (matching.ts).
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof failedReferences.run>[0]) {
 *   const lines = await failedReferences.run(run)
 * }
 */
export const failedReferences: DemoScenario = {
  name: 'References matching works out',
  run: async (run) => {
    const { world } = run
    const matching = await sendMatchingPayments({
      store: world.store,
      notifyUrl: world.notifyUrl,
      kashflow: world.kashflowFake,
      opayo: world.opayoServer.fake,
      vendorName: VENDOR,
    })
    run.matching = matching
    run.sent += matching.sent
    for (const [id, want] of matching.expected) run.expected.set(id, want)
    return []
  },
}
