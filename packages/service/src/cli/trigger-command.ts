// `opayo-kashflow trigger KIND`: what a shop and its shopper do, against a running `serve` and
// the fakes (`opayo-kashflow fakes`): the transaction is registered through the service's own
// registration API (registerServerTransaction: Opayo's registration, stored in serve's store),
// paid on the fake Opayo's payment page (which POSTs the signed notification to serve), and, for
// a refund or a release, done at the fake Opayo and read back through the Reporting API as
// serve's poll would. Every run uses a fresh VendorTxCode and VPSTxId. Only against loopback.
import { randomBytes } from 'node:crypto'
import {
  money,
  normaliseTransactionId,
  parseAmount,
  renderVendorTxCode,
} from '@opayo-kashflow/core'
import type { EventRecord } from '@opayo-kashflow/sync'
import type { BuiltService } from './build.js'
import type { CommandContext, ExitCode } from './command.js'
import { EXIT } from './command.js'
import type { ServiceConfig } from './config.js'
import { ConfigError } from './config.js'
import { isLoopbackHostname } from '../service/admin-guard.js'

/** The kinds `trigger` sends. */
export const TRIGGER_KINDS = ['payment', 'declined', 'refund', 'deferred'] as const
export type TriggerKind = (typeof TRIGGER_KINDS)[number]

/** One step of a trigger and what came of it. */
export interface TriggerStep {
  readonly step: string
  readonly ok: boolean
  readonly detail: string
  readonly eventId?: string
  readonly state?: string
  readonly reason?: string
}

/** True for a URL on a loopback address. */
const isLoopbackUrl = (url: string): boolean => {
  try {
    return isLoopbackHostname(new URL(url).hostname)
  } catch {
    return false
  }
}

/** How long `trigger` waits for serve to finish an event. */
const WAIT_MS = 20_000

const refuse = (message: string): never => {
  throw new ConfigError(message, { docs: 'local' })
}

