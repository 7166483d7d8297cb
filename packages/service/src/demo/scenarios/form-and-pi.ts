// The demo's Form and Pi scenarios: Form returns through the shopper's browser, Pi payments
// handed over by the shop's app, their refunds, deferred payments released later, a euro payment,
// and a hand-over with no vendorTxCode refused at the door.
import { money } from '@opayo-kashflow/core'
import { encryptFormCrypt } from '@opayo-kashflow/opayo'
import { handover } from './demo-run.js'
import type { DemoScenario } from './scenario.js'
import { FORM_PASSWORD, guid } from './world.js'

const card = { merchantSessionKey: 'MSK', cardIdentifier: 'card' }

/**
 * Form returns, through the shopper's browser (one with a thousands separator).
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof formReturns.run>[0]) {
 *   const lines = await formReturns.run(run)
 * }
 */
export const formReturns: DemoScenario = {
  name: 'Form returns',
  run: async (run) => {
    const { kashflowFake, opayoServer, server, service } = run.world
    for (let i = 0; i < 8; i += 1) {
      const tx = guid(400 + i)
      const invoice = 1021 + i
      const vendorTxCode = `INV-${invoice}-F${i}`
      const amount = i === 0 ? 123147 : 3000 + i
      kashflowFake.invoices.get(invoice)!.GrossAmount = 5000
      await service.recordFormTransaction({ vendorTxCode, amount: money(amount, 'GBP') })
      opayoServer.fake.seed({ transactionId: tx, vendorTxCode, amount })
      const decimal = (amount / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/, ',')
      const crypt = encryptFormCrypt(
        {
          VendorTxCode: vendorTxCode,
          VPSTxId: `{${tx}}`,
          Status: 'OK',
          StatusDetail: '0000 : The Authorisation was Successful.',
          TxAuthNo: '19000362',
          CardType: 'VISA',
          Last4Digits: '0006',
          Amount: decimal,
          BankAuthCode: '999777',
        },
        FORM_PASSWORD,
      )
      const response = await fetch(
        `${server.url}/opayo/form-return?crypt=${encodeURIComponent(crypt)}`,
        { redirect: 'manual' },
      )
      run.sent += 1
      if (response.status !== 303)
        run.problems.push(`Form return ${vendorTxCode} answered ${response.status}`)
      run.expected.set(`opayo:${tx}:payment`, 'posted')
    }
    return []
  },
}

/**
 * Pi payments handed over by the shop's app.
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof piPayments.run>[0]) {
 *   const lines = await piPayments.run(run)
 * }
 */
export const piPayments: DemoScenario = {
  name: 'Pi payments',
  run: async (run) => {
    for (let i = 0; i < 10; i += 1) {
      const invoice = 1031 + i
      const vendorTxCode = `INV-${invoice}-P${i}`
      const amount = 2000 + i
      const tx = await run.world.pi.transactions.create({
        transactionType: 'Payment',
        paymentMethod: { card },
        vendorTxCode,
        amount,
        currency: 'GBP',
        description: `Invoice ${invoice}`,
      })
      await handover(run, { transactionId: tx.transactionId, vendorTxCode })
      run.piPaid.push({ tx, vendorTxCode, amount })
      run.expected.set(`opayo:${tx.transactionId}:payment`, 'posted')
    }
    return []
  },
}

/**
 * Refunds of the Pi payments: half of them in full, half £5.00.
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof piRefunds.run>[0]) {
 *   const lines = await piRefunds.run(run)
 * }
 */
export const piRefunds: DemoScenario = {
  name: 'Pi refunds',
  run: async (run) => {
    for (const [i, paid] of run.piPaid.entries()) {
      const vendorTxCode = paid.vendorTxCode.replace(/-P(\d+)$/, '-R$1')
      const amount = i % 2 ? paid.amount : 500
      const tx = await run.world.pi.transactions.create({
        transactionType: 'Refund',
        referenceTransactionId: paid.tx.transactionId,
        vendorTxCode,
        amount,
        description: 'Refund',
      })
      await handover(run, {
        transactionId: tx.transactionId,
        vendorTxCode,
        relatedTransactionId: paid.tx.transactionId,
      })
      run.expected.set(`opayo:${tx.transactionId}:refund`, 'posted')
    }
    return []
  },
}

/**
 * Deferred payments (skipped) released later: the release is the money (a capture).
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof deferredReleases.run>[0]) {
 *   const lines = await deferredReleases.run(run)
 * }
 */
export const deferredReleases: DemoScenario = {
  name: 'Deferred payments released later',
  run: async (run) => {
    const { pi } = run.world
    for (let i = 0; i < 6; i += 1) {
      const invoice = 1041 + i
      const vendorTxCode = `INV-${invoice}-D${i}`
      const amount = 4000 + i
      const tx = await pi.transactions.create({
        transactionType: 'Deferred',
        paymentMethod: { card },
        vendorTxCode,
        amount,
        currency: 'GBP',
        description: 'Deferred',
      })
      await handover(run, { transactionId: tx.transactionId, vendorTxCode })
      run.expected.set(`opayo:${tx.transactionId}:authorisation`, 'skipped')
      // The release is money Opayo reports: the Reporting poll below brings it in as a capture.
      await pi.instructions.create(tx.transactionId, { instructionType: 'release', amount })
      run.expected.set(`opayo:${tx.transactionId}:capture`, 'posted')
    }
    return []
  },
}

/**
 * A euro payment, posted in pounds at the demo rate.
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof euroPayment.run>[0]) {
 *   const lines = await euroPayment.run(run)
 * }
 */
export const euroPayment: DemoScenario = {
  name: 'A euro payment',
  run: async (run) => {
    const vendorTxCode = 'INV-1099-EUR1'
    const tx = await run.world.pi.transactions.create({
      transactionType: 'Payment',
      paymentMethod: { card },
      vendorTxCode,
      amount: 10000,
      currency: 'EUR',
      description: 'Euro order',
    })
    await handover(run, { transactionId: tx.transactionId, vendorTxCode })
    run.expected.set(`opayo:${tx.transactionId}:payment`, 'posted')
    return []
  },
}

/**
 * An app hands over a result with no vendorTxCode: refused at the door (400), nothing stored.
 * @example
 * // run: the demo's run (newDemoRun), which the scenarios share in order
 * async function send(run: Parameters<typeof handoverWithoutVendorTxCode.run>[0]) {
 *   const lines = await handoverWithoutVendorTxCode.run(run)
 * }
 */
export const handoverWithoutVendorTxCode: DemoScenario = {
  name: 'A hand-over without a vendorTxCode',
  run: async (run) => {
    const response = await handover(run, { transactionId: guid(500), vendorTxCode: '' })
    run.refused += 1
    if (response.status !== 400)
      run.problems.push(`the hand-over without a vendorTxCode was answered ${response.status}`)
    return []
  },
}
