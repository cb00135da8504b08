import { classifyError } from '../errors.js'
import type { Entry } from '../options.js'
import type { Outcome, RawValue, Source, SourceRef } from '../sources/source.js'
import type { Clock } from '../types.js'
import { backoffCap, backoffDelay, isAnswer, type Policy, refreshPoint } from './policy.js'
import { type KeyState, newKeyState, type Prepare, type Round } from './state.js'

export interface Timing extends Policy {
  readonly fetchTimeout: number
  readonly clock: Clock
}

/** What a settled round reports: keys whose value changed, and how long it took. */
export type OnSettled = (changed: string[], round: Round, durationMs: number) => void

const TIMED_OUT: Outcome = { ok: false, failure: { reason: 'timed_out' } }

const sameRaw = (a: RawValue | undefined, b: RawValue): boolean => {
  if (typeof a === 'string' || typeof b === 'string' || a === undefined) return a === b
  const ka = Object.keys(a)
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k])
}

/**
 * Decides when to fetch what and keeps what came back: rounds (one in flight at a time), refresh points,
 * backoff after faults, restarting a round that outlived its deadline, and invalidation by generation.
 * Knows nothing of middy; what serves a key is {@link ./policy.ts}'s `serving`.
 */
export class Refresher {
  readonly keys: KeyState[]
  current: Round | undefined
  private generation = 0
  private readonly cap: number

  constructor(
    entries: readonly Entry[],
    private readonly source: Source,
    private readonly prepare: Prepare,
    private readonly timing: Timing,
    private readonly onSettled: OnSettled,
  ) {
    this.keys = entries.map(newKeyState)
    this.cap = backoffCap(timing.cacheExpiry)
  }

  /**
   * Starts a round for every key that is due (or that `also` wants) unless one is in flight; returns the round
   * in flight, if any. A round older than its deadline is abandoned first.
   */
  tick(now: number, also?: (key: KeyState, index: number) => boolean): Round | undefined {
    const current = this.current
    if (current && now >= current.deadline) this.abandon(current)
    if (this.current) return this.current
    const due: KeyState[] = []
    this.keys.forEach((key, i) => {
      if (key.round === undefined && (key.dueAt <= now || also?.(key, i) === true)) due.push(key)
    })
    if (due.length === 0) return undefined
    this.current = this.start(due, now)
    return this.current
  }

  /**
   * A promise about the future: only a round started after this call can satisfy these keys (all when
   * `indexes` is undefined). Until one gives them a verdict they are not fresh, and a round already in flight
   * that lands later changes nothing for them.
   */
  invalidate(indexes: Iterable<number> | undefined, now: number): void {
    const generation = ++this.generation
    const mark = (key: KeyState) => {
      key.generation = generation
      key.invalidated = true
      key.dueAt = Number.NEGATIVE_INFINITY
      // Stale service, if it comes to that, counts from now.
      if (key.expiresAt > now) key.expiresAt = now
    }
    if (indexes === undefined) for (const key of this.keys) mark(key)
    else for (const i of indexes) mark(this.keys[i] as KeyState)
  }

  private abandon(round: Round): void {
    for (const key of round.keys) if (key.round === round) key.round = undefined
    this.current = undefined
  }

