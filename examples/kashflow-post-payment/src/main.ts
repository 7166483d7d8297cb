// Starts the fake KashFlow on loopback, posts one Opayo payment (twice, and once through a
// dropped connection), and shows the invoice afterwards: one payment, never two.
import { format } from '@opayo-kashflow/core'
import { invoiceAmountOwed } from '@opayo-kashflow/kashflow'
import { startFakeKashflowServer } from '@opayo-kashflow/testkit'
import { createKashflowClient, postOnce } from './post-payment.js'
import type { LedgerRow } from './post-payment.js'

const server = await startFakeKashflowServer({
  port: 0,
  seed: { invoices: [{ number: 1042, gross: 120, customerCode: 'SAMJ01' }] },
})
const kashflow = createKashflowClient({
  username: 'accounts@example.co.uk',
  password: 's3cret',
  memorableWord: 'pineapple',
  baseUrl: server.url,
})
const [account] = await kashflow.bankAccounts.list()
const [method] = await kashflow.paymentMethods.list()
if (!account || !method) throw new Error('the fake has no bank account or payment method')

// Your database's ledger; a Map here. A fresh run with an empty ledger would have no pre-image.
const ledger = new Map<string, LedgerRow>()
server.fake.commitThenDropNextWrite()
console.log(`first attempt:  ${await postOnce(kashflow, account.Id, method.Id, ledger)}`)
ledger.get([...ledger.keys()][0]!)!.done = false // as if the process died before recording it
console.log(`second attempt: ${await postOnce(kashflow, account.Id, method.Id, ledger)}`)

const invoice = await kashflow.invoices.get(1042)
const lines = await kashflow.invoicePayments.list(1042)
// DueAmount reads 0.00 on unpaid invoices in live data: what is owed is gross minus paid.
const owed = invoiceAmountOwed(invoice, 'GBP')
console.log(
  `invoice 1042: ${invoice.Status}, owed ${owed.known ? format(owed.owed) : 'unknown'}, ${lines.length} payment line(s)`,
)
for (const line of lines)
  console.log(
    `  ${line.date} ${line.amount.amount / 100} note: "${line.note.replace(/\n/g, ' | ')}"`,
  )
const [bulk] = [...server.fake.bulkPayments.values()]
console.log(`  sent as comment: ${String(bulk?.['Comment']).replace(/\n/g, ' | ')}`)
await kashflow.logout()
await server.close()
