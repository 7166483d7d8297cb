// When the reference fails: the invoice a person chose (a resolution kept in the event's ledger),
// or the open invoices ranked by core's matcher and the configured policy. Only a payment whose
// reference matches no pattern, or names an invoice still missing when the not-found schedule
// runs out, ever reads candidates; every other payment costs nothing here.
import {
  candidateQuery,
  decideMatch,
  defineMatchingPolicy,
  InvalidArgumentError,
  rankInvoiceCandidates,
} from '@opayo-kashflow/core'
import type {
  CanonicalPayment,
  CurrencyCode,
  InvoiceCandidate,
  InvoiceCandidateInput,
  InvoiceCandidateQuery,
  MatchReason,
  ReferenceParser,
} from '@opayo-kashflow/core'
import {
  customerContactOf,
  invoiceAmountOwed,
  invoiceCurrency,
  parseKashflowDate,
} from '@opayo-kashflow/kashflow'
import type { Invoice, InvoiceSummary } from '@opayo-kashflow/kashflow'
import type { EventRecord, LedgerEntry, Store } from '../store/store.js'
import type { EngineContext } from './context.js'
import { rememberError } from './context.js'
import { CannotCreateInvoice, createInvoiceFor } from './create-invoice.js'

/** The ledger kind of a resolution: a person's choice of invoice, kept beside the writes. */
export const RESOLUTION_KIND = 'resolution'

/**
 * The dead-letter reasons a person can resolve by naming the invoice (`overpayment`: naming the
 * invoice its reference names posts it despite the amount ceiling).
 * @example
 * const resolvable = RESOLVABLE_REASONS.includes('overpayment') // true
 */
export const RESOLVABLE_REASONS: readonly string[] = [
  'unmatched_reference',
  'invoice_not_found',
  'overpayment',
]

/**
 * A person's choice of invoice for a dead letter: who, why, when, which invoice.
 * @example
 * const resolution: DeadLetterResolution = { invoiceNumber: 1042, by: 'jo', reason: 'typo in the reference', at: Date.now() }
 */
export interface DeadLetterResolution {
  readonly invoiceNumber: number
  readonly by: string
  readonly reason: string
  /** Epoch ms. */
  readonly at: number
}

/**
 * What `deadLetters.resolve` did: `resolved` with the resolution kept, or why not.
 * @example
 * const admin = createSyncAdmin({ store })
 * const id = 'opayo:F955C22E-F67B-4DA3-8EA3-6DAC68FA59D2:payment' // the dead letter's event
 * const { resolved, message }: ResolveResult = await admin.deadLetters.resolve(id, {
 *   invoiceNumber: 1042,
 *   by: 'jo',
 *   reason: 'typo',
 * })
 * if (!resolved) console.log(message)
 */
export interface ResolveResult {
  readonly resolved: boolean
  /** What happened, in words (why not, when `resolved` is false). */
  readonly message: string
  readonly resolution: DeadLetterResolution | undefined
}

/** How the engine placed a payment whose reference failed: recorded in the ledger and the event. */
export type MatchRecord =
  | {
      readonly via: 'resolution'
      readonly invoiceNumber: number
      readonly resolution: DeadLetterResolution
    }
  | {
      readonly via: 'matching'
      readonly invoiceNumber: number
      readonly score: number
      readonly reasons: readonly MatchReason[]
      readonly message: string
    }
  | {
      readonly via: 'create-invoice'
      readonly invoiceNumber: number
      /** The invoice's CustomerReference marker. */
      readonly marker: string
      readonly customerCode: string
    }

/** The latest resolution recorded for an event, if any (one indexed ledger read). */
export async function resolutionOf(
  store: Store,
  eventId: string,
): Promise<DeadLetterResolution | undefined> {
  return latestResolution(await store.ledger(eventId))
}