  private start(keys: KeyState[], now: number): Round {
    const controller = new AbortController()
    // Every call of the round listens on this one signal: 20 batches are not a listener leak.
    // Taken at run time: a static import of a builtin costs an ES module wrapper (~0.25 ms) at every cold start.
    process.getBuiltinModule('node:events').setMaxListeners(0, controller.signal)
    const refs = new Map<string, SourceRef>()
    for (const key of keys) refs.set(key.entry.ref.id, key.entry.ref)
    const fetchTimeout = this.timing.fetchTimeout
    // Answers land here as each call returns: a round that times out keeps the ones that arrived.
    const answers = new Map<string, Outcome>()
    // The SDK's retry sleep ignores the abort signal: the round ends on this timer whatever the SDK does.
    const timedOut = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, fetchTimeout)
      timer.unref()
      controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true })
    })
    let fetching: Promise<void>
    try {
      fetching = this.source.fetch([...refs.values()], controller.signal, answers).catch((error: unknown) => {
        // A source should never reject; one that does fails only the references it has not answered.
        const failure = classifyError(error)
        for (const id of refs.keys()) if (!answers.has(id)) answers.set(id, { ok: false, failure })
      })
    } catch (error) {
      const failure = classifyError(error)
      for (const id of refs.keys()) answers.set(id, { ok: false, failure })
      fetching = Promise.resolve()
    }
    const round: { -readonly [K in keyof Round]: Round[K] } = {
      startedAt: now,
      deadline: now + fetchTimeout,
      generation: this.generation,
      keys,
      settled: new Set(),
      succeeded: new Set(),
      done: Promise.resolve(),
    }
    for (const key of keys) key.round = round
    const started = performance.now()
    round.done = Promise.race([fetching, timedOut])
      .then(() => {
        // Copied before the abort: answers still arriving belong to no round.
        const outcomes = new Map(answers)
        controller.abort()
        if (this.current !== round) return // abandoned: a newer round owns these keys
        this.current = undefined
        this.settle(round, outcomes, performance.now() - started)
      })
      // Nothing here throws by design; if it ever did, no invocation and no background round may reject with it.
      .catch(() => undefined)
    return round
  }

  private settle(round: Round, outcomes: ReadonlyMap<string, Outcome>, durationMs: number): void {
    const { cacheExpiry, jitter, clock } = this.timing
    const now = clock.now()
    const random = clock.random()
    const changed: string[] = []
    const faulted: KeyState[] = []
    const never = cacheExpiry < 0
    const nextCycle = (key: KeyState, first: boolean): number =>
      never || key.entry.ref.pinned ? now + this.cap : refreshPoint(round.startedAt, cacheExpiry, jitter, first, random)
    for (const key of round.keys) {
      if (key.round === round) key.round = undefined
      // invalidate() came after this round started: it cannot satisfy the key, nor move its expiry.
      if (key.generation > round.generation) continue
      key.invalidated = false
      key.attemptedAt = round.startedAt
      round.settled.add(key)
      const outcome = outcomes.get(key.entry.ref.id) ?? TIMED_OUT
      if (outcome.ok) {
        const first = key.good === undefined
        if (key.answered || !sameRaw(key.raw, outcome.raw)) {
          const prepared = this.prepare(key.entry, outcome.raw)
          if ('reason' in prepared) {
            // Data the key cannot use: keep the last good value, look again on the normal schedule.
            key.failure = prepared
            key.faults = 0
            key.dueAt = nextCycle(key, first)
            continue
          }
          if (!first && !sameRaw(key.raw, outcome.raw)) changed.push(key.entry.key)
          key.good = prepared
          key.raw = outcome.raw
        }
        const pinned = never || key.entry.ref.pinned
        key.failure = undefined
        key.answered = false
        key.faults = 0
        key.fetchedAt = round.startedAt
        key.expiresAt = pinned ? Number.POSITIVE_INFINITY : round.startedAt + cacheExpiry
        key.dueAt = pinned ? Number.POSITIVE_INFINITY : nextCycle(key, first)
        const floor = outcome.minIntervalMs
        if (floor !== undefined && !pinned) {
          // The store's own poll interval clamps cacheExpiry for this key: no call before it (it would be refused),
          // and fresh a jitter's lead past it, so the refresh still happens in the background.
          key.dueAt = Math.max(key.dueAt, now + floor)
          key.expiresAt = Math.max(key.expiresAt, now + floor * (1 + jitter))
        }
        round.succeeded.add(key)
      } else if (isAnswer(outcome.failure.reason)) {
        // The store said no: stale service ends now; asked again on the normal schedule, not the backoff.
        key.failure = outcome.failure
        key.answered = true
        key.faults = 0
        key.dueAt = never ? now + this.cap : refreshPoint(round.startedAt, cacheExpiry, jitter, false, random)
      } else {
        key.failure = outcome.failure
        key.faults++
        faulted.push(key)
      }
    }
    if (faulted.length > 0) {
      // Exponential backoff with full jitter: an outage must not turn every invocation into a store call.
      const r = clock.random()
      for (const key of faulted) key.dueAt = now + backoffDelay(key.faults, this.cap, r)
    }
    this.onSettled(changed, round, durationMs)
  }
}
