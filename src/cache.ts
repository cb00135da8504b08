import { classifyError, type FailureInfo } from './errors.js'
import type { Entry } from './options.js'
import type { ParameterRef } from './parameter.js'
import type { Outcome, RawValue, Source } from './source.js'
import type { Clock } from './types.js'

/** A store value made ready for the handler: the transformed value and, with setToEnv, its variables. */
export interface Prepared {
  readonly value: unknown
  readonly env: ReadonlyMap<string, string> | undefined
}

/** Turns a raw value into a {@link Prepared} one, or says why it cannot (transform failed, collision). */
export type Prepare = (entry: Entry, raw: RawValue) => Prepared | FailureInfo

/**
 * The freshness state of one key. Times are the clock's milliseconds.
 * - fresh: `now < expiresAt`
 * - due: `now >= dueAt` — the jittered refresh point, or the end of a backoff after a failure
 */
export interface Slot {
  readonly entry: Entry
  /** The last good value from the store. */
  good: Prepared | undefined
  /** The raw value `good` was prepared from, to tell a change from a refetch of the same value. */
  raw: RawValue | undefined
  fetchedAt: number
  expiresAt: number
  dueAt: number
  /** Why the last attempt failed; undefined after a success. */
  failure: FailureInfo | undefined
  /** Consecutive faulted attempts: the backoff exponent. Per key, so the other keys' successes never reset it. */
  faults: number
  /** The round fetching this key now. */
  round: Round | undefined
}

/** One fetch of every due key: at most one is in flight per middleware (single flight). */
export interface Round {
  readonly startedAt: number
  /** After this a round still in flight is dead (a frozen environment thawed) and is started again. */
  readonly deadline: number
  readonly slots: readonly Slot[]
  readonly done: Promise<void>
}

export interface Timing {
  readonly cacheExpiry: number
  readonly jitter: number
  readonly fetchTimeout: number
  readonly clock: Clock
}

/** What a settled round reports: keys whose value changed, and how long it took. */
export type OnSettled = (changed: string[], round: Round, durationMs: number) => void

const BACKOFF_BASE = 1_000
const BACKOFF_MAX = 60_000
/** The smallest fraction of the jitter spread a refresh point keeps before expiry. */
const MIN_LEAD = 0.1

const sameRaw = (a: RawValue | undefined, b: RawValue): boolean => {
  if (typeof a === 'string' || typeof b === 'string' || a === undefined) return a === b
  const ka = Object.keys(a)
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k])
}

/**
 * Decides when to fetch what: refresh points with jitter, single flight, exponential backoff with full
 * jitter after failures, and restarting a round that outlived its deadline. Knows nothing of middy.
 */
export class Refresher {
  readonly slots: Slot[]
  current: Round | undefined
  private readonly backoffCap: number

  constructor(
    entries: readonly Entry[],
    private readonly source: Source,
    private readonly prepare: Prepare,
    private readonly timing: Timing,
    private readonly onSettled: OnSettled,
  ) {
    this.slots = entries.map((entry) => ({
      entry,
      good: undefined,
      raw: undefined,
      fetchedAt: Number.NaN,
      expiresAt: Number.NEGATIVE_INFINITY,
      dueAt: Number.NEGATIVE_INFINITY,
      failure: undefined,
      faults: 0,
      round: undefined,
    }))
    const expiry = timing.cacheExpiry < 0 ? BACKOFF_MAX : timing.cacheExpiry
    this.backoffCap = Math.min(BACKOFF_MAX, Math.max(BACKOFF_BASE, expiry))
  }

  /** Starts a round for every due key unless one is in flight; returns the round in flight, if any. */
  tick(now: number): Round | undefined {
    const current = this.current
    if (current && now >= current.deadline) this.abandon(current)
    if (this.current) return this.current
    const due = this.slots.filter((slot) => slot.dueAt <= now)
    if (due.length === 0) return undefined
    this.current = this.start(due, now)
    return this.current
  }

  /** Makes the keys (all when omitted) due now and expired, e.g. after the database rejected a password. */
  invalidate(keys: readonly string[] | undefined, now: number): void {
    for (const slot of this.slots) {
      if (keys && !keys.includes(slot.entry.key)) continue
      slot.dueAt = Number.NEGATIVE_INFINITY
      slot.expiresAt = Math.min(slot.expiresAt, now)
    }
  }

  private abandon(round: Round): void {
    for (const slot of round.slots) if (slot.round === round) slot.round = undefined
    this.current = undefined
  }

