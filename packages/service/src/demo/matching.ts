// The demo's payments whose reference fails: a mistyped reference that matching posts by itself
// (one clear candidate under the demo's policy), an ambiguous one that it leaves to a person with
// two candidates, and a shop order paid before any invoice existed, turned into an invoice
// (unmatchedReference create-invoice). The demo (demo.ts) sends them and checks the outcome.
import type { Store } from '@opayo-kashflow/sync'
import {
  buildServerNotification,
  postServerNotification,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import type { FakeKashflow, FakeOpayo } from '@opayo-kashflow/testkit'

/** The demo's matching policy: post only when exactly one open invoice scores 80 or more. */
export const DEMO_MATCHING = { autoPost: { minScore: 80, requireUnique: true } } as const

/** The demo's rule for a reference that matches no pattern: invoice it (sales 4000, VAT 20%). */
export const DEMO_CREATE_INVOICE = {
  action: 'create-invoice',
  nominalCode: 4000,
  vatRate: 20,
} as const

/** What the matching part of the demo sent, what each event must end as, and its summary. */
export interface MatchingDemo {
  readonly sent: number
  readonly expected: ReadonlyMap<string, 'posted' | 'dead'>
  /** Checks the outcome (pushing any problem) and returns the summary lines. */
  readonly report: (problems: string[]) => Promise<string[]>
}

const guid = (n: number) =>
  `${(0xe0000000 + n).toString(16).toUpperCase()}-1A2B-4C3D-8E4F-${String(n).padStart(12, '0')}`
const key = (n: number) => `M${String(n).padStart(9, '0')}`.slice(0, 10)

/**
 * Seeds the fake KashFlow with Jane's and Acme's open invoices and sends two signed Server
 * notifications whose registrations carry the shopper: Jane's `INV-3402-1` (invoice 3042 with two
 * digits swapped; 3402 does not exist) and Acme's `INV-5531-1` (invoice 5531 does not exist; Acme
 * owes £33.33 on two invoices), and Kim's shop order `SHOP-7001` (no pattern matches).
 * @example const matching = await sendMatchingPayments({ store, notifyUrl: 'http://127.0.0.1:8080/opayo/notify', kashflow: fake, opayo: fakeOpayo, vendorName: 'demoshop' })
 */
export async function sendMatchingPayments(input: {
  readonly store: Store
  readonly notifyUrl: string
  readonly kashflow: FakeKashflow
  readonly opayo: FakeOpayo
  readonly vendorName: string
}): Promise<MatchingDemo> {
  const { store, notifyUrl, kashflow, opayo, vendorName } = input
  const today = new Date().toISOString().slice(0, 10)
  kashflow.addCustomer({
    Code: 'SMITH01',
    Name: 'Jane Smith',
    Contacts: [{ IsPrimary: true, Email: 'jane.smith@example.com' }],
    Addresses: [{ Line1: '1 High Street', PostCode: 'SW1A 1AA' }],
  })
  kashflow.addCustomer({
    Code: 'ACME01',
    Name: 'Acme Ltd',
    Contacts: [{ IsPrimary: true, Email: 'accounts@acme.example' }],
  })
  const invoice = (number: number, gross: number, customerCode: string, name: string) => {
    kashflow.addInvoice({ number, gross, customerCode, issuedDate: today }).CustomerName = name
  }
  invoice(3042, 120, 'SMITH01', 'Jane Smith')
  invoice(3051, 45, 'SMITH01', 'Jane Smith')
  invoice(3060, 33.33, 'ACME01', 'Acme Ltd')
  invoice(3061, 33.33, 'ACME01', 'Acme Ltd')

  const expected = new Map<string, 'posted' | 'dead'>()
  const send = async (
    n: number,
    vendorTxCode: string,
    amount: number,
    customer: Record<string, unknown>,
    want: 'posted' | 'dead',
    basket?: string,
  ) => {
    const tx = guid(n)
    await store.saveRegistration({
      vendorTxCode,
      securityKey: key(n),
      amount,
      currency: 'GBP',
      txType: 'PAYMENT',
      customer,
      ...(basket ? { basket } : {}),
      createdAt: Date.now(),
    })
    opayo.seed({ transactionId: tx, vendorTxCode, amount })
    const fields = signServerNotification(
      buildServerNotification({ VendorTxCode: vendorTxCode, VPSTxId: `{${tx}}` }),
      { vendorName, securityKey: key(n) },
    )
    await postServerNotification(notifyUrl, fields)
    expected.set(`opayo:${tx}:payment`, want)
    return `opayo:${tx}:payment`
  }
  const mistyped = await send(
    1,
    'INV-3402-1',
    12000,
    { firstName: 'Jane', lastName: 'Smith', email: 'Jane.Smith@example.com' },
    'posted',
  )
  const ambiguous = await send(
    2,
    'INV-5531-1',
    3333,
    { company: 'Acme Ltd', email: 'accounts@acme.example' },
    'dead',
  )

  const shopOrder = await send(
    3,
    'SHOP-7001',
    5994,
    {
      firstName: 'Kim',
      lastName: 'Lee',
      email: 'kim.lee@example.org',
      billingAddress: {
        lines: ['2  Mill Lane'],
        city: 'Leeds',
        postalCode: 'ls1 4dy',
        countryCode: 'GB',
      },
    },
    'posted',
    // The order as the shop registered it: 2 blue mugs and a tea towel, £59.94 with VAT.
    '2:Blue mug:2:20.00:4.00:24.00:48.00:Tea towel:1:9.95:1.99:11.94:11.94',
  )

  return {
    sent: 3,
    expected,
    async report(problems) {
      const lines: string[] = ['Matching (references that failed):']
      const posted = await store.get(mistyped)
      const match = (posted?.detail as { match?: { invoiceNumber?: number; score?: number } })
        ?.match
      if (posted?.state !== 'posted' || match?.invoiceNumber !== 3042)
        problems.push(
          `the mistyped INV-3402-1 was not posted to invoice 3042 by matching (${posted?.state ?? 'missing'})`,
        )
      lines.push(
        `  INV-3402-1 (invoice 3402 does not exist): posted to invoice ${match?.invoiceNumber ?? '?'} by matching, score ${match?.score ?? '?'} (the only candidate at 80 or more)`,
      )
      const dead = await store.get(ambiguous)
      const candidates =
        (dead?.detail as { matching?: { candidates?: { invoiceNumber: number; score: number }[] } })
          ?.matching?.candidates ?? []
      if (dead?.state !== 'dead' || candidates.length !== 2)
        problems.push(
          `the ambiguous INV-5531-1 should wait for a person with two candidates (${dead?.state ?? 'missing'}, ${candidates.length} candidates)`,
        )
      lines.push(
        `  INV-5531-1 (invoice 5531 does not exist): left for a person, candidates ${candidates.map((c) => `${c.invoiceNumber} (score ${c.score})`).join(' and ')}; resolve with`,
        `    opayo-kashflow dead-letters resolve '${ambiguous}' --invoice 3061 --reason "Acme confirmed"`,
      )
      const order = await store.get(shopOrder)
      const created = (order?.detail as { match?: { via?: string; invoiceNumber?: number } })?.match
      const invoice =
        created?.invoiceNumber === undefined
          ? undefined
          : kashflow.invoices.get(created.invoiceNumber)
      if (
        order?.state !== 'posted' ||
        created?.via !== 'create-invoice' ||
        !invoice ||
        invoice.GrossAmount !== 59.94 ||
        invoice.LineItems?.length !== 2 ||
        [...kashflow.invoices.values()].filter(
          (i) => i.CustomerReference === invoice.CustomerReference,
        ).length !== 1
      )
        problems.push(
          `the shop order SHOP-7001 was not turned into one invoice of £59.94 and paid (${order?.state ?? 'missing'})`,
        )
      lines.push(
        `  SHOP-7001 (a shop order, no invoice yet): invoice ${created?.invoiceNumber ?? '?'} created for ${invoice?.CustomerName ?? '?'} from the basket (${invoice?.LineItems?.length ?? 0} lines, £${invoice?.GrossAmount.toFixed(2) ?? '?'} incl. VAT, CustomerReference ${invoice?.CustomerReference ?? '?'}) and paid`,
      )
      return lines
    },
  }
}
