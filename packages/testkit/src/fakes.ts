// Both fakes at once, for an integrator's first run and their own tests (as stripe-mock is): the
// fake KashFlow over loopback HTTP, the fake Opayo in process, clients logged in to each, a
// shopper Opayo accepts, and the two things a test does: pay, then wait for the invoice's status.
import { createKashflowClient } from '@opayo-kashflow/kashflow'
import type { KashflowClient } from '@opayo-kashflow/kashflow'
import { createOpayoServerClient } from '@opayo-kashflow/opayo'
import type { OpayoServerClient, ServerRegistrationContact } from '@opayo-kashflow/opayo'
import type { FakeKashflowSeed } from './kashflow/types.js'
import { startFakeKashflowServer } from './kashflow/server.js'
import type { FakeKashflowServer } from './kashflow/server.js'
import { FakeOpayo } from './opayo/fake-opayo.js'
import type { ParsedNotificationReply } from './opayo/server-notifications.js'

/** What {@link startFakes} started, and what a test does with it. */
export interface Fakes {
  /** The fake Opayo, in process (its `fetch` is what the Opayo clients are given). */
  readonly opayo: FakeOpayo
  /** The fake KashFlow on 127.0.0.1 (`url`), and its state (`fake`). */
  readonly kashflow: FakeKashflowServer
  /** A KashFlow client logged in to the fake KashFlow (your credentials in production). */
  readonly kashflowClient: KashflowClient
  /** An Opayo Server client talking to the fake Opayo (the live gateway in production). */
  readonly opayoServer: OpayoServerClient
  /** A shopper's billing contact Opayo accepts, for a registration's `billing`. */
  readonly shopper: ServerRegistrationContact
  /**
   * The shopper pays a registered transaction: the fake Opayo completes it and posts the signed
   * notification to its `NotificationURL` (your app). Returns your app's parsed reply.
   */
  pay(vendorTxCode: string): Promise<ParsedNotificationReply>
  /** The invoice's status in the fake KashFlow (`Paid`, `Outstanding`, ...); undefined if none. */
  invoiceStatus(invoiceNumber: number): string | undefined
  /**
   * Waits up to `timeoutMs` (default 10 s) for the invoice to reach `status` (a worker posts in
   * the background) and returns it; rejects, naming the status it has, when it does not.
   */
  waitForInvoiceStatus(invoiceNumber: number, status: string, timeoutMs?: number): Promise<string>
  /** Stops the fake KashFlow's listener. */
  close(): Promise<void>
}

/**
 * Starts the fake KashFlow on a free loopback port (seeded with `invoices`, or a whole `seed`)
 * and a fake Opayo for `vendorName`, with clients for each.
 * @example
 * const fakes = await startFakes({ invoices: [{ number: 1042, gross: 120 }] })
 * console.log(fakes.invoiceStatus(1042)) // 'Outstanding'
 * await fakes.close()
 */
export async function startFakes(
  options: {
    /** @default 'myshop' */
    readonly vendorName?: string
    /** Open invoices to seed (gross in pounds). @default invoice 1042 for £120.00 */
    readonly invoices?: FakeKashflowSeed['invoices']
    /** The whole seed (bank accounts, customers, ...); `invoices`, when given, replaces its invoices. */
    readonly seed?: FakeKashflowSeed
  } = {},
): Promise<Fakes> {
  const vendorName = options.vendorName ?? 'myshop'
  const opayo = new FakeOpayo({ vendorName })
  const kashflow = await startFakeKashflowServer({
    seed: {
      ...options.seed,
      invoices: options.invoices ?? options.seed?.invoices ?? [{ number: 1042, gross: 120 }],
    },
  })
  const { username, password, memorableWord } = kashflow.fake.user
  const statusOf = (invoiceNumber: number): string | undefined => {
    const invoice = kashflow.fake.invoices.get(invoiceNumber)
    return invoice ? String(kashflow.fake.invoiceView(invoice)['Status']) : undefined
  }
  return {
    opayo,
    kashflow,
    kashflowClient: createKashflowClient({
      username,
      password,
      memorableWord,
      baseUrl: kashflow.url,
    }),
    opayoServer: createOpayoServerClient({ vendorName, fetch: opayo.fetch }),
    shopper: {
      firstnames: 'Sam',
      surname: 'Jones',
      address: { lines: ['1 High St'], city: 'Bath', postalCode: 'BA1 1AA', country: 'GB' },
    },
    pay: (vendorTxCode) => opayo.notifyServerTransaction(vendorTxCode),
    invoiceStatus: statusOf,
    async waitForInvoiceStatus(invoiceNumber, status, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      while (statusOf(invoiceNumber) !== status && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50))
      const now = statusOf(invoiceNumber)
      if (now === status) return now
      throw new Error(
        `Invoice ${invoiceNumber} is ${now ?? 'not in the fake KashFlow'} after ${timeoutMs} ms, not ${status}.`,
      )
    },
    close: () => kashflow.close(),
  }
}
