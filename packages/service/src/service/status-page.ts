import { MoneySchema, format } from '@opayo-kashflow/core'
import { RESOLVABLE_REASONS } from '@opayo-kashflow/sync'
import type { ReferenceParser } from '@opayo-kashflow/core'
import type { EventRecord, Store, SyncStatus } from '@opayo-kashflow/sync'
import { explain } from './explain.js'
import { escapeHtml } from './html.js'

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
const age = (ms: number | undefined) =>
  ms === undefined
    ? 'none'
    : ms < 60_000
      ? `${Math.round(ms / 1000)} s`
      : ms < 3_600_000
        ? `${Math.round(ms / 60_000)} min`
        : `${(ms / 3_600_000).toFixed(1)} h`

function summary(event: EventRecord): string {
  const p = event.payment as {
    hint?: { vendorTxCode?: string }
    source?: { vendorTxCode?: string }
    kind?: string
    amount?: { amount?: number; currency?: string }
  } | null
  // Each currency's own minor units (JPY 0, BHD 3), never a fixed division by 100.
  const money = MoneySchema.safeParse(p?.amount)
  const amount = money.success ? format(money.data) : ''
  return `<code>${escapeHtml(p?.source?.vendorTxCode || p?.hint?.vendorTxCode || event.id)}</code> ${escapeHtml(p?.kind ?? '')} ${escapeHtml(amount)}`
}

/** The resolve form of a dead letter a person can resolve by naming the invoice; '' otherwise. */
function resolveForm(event: EventRecord, action: string, token: string): string {
  // The reasons `deadLetters.resolve` accepts (an unknown invoice, or an overpayment).
  if (!RESOLVABLE_REASONS.includes(event.reason ?? '')) return ''
  const candidates =
    (event.detail as { matching?: { candidates?: { invoiceNumber?: unknown }[] } } | null)?.matching
      ?.candidates ?? []
  const first = candidates.map((c) => c.invoiceNumber).find((n) => typeof n === 'number')
  return `<form method="post" action="${escapeHtml(action)}" class="resolve"><input type="hidden" name="token" value="${escapeHtml(token)}"><input type="hidden" name="id" value="${escapeHtml(event.id)}"><label>Invoice <input name="invoice" inputmode="numeric" pattern="[1-9][0-9]{0,14}" maxlength="15" required size="8"${first === undefined ? '' : ` placeholder="${escapeHtml(String(first))}"`}></label> <label>Reason <input name="reason" required size="24"></label> <label>By <input name="by" size="10"></label> <button>Resolve</button></form>`
}

/** How many waiting payments the status page lists (newest change first); the tile counts all. */
export const STATUS_WAITING_SHOWN = 50
/** How many posted and skipped events the status page lists under Recent. */
export const STATUS_RECENT_SHOWN = 25

/**
 * The invoice each event is for, where it can be told: the payment's reference through the
 * service's parser; else, for the few the reference does not name, the event's ledger (a
 * person's resolution, or the invoice a write was for): one indexed read each.
 * @example
 * const waiting = await store.list({ states: ['waiting'], order: 'latest', limit: STATUS_WAITING_SHOWN })
 * const invoices = await invoicesOf(waiting, references, store) // Map { 'opayo:...:payment' => 1042 }
 */
export async function invoicesOf(
  events: readonly EventRecord[],
  references: ReferenceParser,
  store: Pick<Store, 'ledger'>,
): Promise<Map<string, number>> {
  const found = new Map<string, number>()
  await Promise.all(
    events.map(async (event) => {
      const p = event.payment as {
        invoiceReference?: string
        source?: { vendorTxCode?: string }
        hint?: { vendorTxCode?: string }
      } | null
      const reference = p?.invoiceReference ?? p?.source?.vendorTxCode ?? p?.hint?.vendorTxCode
      const parsed = typeof reference === 'string' ? references.parse(reference) : undefined
      if (parsed?.ok) return void found.set(event.id, parsed.value)
      const named = (value: unknown) => {
        const n = (value as { invoiceNumber?: unknown } | null)?.invoiceNumber
        return typeof n === 'number' ? n : undefined
      }
      const fromDetail = named(event.detail)
      if (fromDetail !== undefined) return void found.set(event.id, fromDetail)
      const ledger = [...(await store.ledger(event.id))].sort((a, b) => b.updatedAt - a.updatedAt)
      for (const entry of ledger) {
        const n = named(entry.request) ?? named(entry.result)
        if (n !== undefined) return void found.set(event.id, n)
      }
    }),
  )
  return found
}

/** Why a waiting event waits: its last error (class, code and message), else its reason. */
function waitingReason(event: EventRecord): string {
  const error = event.lastError
  if (!error) return event.reason ?? ''
  const label = error.code ? `${error.name} (${error.code})` : error.name
  return `${label}: ${error.message}`
}

