// The demo's attacks, each of which must move no money: a forged Form return, a replay with an
// unsigned field changed, and a hand-over with a forged amount.
import { money } from '@opayo-kashflow/core'
import { encryptFormCrypt } from '@opayo-kashflow/opayo'
import { postServerNotification } from '@opayo-kashflow/testkit'
import { handover } from './demo-run.js'
import type { DemoScenario } from './scenario.js'
import { FORM_PASSWORD, guid } from './world.js'

/**
 * A Form return forged with the Form password for a transaction Opayo never saw, at £99,999.00:
 * a hint Opayo cannot confirm, so it is retried and dead-lettered as unconfirmed.
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof forgedFormReturn.run>[0]) {
 *   const lines = await forgedFormReturn.run(run)
 * }
 */
export const forgedFormReturn: DemoScenario = {
  name: 'A forged Form return',
  run: async (run) => {
    const { server, service } = run.world
    const vendorTxCode = 'INV-1029-FORGED'
    await service.recordFormTransaction({ vendorTxCode, amount: money(3000, 'GBP') })
    const crypt = encryptFormCrypt(
      { VendorTxCode: vendorTxCode, VPSTxId: `{${guid(600)}}`, Status: 'OK', Amount: '99,999.00' },
      FORM_PASSWORD,
    )
    await fetch(`${server.url}/opayo/form-return?crypt=${encodeURIComponent(crypt)}`, {
      redirect: 'manual',
    })
    run.sent += 1
    run.expected.set(`hint:form:${vendorTxCode}`, 'dead')
    return []
  },
}

/**
 * A genuine notification replayed with TxType=REFUND added (TxType is not signed): the same reply
 * as the first time, and no refund.
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof replayWithTxType.run>[0]) {
 *   const lines = await replayWithTxType.run(run)
 * }
 */
export const replayWithTxType: DemoScenario = {
  name: 'A replay with TxType changed',
  run: async (run) => {
    const first = run.serverPayments[0]!
    const again = await postServerNotification(run.world.notifyUrl, {
      ...first.fields,
      TxType: 'REFUND',
    })
    run.repeats += 1
    run.sent += 1
    if (again.body !== first.reply.body)
      run.problems.push('a replay with an unsigned field changed got a different reply')
    run.expected.set(first.id.replace(/:payment$/, ':refund'), 'never')
    return []
  },
}

/**
 * A hand-over with a forged amount: only Opayo's amount posts.
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof forgedHandoverAmount.run>[0]) {
 *   const lines = await forgedHandoverAmount.run(run)
 * }
 */
export const forgedHandoverAmount: DemoScenario = {
  name: 'A hand-over with a forged amount',
  run: async (run) => {
    const paid = run.piPaid[0]!
    run.repeats += 1 // the same transaction again: a duplicate hint
    await handover(run, {
      transaction: { ...paid.tx, amount: { totalAmount: 777_700 } },
      vendorTxCode: paid.vendorTxCode,
    })
    return []
  },
}