/** The fakes' URLs from the config, refusing anything that is not on loopback. */
function loopbackTargets(config: ServiceConfig, url: string | undefined) {
  const register = config.opayo.server?.environment ?? config.opayo.environment
  if (!config.opayo.server || !isLoopbackUrl(register))
    refuse(
      "trigger runs against the fakes only: opayo.server.environment must be the fake Opayo's registration URL on loopback (opayo-kashflow fakes prints the config).",
    )
  if (!isLoopbackUrl(config.kashflow.baseUrl))
    refuse('trigger runs against the fakes only: kashflow.baseUrl must be on loopback.')
  const host = config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host
  const serve = (
    url ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}`
  ).replace(/\/$/, '')
  if (!isLoopbackUrl(serve)) refuse(`--url must be serve on loopback (got ${serve}).`)
  return { register, serve }
}

/** A form POST as Opayo's Server and Shared protocols take it; the reply's `Name=Value` lines. */
async function postForm(url: string, fields: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  })
  const text = await response.text()
  const reply = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf('=')
    if (at > 0) reply.set(line.slice(0, at), line.slice(at + 1))
  }
  return { httpStatus: response.status, reply }
}

/** Waits until serve has finished event `id` (posted, skipped or dead), or WAIT_MS. */
async function settled(built: BuiltService, id: string): Promise<EventRecord | undefined> {
  const until = Date.now() + WAIT_MS
  let event: EventRecord | undefined
  for (;;) {
    event = await built.store.get(id)
    if (event && ['posted', 'skipped', 'dead', 'discarded'].includes(event.state)) return event
    if (Date.now() > until) return event
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** An event's outcome as a step: ok when it reached `expected`. */
async function outcome(
  built: BuiltService,
  step: string,
  id: string,
  expected: string,
): Promise<TriggerStep> {
  const event = await settled(built, id)
  const state = event?.state ?? 'not stored'
  const reason = event?.reason ?? event?.lastError?.message
  return {
    step,
    ok: state === expected,
    detail: `${id}: ${state}${reason ? ` (${reason})` : ''}${state === expected ? '' : `, expected ${expected}`}`,
    eventId: id,
    state,
    ...(reason ? { reason } : {}),
  }
}

/** `trigger KIND [--invoice N] [--amount 10.00] [--url URL]`. */
export async function runTriggerCommand(
  ctx: CommandContext & { readonly config: ServiceConfig; readonly built: BuiltService },
): Promise<ExitCode> {
  const { config, built, options, print } = ctx
  const kind = TRIGGER_KINDS.find((k) => k === ctx.sub)
  if (!kind) return refuse(`trigger needs one of ${TRIGGER_KINDS.join(', ')}.`)
  const { register, serve } = loopbackTargets(config, options.url)
  const currency = config.posting.homeCurrency ?? 'GBP'
  const amount = parseAmount(options.amount ?? '10.00', currency)
  if (!amount.ok || amount.value.amount <= 0)
    return refuse(`--amount must be an amount such as 10.00 (got "${String(options.amount)}").`)
  const invoice = Number(options.invoice ?? '1042')
  if (!Number.isInteger(invoice) || invoice <= 0)
    return refuse(
      `--invoice must be an invoice number such as 1042 (got "${String(options.invoice)}").`,
    )
  const code = (suffix: string) => {
    const rendered = renderVendorTxCode(config.references[0] ?? '', { invoice, '*': suffix })
    return rendered.ok ? rendered.value : `INV-${invoice}-${suffix}`
  }
  const fresh = () => randomBytes(4).toString('hex').toUpperCase()
  const vendorTxCode = code(`T${fresh()}`)
  const steps: TriggerStep[] = []
  const txType = kind === 'deferred' ? 'DEFERRED' : 'PAYMENT'
  const { nextUrl, vpsTxId } = await built.service.registerServerTransaction({
    vendorTxCode,
    amount: money(amount.value.amount, currency),
    txType,
    description: `trigger ${kind} for invoice ${invoice}`,
    notificationUrl: `${serve}/opayo/notify`,
    billing: {
      firstnames: 'Sam',
      surname: 'Shopper',
      address: { lines: ['1 High Street'], city: 'Bath', postalCode: 'BA1 1AA', country: 'GB' },
    },
    customerEmail: 'shopper@example.com',
  })
  const id = normaliseTransactionId(vpsTxId)
  steps.push({
    step: 'register',
    ok: true,
    detail: `${txType} ${vendorTxCode} ${(amount.value.amount / 100).toFixed(2)} ${currency}, VPSTxId ${vpsTxId}, stored in serve's store`,
  })
  const paid = await postForm(nextUrl, { Status: kind === 'declined' ? 'NOTAUTHED' : 'OK' })
  const status = paid.reply.get('Status') ?? `HTTP ${paid.httpStatus}`
  steps.push({
    step: 'notify',
    ok: status === 'OK',
    detail: `serve answered Status=${status}${paid.reply.has('RedirectURL') ? ` RedirectURL=${paid.reply.get('RedirectURL')}` : ''}${status === 'OK' ? '' : ` ${paid.reply.get('StatusDetail') ?? ''}`}`,
  })
  if (status === 'OK') {
    if (kind === 'declined')
      steps.push(await outcome(built, 'declined', `opayo:${id}:payment`, 'skipped'))
    else if (kind === 'deferred')
      steps.push(await outcome(built, 'deferred', `opayo:${id}:authorisation`, 'skipped'))
    else steps.push(await outcome(built, 'payment', `opayo:${id}:payment`, 'posted'))
    const registration = await built.store.getRegistration(vendorTxCode)
    const key = registration?.securityKey ?? ''
    const shared = (name: string) => register.replace(/[^/]*$/, name)
    const vendor = config.opayo.vendorName
    if (kind === 'refund' && steps.every((s) => s.ok)) {
      const refunded = await postForm(shared('refund.vsp'), {
        VPSProtocol: '4.00',
        TxType: 'REFUND',
        Vendor: vendor,
        VendorTxCode: code(`R${fresh()}`),
        Amount: (amount.value.amount / 100).toFixed(2),
        Currency: currency,
        Description: `Refund of ${vendorTxCode}`,
        RelatedVPSTxId: vpsTxId,
        RelatedVendorTxCode: vendorTxCode,
        RelatedSecurityKey: key,
        RelatedTxAuthNo: '4255',
      })
      steps.push(await afterShared(built, 'refund', refunded, 'refund'))
    }
    if (kind === 'deferred' && steps.every((s) => s.ok)) {
      const released = await postForm(shared('release.vsp'), {
        VPSProtocol: '4.00',
        TxType: 'RELEASE',
        Vendor: vendor,
        VendorTxCode: vendorTxCode,
        VPSTxId: vpsTxId,
        SecurityKey: key,
        TxAuthNo: '4255',
        ReleaseAmount: (amount.value.amount / 100).toFixed(2),
      })
      steps.push(await afterShared(built, 'release', released, 'capture', id))
    }
  }
  const ok = steps.every((s) => s.ok)
  print({ kind, ok, vendorTxCode, vpsTxId, steps }, () =>
    [
      ...steps.map((s) => `${s.ok ? 'ok  ' : 'FAIL'} ${s.step}: ${s.detail}`),
      ok ? `trigger ${kind}: done as expected.` : `trigger ${kind}: not what was expected.`,
    ].join('\n'),
  )
  return ok ? EXIT.ok : EXIT.failed
}

/**
 * A refund or release done at the fake Opayo, then one Reporting read over the last hour (what
 * serve's poller does on its next tick) to bring it into the store, and its outcome.
 */
async function afterShared(
  built: BuiltService,
  step: 'refund' | 'release',
  answer: Awaited<ReturnType<typeof postForm>>,
  kind: 'refund' | 'capture',
  related?: string,
): Promise<TriggerStep> {
  const status = answer.reply.get('Status')
  if (status !== 'OK')
    return {
      step,
      ok: false,
      detail: `Opayo answered ${status ?? `HTTP ${answer.httpStatus}`} ${answer.reply.get('StatusDetail') ?? ''}`,
    }
  // The last hour up to a minute ahead: Reporting's dates are whole seconds, so a window ending
  // "now" can miss what was done this second (serve's next poll would catch it).
  const now = Date.now()
  const totals = await built.service.backfill({
    from: new Date(now - 3_600_000),
    to: new Date(now + 60_000),
  })
  const txId = normaliseTransactionId(answer.reply.get('VPSTxId') ?? related ?? '')
  const result = await outcome(built, step, `opayo:${txId}:${kind}`, 'posted')
  return { ...result, detail: `${result.detail} (Reporting poll read ${totals.seen})` }
}