/**
 * A small, self-contained HTML status page: backlog, dead letters with their explanation, the
 * payments waiting to be tried again (why, for which invoice, when next), recent postings.
 * @example
 * const dead = await engine.deadLetters.list({ limit: 100 })
 * const recent = await store.list({ states: ['posted', 'skipped'], order: 'latest', limit: STATUS_RECENT_SHOWN })
 * const response = new Response(statusPage({ status: await engine.status(), dead, recent }), { headers: { 'content-type': 'text/html' } })
 */
export function statusPage(input: {
  status: SyncStatus
  dead: readonly EventRecord[]
  /** Events in `waiting`, as many as the page shows (the total is in `status.counts`). */
  waiting?: readonly EventRecord[]
  recent: readonly EventRecord[]
  /** The invoice an event is for, when known (the service: its reference parser, or the match). */
  invoiceOf?: (event: EventRecord) => number | undefined
  title?: string
  /**
   * Where the resolve form posts (the admin listener's `/admin/resolve`); without it no form is
   * shown (the bearer-token view on the main listener cannot be posted to from a browser form).
   */
  resolveAction?: string
  /**
   * The page token every resolve form carries (admin-guard.ts `createPageTokens`), required by
   * `POST /admin/resolve`; without it no form is shown either.
   */
  resolveToken?: string
}): string {
  const { status } = input
  const waitingEvents = input.waiting ?? []
  const more = (shown: number, total: number) => (total > shown ? `${shown} of ${total}` : shown)
  const counts = Object.entries(status.counts)
    .map(([state, n]) => `<div class="tile ${state}"><b>${n}</b><span>${state}</span></div>`)
    .join('')
  const dead = input.dead
    .map(
      (e) =>
        `<tr><td>${summary(e)}</td><td><b>${escapeHtml(e.reason ?? '')}</b></td><td>${escapeHtml(explain(e))}${input.resolveAction && input.resolveToken ? resolveForm(e, input.resolveAction, input.resolveToken) : ''}</td><td>${e.attempts}</td><td>${when(e.updatedAt)}</td></tr>`,
    )
    .join('')
  // A page with a resolve form does not refresh itself: it would wipe what a person is typing.
  const forms = dead.includes('<form')
  const recent = input.recent
    .map((e) => `<tr><td>${summary(e)}</td><td>${e.state}</td><td>${when(e.updatedAt)}</td></tr>`)
    .join('')
  const waiting = waitingEvents
    .map(
      (e) =>
        `<tr><td>${summary(e)}</td><td>${escapeHtml(String(input.invoiceOf?.(e) ?? '?'))}</td><td>${escapeHtml(waitingReason(e))}</td><td>${e.attempts}</td><td>${when(e.nextAttemptAt)}</td></tr>`,
    )
    .join('')
  const paused = status.paused
    ? `<p class="alert">Posting is <b>paused</b> (${status.paused.reason.replace(/_/g, ' ')}) since ${when(status.paused.since)}: ${escapeHtml(status.paused.error.message)}</p>`
    : '<p class="ok">Posting is running.</p>'
  return `<!doctype html><html lang="en"><meta charset="utf-8">${forms ? '' : '<meta http-equiv="refresh" content="10">'}<title>${escapeHtml(input.title ?? 'opayo-kashflow')}</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#222;max-width:70rem}h2{margin-top:2rem}.tiles{display:flex;flex-wrap:wrap;gap:.5rem}.tile{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;min-width:6rem}.tile b{display:block;font-size:1.6rem}.tile.dead b{color:#b00020}.tile.posted b{color:#1b5e20}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:.4rem;text-align:left;vertical-align:top}td:last-child{white-space:nowrap}.alert{background:#fdecea;padding:.6rem;border-radius:6px}.ok{color:#1b5e20}</style>
<h1>${escapeHtml(input.title ?? 'opayo-kashflow')}</h1>
${paused}
<div class="tiles">${counts}</div>
<p>Oldest pending event: ${age(status.oldestPendingAgeMs)}. Conflicts recorded: ${status.conflicts}.</p>
<h2>Dead letters (${more(input.dead.length, status.counts.dead)})</h2>
${input.dead.length ? `<table><thead><tr><th>Payment</th><th>Reason</th><th>Explanation</th><th>Attempts</th><th>Since</th></tr></thead><tbody>${dead}</tbody></table>` : '<p>None.</p>'}
<h2>Waiting (${more(waitingEvents.length, status.counts.waiting)})</h2>
${waitingEvents.length ? `<table><thead><tr><th>Payment</th><th>Invoice</th><th>Reason</th><th>Attempts</th><th>Next attempt</th></tr></thead><tbody>${waiting}</tbody></table>` : '<p>None.</p>'}
<h2>Recent</h2>
<table><thead><tr><th>Payment</th><th>State</th><th>At</th></tr></thead><tbody>${recent}</tbody></table>
</html>
`
}