function latestResolution(ledger: readonly LedgerEntry[]): DeadLetterResolution | undefined {
  let latest: DeadLetterResolution | undefined
  for (const entry of ledger) {
    if (entry.kind !== RESOLUTION_KIND) continue
    const r = entry.request as Partial<DeadLetterResolution> | null
    if (typeof r?.invoiceNumber !== 'number') continue
    if (latest === undefined || (r.at ?? 0) >= latest.at)
      latest = {
        invoiceNumber: r.invoiceNumber,
        by: String(r.by ?? ''),
        reason: String(r.reason ?? ''),
        at: r.at ?? 0,
      }
  }
  return latest
}

/** The invoice a payment write was for: a credit-note refund's payment is on its credit note. */
const invoiceWrittenFor = (request: unknown): unknown => {
  const r = request as { creditNoteOf?: unknown; invoiceNumber?: unknown } | null
  return r?.creditNoteOf ?? r?.invoiceNumber
}

/**
 * Records a person's choice of invoice for a dead letter, then puts the event back in the queue:
 * the worker posts it to that invoice through the ledger (exactly once, with read-back). The
 * resolution is a ledger entry of kind `resolution` (who, why, when, invoice); the latest one
 * wins. Refused when the event is not dead, its reason is not one a person can resolve, or an
 * earlier attempt began a write to another invoice (that write may have happened).
 */
export async function resolveDeadLetter(
  view: { readonly store: Store; readonly now: () => number },
  id: string,
  input: { readonly invoiceNumber: number; readonly by: string; readonly reason: string },
): Promise<ResolveResult> {
  const where = 'deadLetters.resolve()'
  if (!Number.isSafeInteger(input.invoiceNumber) || input.invoiceNumber < 1)
    throw new InvalidArgumentError(
      `${where}: invoiceNumber must be a positive whole number, got ${String(input.invoiceNumber)}.`,
    )
  if (typeof input.by !== 'string' || input.by.trim() === '')
    throw new InvalidArgumentError(`${where}: by (who resolves it) is required.`)
  if (typeof input.reason !== 'string' || input.reason.trim() === '')
    throw new InvalidArgumentError(`${where}: reason (why this invoice) is required.`)
  const { store, now } = view
  const refuse = (message: string): ResolveResult => ({
    resolved: false,
    message,
    resolution: undefined,
  })
  const event = await store.get(id)
  if (!event) return refuse(`No event ${id}.`)
  if (event.state !== 'dead') return refuse(`${id} is ${event.state}, not a dead letter.`)
  if (!RESOLVABLE_REASONS.includes(event.reason ?? ''))
    return refuse(
      `${id} is dead as ${event.reason ?? 'unknown'}; only ${RESOLVABLE_REASONS.join(' or ')} can be resolved by naming the invoice (replay or discard it instead).`,
    )
  const ledger = await store.ledger(id)
  // A write KashFlow refused outright is not in KashFlow: it does not stand in the way.
  const begun = ledger.find(
    (l) =>
      (l.kind === 'invoice-payment' || l.kind === 'invoice-refund') &&
      l.state !== 'refused' &&
      invoiceWrittenFor(l.request) !== input.invoiceNumber,
  )
  if (begun)
    return refuse(
      `A write of ${begun.marker} to invoice ${String((begun.request as { invoiceNumber?: unknown }).invoiceNumber)} was begun (${begun.state}): it may be in KashFlow. Check that invoice; resolve to it or discard.`,
    )
  const resolution: DeadLetterResolution = {
    invoiceNumber: input.invoiceNumber,
    by: input.by.trim(),
    reason: input.reason.trim(),
    at: now(),
  }
  const count = ledger.filter((l) => l.kind === RESOLUTION_KIND).length
  const marker = `resolution:${count + 1}`
  const recorded = await store.ledgerBegin({
    eventId: id,
    marker,
    kind: RESOLUTION_KIND,
    request: resolution,
    now: resolution.at,
  })
  if (!recorded.created) return refuse(`${id} was resolved by someone else just now; look again.`)
  // Not a KashFlow write: done at once, so nothing reads it as an unfinished intent.
  await store.ledgerComplete({
    eventId: id,
    marker,
    result: { recorded: true },
    now: resolution.at,
  })
  if (!(await store.requeue({ id, now: now() })))
    return refuse(`${id} stopped being a dead letter meanwhile; the resolution is kept for it.`)
  return {
    resolved: true,
    message: `${id} will be posted to invoice ${resolution.invoiceNumber} (resolved by ${resolution.by}: ${resolution.reason}).`,
    resolution,
  }
}

