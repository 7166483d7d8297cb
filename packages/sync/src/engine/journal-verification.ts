// The first journal check. The body of `POST /journals` is UNCONFIRMED (no source shows one that
// works), so the first journal the engine writes after every start is read back by detail and
// compared line by line with what was sent (`kashflow.journals.verify`). If it does not read back
// as written, journals stop: that event is dead-lettered `journal_shape_unverified`, and so is
// every later journal intent, without a write, while that dead letter stands.
//
// How the stop survives a restart: in memory, the engine remembers "verified" or "stopped by
// event X". After a start it knows neither: before its first journal it lists the dead letters
// (`store.list({ states: ['dead'] })`, once) and stays stopped if the dead letter of a failed check
// (reason `journal_shape_unverified`, error code `journal_verification_failed`) still stands;
// otherwise its first journal is verified again. While stopped it reads that one event by id
// before each journal intent, so discarding or replaying it lifts the stop at once. No store
// method or migration is needed.
import { OpayoKashflowError } from '@opayo-kashflow/core'
import type { JournalCheck, JournalInput } from '@opayo-kashflow/kashflow'
import type { EventRecord } from '../store/store.js'
import type { EngineContext } from './context.js'

/** The error code of the dead letter whose journal failed the check (the one that stops journals). */
export const JOURNAL_VERIFICATION_FAILED = 'journal_verification_failed'
/** The error code of a journal intent not written because journals are stopped. */
export const JOURNALS_STOPPED = 'journals_stopped'

/**
 * A journal was not read back as written (code `journal_verification_failed`), or journals are
 * stopped because one was not (code `journals_stopped`). The failure policy dead-letters the
 * event `journal_shape_unverified`.
 * @example
 * const error = new JournalShapeUnverifiedError('journals_stopped', 'journals are stopped')
 */
export class JournalShapeUnverifiedError extends OpayoKashflowError {
  override readonly name = 'JournalShapeUnverifiedError' as const
  constructor(
    code: typeof JOURNAL_VERIFICATION_FAILED | typeof JOURNALS_STOPPED,
    message: string,
    /** What the check saw: the marker, the journal number, the differences. */
    readonly seen: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, message)
  }
}

/** The event whose journal failed the check, and what it saw. */
interface Stop {
  readonly eventId: string
}

/** One engine's journal check: verified, stopped, or not known yet (after a start). */
interface Gate {
  verified: boolean
  stop: Stop | undefined
  /** The dead letters have been read once since the start. */
  storeChecked: boolean
  /** A check in progress: other journal intents wait for it. */
  busy: Promise<void> | undefined
}

// Engine memory, one gate per engine (per KashFlow account).
const gates = new WeakMap<EngineContext, Gate>()

function gateOf(ctx: EngineContext): Gate {
  let gate = gates.get(ctx)
  if (!gate) {
    gate = { verified: false, stop: undefined, storeChecked: false, busy: undefined }
    gates.set(ctx, gate)
  }
  return gate
}

const isFailedCheck = (event: EventRecord | undefined): event is EventRecord =>
  event?.state === 'dead' &&
  event.reason === 'journal_shape_unverified' &&
  event.lastError?.code === JOURNAL_VERIFICATION_FAILED

/** The dead letter of a failed check that still stands, if any (one list, once per start). */
async function standingStop(ctx: EngineContext): Promise<Stop | undefined> {
  const dead = await ctx.store.list({ states: ['dead'] })
  const failed = dead.find(isFailedCheck)
  return failed ? { eventId: failed.id } : undefined
}

/** Journals are stopped: this intent is not written. */
function stopped(event: EventRecord, marker: string, stop: Stop): JournalShapeUnverifiedError {
  return new JournalShapeUnverifiedError(
    JOURNALS_STOPPED,
    `Journal ${marker} was not written: journals are stopped because the journal of event ${stop.eventId} did not read back as written (dead letter journal_shape_unverified). Fix the cause, correct that journal in KashFlow, discard that dead letter, then replay this one.`,
    { marker, stoppedBy: stop.eventId, eventId: event.id },
  )
}

/**
 * Posts one journal (`post` writes it through the ledger and returns the journal number when it
 * knows it) under the first-journal check: while journals are stopped it throws
 * {@link JournalShapeUnverifiedError} without calling `post`; before the engine has verified a
 * journal since its start, it posts, then verifies that journal and stops journals if it does
 * not read back as written. Other journal intents wait while a check is in progress.
 * @throws {JournalShapeUnverifiedError}
 */
export async function postVerifiedJournal(
  ctx: EngineContext,
  event: EventRecord,
  input: JournalInput,
  post: () => Promise<{ readonly number: number | undefined }>,
): Promise<void> {
  const gate = gateOf(ctx)
  const marker = input.reference
  for (;;) {
    if (gate.stop) {
      // The stop lasts while its dead letter stands: one read by primary key.
      const standing = await ctx.store.get(gate.stop.eventId)
      if (isFailedCheck(standing)) throw stopped(event, marker, gate.stop)
      ctx.logger?.info?.('sync journals resumed: the failed journal check was resolved', {
        id: event.id,
        stoppedBy: gate.stop.eventId,
      })
      gate.stop = undefined
      gate.verified = false
      continue
    }
    if (gate.verified) {
      await post()
      return
    }
    if (gate.busy) {
      await gate.busy
      continue
    }
    break
  }
  let release = () => {}
  gate.busy = new Promise<void>((resolve) => {
    release = resolve
  })
  try {
    if (!gate.storeChecked) {
      const standing = await standingStop(ctx)
      gate.storeChecked = true
      if (standing) {
        gate.stop = standing
        ctx.logger?.warn?.('sync journals stopped: a failed journal check stands', {
          id: event.id,
          stoppedBy: standing.eventId,
        })
        throw stopped(event, marker, standing)
      }
    }
    const { number } = await post()
    const check: JournalCheck = await ctx.kashflow.journals.verify(input, { number })
    if (check.state === 'as-written') {
      gate.verified = true
      ctx.logger?.info?.('sync journal shape verified: the first journal read back as written', {
        id: event.id,
        marker,
        number: check.number,
      })
      return
    }
    const message = `Journal ${marker} (KashFlow journal ${check.number ?? 'unknown'}) did not read back as written: ${check.differences.join('; ')}. The POST /journals body is unconfirmed; journals stop until a person looks.`
    gate.stop = { eventId: event.id }
    ctx.logger?.warn?.('sync journals stopped: the first journal did not read back as written', {
      id: event.id,
      marker,
      number: check.number,
      differences: check.differences,
      seen: check.seen,
    })
    throw new JournalShapeUnverifiedError(JOURNAL_VERIFICATION_FAILED, message, {
      marker,
      number: check.number,
      differences: check.differences,
      seen: check.seen,
    })
  } finally {
    gate.busy = undefined
    release()
  }
}