  private start(slots: Slot[], now: number): Round {
    const controller = new AbortController()
    // Every call of the round listens on this one signal: 20 batches are not a listener leak.
    // Taken at run time: a static import of a builtin costs an ES module wrapper (~0.25 ms) at every cold start.
    process.getBuiltinModule('node:events').setMaxListeners(0, controller.signal)
    const refs = new Map<string, ParameterRef>()
    for (const slot of slots) refs.set(slot.entry.ref.id, slot.entry.ref)
    const fetchTimeout = this.timing.fetchTimeout
    // Answers land here as each call returns: a round that times out keeps the ones that arrived.
    const answers = new Map<string, Outcome>()
    // The SDK's retry sleep ignores the abort signal: the round ends on this timer whatever the SDK does.
    const timedOut = new Promise<ReadonlyMap<string, Outcome>>((resolve) => {
      const timer = setTimeout(() => {
        resolve(new Map(answers))
        controller.abort()
      }, fetchTimeout)
      timer.unref()
      controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true })
    })
    const fetching = this.source.fetch([...refs.values()], controller.signal, answers).then(() => answers)
    const round: { -readonly [K in keyof Round]: Round[K] } = {
      startedAt: now,
      deadline: now + fetchTimeout,
      slots,
      done: Promise.resolve(),
    }
    for (const slot of slots) slot.round = round
    const started = performance.now()
    round.done = Promise.race([fetching, timedOut])
      .catch((error: unknown) => {
        const failure = classifyError(error)
        return new Map([...refs.keys()].map((id) => [id, { ok: false, failure } as Outcome]))
      })
      .then((outcomes) => {
        controller.abort()
        if (this.current !== round) return // abandoned: a newer round owns these keys
        this.current = undefined
        this.settle(round, outcomes, performance.now() - started)
      })
    return round
  }

  private settle(round: Round, outcomes: ReadonlyMap<string, Outcome>, durationMs: number): void {
    const { cacheExpiry, jitter, clock } = this.timing
    const now = clock.now()
    const random = clock.random()
    const changed: string[] = []
    const faulted: Slot[] = []
    // A refresh point drawn right at the expiry leaves steady traffic no invocation to start the refresh in the
    // background, and the first one after expiry waits a round trip (the benchmark saw it, 1 in ~3,000): every
    // point keeps at least a tenth of the spread before expiry. With jitter 0 the points stay exact.
    const lead = Math.max(random, MIN_LEAD)
    const nextCycle = (first: boolean): number => {
      // The first refresh after a cold start is spread wider so a fleet started by one deploy drifts apart.
      const spread = first ? Math.min(0.5, 5 * jitter) : jitter
      return round.startedAt + cacheExpiry * (1 - spread * lead)
    }
    for (const slot of round.slots) {
      slot.round = undefined
      const outcome = outcomes.get(slot.entry.ref.id) ?? {
        ok: false,
        failure: { reason: 'timed_out' } satisfies FailureInfo,
      }
      const never = cacheExpiry < 0 || slot.entry.ref.pinned
      if (outcome.ok) {
        const first = slot.good === undefined
        if (!sameRaw(slot.raw, outcome.raw)) {
          const prepared = this.prepare(slot.entry, outcome.raw)
          if ('reason' in prepared) {
            // Bad data is an answer, not a fault: keep the last good value, look again on the normal schedule.
            slot.failure = prepared
            slot.dueAt = never ? now + this.backoffCap : nextCycle(first)
            continue
          }
          if (!first) changed.push(slot.entry.key)
          slot.good = prepared
          slot.raw = outcome.raw
        }
        slot.failure = undefined
        slot.faults = 0
        slot.fetchedAt = round.startedAt
        slot.expiresAt = never ? Number.POSITIVE_INFINITY : round.startedAt + cacheExpiry
        slot.dueAt = never ? Number.POSITIVE_INFINITY : nextCycle(first)
      } else if (outcome.failure.reason === 'not_found') {
        // A missing parameter may be a mistake to survive, but it is the store's answer: no backoff.
        slot.failure = outcome.failure
        slot.faults = 0
        slot.dueAt = cacheExpiry < 0 ? now + this.backoffCap : nextCycle(slot.good === undefined)
      } else {
        slot.failure = outcome.failure
        slot.faults++
        faulted.push(slot)
      }
    }
    if (faulted.length > 0) {
      // Exponential backoff with full jitter: an outage must not turn every invocation into a store call.
      const jitter = clock.random()
      for (const slot of faulted) {
        slot.dueAt = now + jitter * Math.min(this.backoffCap, BACKOFF_BASE * 2 ** (slot.faults - 1))
      }
    }
    this.onSettled(changed, round, durationMs)
  }
}