/** A reference parser that names one invoice: how a chosen invoice reaches planning. */
function naming(invoiceNumber: number): ReferenceParser {
  return {
    parse: () => ({ ok: true, value: invoiceNumber as never }),
    patterns: [],
  }
}

/**
 * At most this many open invoices are read per search (10 pages of 100): a payment without an
 * email on a busy account must not read the whole ledger. A search cut short never auto-posts
 * (uniqueness cannot be known) and the dead letter says it was cut short.
 */
export const MAX_CANDIDATE_ROWS = 1000

/** Open invoices as core's candidates, read through the client (its rate budget applies). */
async function readCandidates(
  ctx: EngineContext,
  payment: CanonicalPayment,
): Promise<{
  readonly query: InvoiceCandidateQuery
  readonly invoices: InvoiceCandidateInput[]
  readonly truncated: boolean
  /** Why what is owed could not be told, by invoice number (those candidates are never posted). */
  readonly owedUnknown: ReadonlyMap<number, string>
}> {
  const { kashflow } = ctx
  const home = await ctx.homeCurrency()
  const owedUnknown = new Map<number, string>()
  const toCandidate = (
    row: InvoiceSummary,
    facts: { email?: string | undefined; postcode?: string | undefined },
  ): InvoiceCandidateInput | undefined => {
    // What is owed by kashflow's one rule (DueAmount reads 0.00 on unpaid invoices in live data);
    // a row that cannot tell stays a candidate, 'unknown', for a person: never dropped, never posted.
    const owed = invoiceAmountOwed(row, home)
    if (owed.known && owed.owed.amount <= 0) return undefined
    if (!owed.known) owedUnknown.set(row.Number, owed.reason)
    const currency: CurrencyCode = invoiceCurrency(row as Invoice, home)
    const issueDate = parseKashflowDate(row.IssuedDate ?? undefined)
    const dueDate = parseKashflowDate(row.DueDate ?? undefined)
    return {
      number: row.Number,
      currency,
      amountDue: owed.known ? owed.owed.amount : 'unknown',
      ...(row.CustomerName ? { customerName: row.CustomerName } : {}),
      ...(facts.email ? { customerEmail: facts.email } : {}),
      ...(facts.postcode ? { postcode: facts.postcode } : {}),
      ...(issueDate ? { issueDate } : {}),
      ...(dueDate ? { dueDate } : {}),
    }
  }
  let query = candidateQuery(payment)
  if (query.by === 'customer_email') {
    // Only a customer one of whose contacts has exactly the email; when KashFlow's answer cannot
    // tell (several customers have it, or rows lack the fields) findByEmail throws
    // KashflowCannotTellError, never "no customer": it passes through place() and
    // lookUpWithMatching to processEvent, which dead-letters the event needs_review with `seen`.
    const customer = await kashflow.customers.findByEmail(query.email)
    if (customer) {
      const facts = customerContactOf(customer)
      const invoices: InvoiceCandidateInput[] = []
      let read = 0
      for await (const row of kashflow.invoices.listOpen({ customerCode: customer.Code })) {
        if (++read > MAX_CANDIDATE_ROWS) return { query, invoices, truncated: true, owedUnknown }
        const c = toCandidate(row, facts)
        if (c) invoices.push(c)
      }
      return { query, invoices, truncated: false, owedUnknown }
    }
    // No customer has the email: fall back to the amount and dates.
    const { customer: _ignored, ...anonymous } = payment
    query = candidateQuery(anonymous)
  }
  if (query.by !== 'amount_and_dates') return { query, invoices: [], truncated: false, owedUnknown }
  const invoices: InvoiceCandidateInput[] = []
  let read = 0
  for await (const row of kashflow.invoices.listOpen({
    issuedFrom: query.issuedFrom,
    issuedTo: query.issuedTo,
  })) {
    if (++read > MAX_CANDIDATE_ROWS) return { query, invoices, truncated: true, owedUnknown }
    // The payer gave no email: the row's customer name is compared, no customer is read.
    const c = toCandidate(row, {})
    if (
      c &&
      c.currency === query.currency &&
      (c.amountDue === 'unknown' ||
        (c.amountDue >= query.amountDueFrom && c.amountDue <= query.amountDueTo))
    )
      invoices.push(c)
    else if (c) owedUnknown.delete(c.number)
  }
  return { query, invoices, truncated: false, owedUnknown }
}

