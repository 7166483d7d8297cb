// One demo run: the world it runs in, what it sent, what each event must end as, and the problems
// found so far; with the two ways most scenarios send (a signed Server notification, a Pi hand-over)
// and the progress line printed every second.
import type { PiTransaction } from '@opayo-kashflow/opayo'
import {
  buildServerNotification,
  postServerNotification,
  signServerNotification,
} from '@opayo-kashflow/testkit'
import type { ParsedNotificationReply, ServerNotificationFields } from '@opayo-kashflow/testkit'
import type { MatchingDemo } from '../matching.js'
import { guid, HANDOVER_TOKEN, key, VENDOR } from './world.js'
import type { DemoWorld } from './world.js'

/** What an event must end as (`never`: it must never be stored). */
export type DemoOutcome = 'posted' | 'skipped' | 'dead' | 'never'

/** A signed Server notification the demo sent, and the reply it got. */
export interface SentServerPayment {
  readonly fields: ServerNotificationFields
  readonly reply: ParsedNotificationReply
  /** The event id it must be stored as. */
  readonly id: string
  readonly vendorTxCode: string
}

/** A Pi payment the demo handed over (refunded later). */
export interface PiPaid {
  readonly tx: PiTransaction
  readonly vendorTxCode: string
  readonly amount: number
}

/** The state of one demo run, shared by its scenarios in order. */
export interface DemoRun {
  readonly world: DemoWorld
  /** When the run started (ms since the epoch): the poll and the reconciliation read around it. */
  readonly started: number
  readonly problems: string[]
  readonly expected: Map<string, DemoOutcome>
  /** Every send, repeats and refused ones included. */
  sent: number
  /** Sends that repeat an event already stored (answered as before). */
  repeats: number
  /** Sends refused at the door (INVALID or 400). */
  refused: number
  /** The Server payments, for the duplicates and the replay. */
  readonly serverPayments: SentServerPayment[]
  /** The Pi payments, for their refunds and the forged hand-over. */
  readonly piPaid: PiPaid[]
  /** The matching scenario's outcome, once sent. */
  matching?: MatchingDemo
}

/**
 * A new run in `world`, started at `started` (before the world was set up), nothing sent.
 * @example
 * // `world`: startDemoWorld(dir), set up after the run's start was taken
 * function begin(world: Parameters<typeof newDemoRun>[0], started: number): DemoRun {
 *   return newDemoRun(world, started)
 * }
 */
export function newDemoRun(world: DemoWorld, started: number): DemoRun {
  return {
    world,
    started,
    problems: [],
    expected: new Map(),
    sent: 0,
    repeats: 0,
    refused: 0,
    serverPayments: [],
    piPaid: [],
  }
}

/**
 * Registers `INV-{invoice}-{n}` as the checkout would, seeds Opayo's record of it (unless `seed`
 * is false) and sends its signed Server notification (`extra` fields added; `Status` other than
 * OK makes it a decline).
 * @example
 * async function pay(run: DemoRun) {
 *   const p = await sendServerPayment(run, 1, 1001, 1000) // INV-1001-1, £10.00
 * }
 */
export async function sendServerPayment(
  run: DemoRun,
  n: number,
  invoice: number,
  amount: number,
  extra: Record<string, string> = {},
  seed = true,
): Promise<SentServerPayment> {
  const { world } = run
  const vendorTxCode = `INV-${invoice}-${n}`
  const tx = guid(n)
  // What the checkout stored when it registered the transaction with Opayo.
  await world.register(vendorTxCode, key(n), amount)
  const status = extra['Status'] ?? 'OK'
  if (seed) {
    world.opayoServer.fake.seed({
      transactionId: tx,
      vendorTxCode,
      amount,
      status: status === 'OK' ? 'Ok' : 'NotAuthed',
      statusCode: status === 'OK' ? '0000' : '2000',
    })
  }
  const fields = signServerNotification(
    buildServerNotification({
      VendorTxCode: vendorTxCode,
      VPSTxId: `{${tx}}`,
      ...extra,
      ...(status === 'OK'
        ? {}
        : {
            StatusDetail: '2000 : The Authorisation was Declined by the bank.',
            TxAuthNo: undefined,
            BankAuthCode: undefined,
            DeclineCode: '05',
          }),
    }),
    { vendorName: VENDOR, securityKey: key(n) },
  )
  const reply = await postServerNotification(world.notifyUrl, fields)
  run.sent += 1
  return { fields, reply, id: `opayo:${tx}:payment`, vendorTxCode }
}

/**
 * Hands a Pi result over to the service as the shop's app does (bearer token), counted as sent.
 * @example
 * // `transactionId`: the Pi transaction's, as run.world.pi.transactions.create answered
 * async function handOver(run: DemoRun, transactionId: string) {
 *   const response = await handover(run, { transactionId, vendorTxCode: 'INV-1031-P0' })
 * }
 */
export async function handover(run: DemoRun, body: unknown): Promise<Response> {
  run.sent += 1
  return fetch(`${run.world.server.url}/pi/transactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${HANDOVER_TOKEN}` },
    body: JSON.stringify(body),
  })
}

/**
 * Logs the engine's counts every second until the returned function is called.
 * @example
 * async function sendAll(run: DemoRun) {
 *   const stopProgress = startProgress(run, console.log) // '  sent   1 | received 1 waiting 0 | ...'
 *   await sendServerPayment(run, 1, 1001, 1000)
 *   stopProgress()
 * }
 */
export function startProgress(run: DemoRun, log: (line: string) => void): () => void {
  const progress = setInterval(() => {
    void run.world.service.engine.status().then((s) => {
      const c = s.counts
      log(
        `  sent ${String(run.sent).padStart(3)} | received ${c.received + c.planned + c.posting} waiting ${c.waiting} | posted ${c.posted} skipped ${c.skipped} dead ${c.dead}${s.paused ? ` | PAUSED (${s.paused.reason})` : ''}`,
      )
    })
  }, 1_000)
  return () => clearInterval(progress)
}