/** How many ranked candidates a dead letter lists. */
const CANDIDATES_SHOWN = 10

/**
 * A candidate as a dead letter keeps it: number, score and the reasons in words and data, and,
 * when what is owed on it could not be told, why (it was never posted automatically).
 */
function summarise(
  candidate: InvoiceCandidate,
  owedUnknown: ReadonlyMap<number, string>,
): {
  readonly invoiceNumber: number
  readonly score: number
  readonly reasons: readonly MatchReason[]
  readonly amountDueUnknown?: string
} {
  const unknown = owedUnknown.get(candidate.invoiceNumber)
  return {
    invoiceNumber: candidate.invoiceNumber,
    score: candidate.score,
    reasons: candidate.reasons,
    ...(unknown === undefined ? {} : { amountDueUnknown: unknown }),
  }
}

/**
 * Places a payment whose reference failed. `failure` is why: the reference matched no pattern,
 * or it named an invoice that is still missing. Returns the invoice to post to (a person's
 * resolution first; else matching when this attempt is the one that would give up), or
 * `undefined` to go on as before (defer; or the rules' own unmatched handling). Dead-letters the
 * event itself, with the ranked candidates, when matching leaves it to a person: then returns
 * `'dead'`.
 */
async function place(
  ctx: EngineContext,
  event: EventRecord,
  payment: CanonicalPayment,
  failure: {
    readonly reason: 'unmatched_reference' | 'invoice_not_found'
    readonly detail: unknown
    /** The look-up's error, kept as the dead letter's last error. */
    readonly error?: unknown
  },
  lastChance: boolean,
): Promise<MatchRecord | 'dead' | undefined> {
  const resolution = await resolutionOf(ctx.store, event.id)
  if (resolution) return { via: 'resolution', invoiceNumber: resolution.invoiceNumber, resolution }
  // Matching places money coming in; a refund without its invoice goes to a person as before.
  if (!lastChance || (payment.kind !== 'payment' && payment.kind !== 'capture')) return undefined
  const policy = defineMatchingPolicy(ctx.options.matching ?? {})
  const { query, invoices, truncated, owedUnknown } = await readCandidates(ctx, payment)
  // Every candidate is decided on (one whose amount due is unknown may rank low and still stop an
  // automatic post); the dead letter lists the best few.
  const ranking = rankInvoiceCandidates(payment, invoices)
  const decision = decideMatch(ranking.candidates, policy)
  if (decision.action === 'post' && !truncated)
    return {
      via: 'matching',
      invoiceNumber: decision.invoiceNumber,
      score: decision.candidate.score,
      reasons: decision.candidate.reasons,
      message: decision.message,
    }
  await ctx.deadLetter(event, failure.reason, {
    attempts: event.attempts + 1,
    ...(failure.error === undefined
      ? {}
      : { lastError: rememberError(ctx, event.id, failure.error) }),
    detail: {
      ...(failure.detail as object),
      matching: {
        query: query.message,
        ...(truncated
          ? {
              truncated: `only the first ${MAX_CANDIDATE_ROWS} open invoices were read, so no candidate was posted automatically`,
            }
          : {}),
        decision: decision.action === 'post' ? 'not_posted_search_cut_short' : decision.reason,
        message: decision.message,
        candidates: ranking.candidates
          .slice(0, CANDIDATES_SHOWN)
          .map((c) => summarise(c, owedUnknown)),
        ...(owedUnknown.size === 0
          ? {}
          : {
              amountDueUnknown: [...owedUnknown].map(([invoiceNumber, reason]) => ({
                invoiceNumber,
                reason,
              })),
            }),
        excluded: ranking.excluded,
      },
    },
    outcome: `${failure.reason}: ${decision.message}; ${Math.min(ranking.candidates.length, CANDIDATES_SHOWN)} candidate(s) for a person`,
  })
  return 'dead'
}

/**
 * The look-up with matching around it: runs `lookUp` with the configured references; when the
 * reference matches no pattern (and the rules would dead-letter it) or the invoice it names is
 * still missing, places the payment by a resolution or by matching and looks up the chosen
 * invoice instead. Returns what to plan with, or `undefined` when the event was dead-lettered
 * for a person (with the candidates).
 */
export async function lookUpWithMatching<L>(
  ctx: EngineContext,
  event: EventRecord,
  payment: CanonicalPayment,
  lookUp: (references: ReferenceParser) => Promise<L>,
  notFound: (
    error: unknown,
  ) => { readonly invoiceNumber: number; readonly reference: string } | undefined,
): Promise<
  | {
      readonly looked: L
      readonly references: ReferenceParser
      readonly match: MatchRecord | undefined
    }
  | undefined
> {
  const { options } = ctx
  const moving =
    ['payment', 'capture', 'refund'].includes(payment.kind) &&
    payment.status === 'succeeded' &&
    payment.amount.amount > 0
  const parsed = options.references.parse(payment.invoiceReference ?? payment.source.vendorTxCode)
  const rule = options.rules.unmatchedReference
  if (
    moving &&
    !parsed.ok &&
    rule.action === 'create-invoice' &&
    (payment.kind === 'payment' || payment.kind === 'capture')
  ) {
    // A person's resolution first; else the invoice this payment is for, created once.
    const resolution = await resolutionOf(ctx.store, event.id)
    let placed: MatchRecord
    if (resolution)
      placed = { via: 'resolution', invoiceNumber: resolution.invoiceNumber, resolution }
    else {
      try {
        placed = { via: 'create-invoice', ...(await createInvoiceFor(ctx, event, payment, rule)) }
      } catch (error) {
        if (!(error instanceof CannotCreateInvoice)) throw error
        await ctx.deadLetter(event, 'unmatched_reference', {
          attempts: event.attempts + 1,
          detail: { issues: parsed.issues, createInvoice: error.message },
          outcome: `unmatched_reference: ${error.message}`,
        })
        return undefined
      }
    }
    const references = naming(placed.invoiceNumber)
    return { looked: await lookUp(references), references, match: placed }
  }
  if (moving && !parsed.ok && rule.action === 'dead-letter') {
    const placed = await place(
      ctx,
      event,
      payment,
      { reason: 'unmatched_reference', detail: { issues: parsed.issues } },
      true,
    )
    if (placed === 'dead') return undefined
    if (placed) {
      const references = naming(placed.invoiceNumber)
      return { looked: await lookUp(references), references, match: placed }
    }
  }
  try {
    return {
      looked: await lookUp(options.references),
      references: options.references,
      match: undefined,
    }
  } catch (error) {
    const missing = notFound(error)
    if (!missing) throw error
    // The not-found schedule gives up on this attempt (as decideFailure counts it).
    const lastChance = ctx.schedule.notFoundDelaysMs[event.attempts] === undefined
    const placed = await place(
      ctx,
      event,
      payment,
      {
        reason: 'invoice_not_found',
        detail: { invoiceNumber: missing.invoiceNumber, reference: missing.reference },
        error,
      },
      lastChance,
    )
    if (placed === 'dead') return undefined
    if (!placed) throw error
    const references = naming(placed.invoiceNumber)
    return { looked: await lookUp(references), references, match: placed }
  }
}
