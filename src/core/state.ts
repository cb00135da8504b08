import type { FailureInfo } from '../errors.js'
import type { Entry } from '../options.js'
import type { RawValue } from '../sources/source.js'

/** A store value made ready for the handler: the transformed value and, with setToEnv, its variables. */
export interface Prepared {
  readonly value: unknown
  readonly env: ReadonlyMap<string, string> | undefined
}

/** Turns a raw value into a {@link Prepared} one, or says why it cannot (transform failed, collision). */
export type Prepare = (entry: Entry, raw: RawValue) => Prepared | FailureInfo

/** One fetch of every key that needs one: at most one is in flight per instance (single flight). */
export interface Round {
  readonly startedAt: number
  /** After this a round still in flight is dead (a frozen environment thawed) and is started again. */
  readonly deadline: number
  /** The invalidation generation when the round started: it satisfies only invalidations made before. */
  readonly generation: number
  readonly keys: readonly KeyState[]
  /** The keys this round gave a verdict (a round started before an invalidate() gives that key none). */
  readonly settled: Set<KeyState>
  /** The keys this round brought a good value for. */
  readonly succeeded: Set<KeyState>
  readonly done: Promise<void>
}

/**
 * Everything known about one key. Times are the clock's milliseconds. Only the refresher writes it; the
 * ladder ({@link ./policy.ts}) reads it.
 */
export interface KeyState {
  readonly entry: Entry
  /** The last good value from the store. */
  good: Prepared | undefined
  /** The raw value `good` was prepared from, to tell a change from a refetch of the same value. */
  raw: RawValue | undefined
  /** When the round that fetched `good` started. */
  fetchedAt: number
  /** `good` is fresh before this. */
  expiresAt: number
  /** The next attempt is due at this time: the jittered refresh point, or the end of a backoff. */
  dueAt: number
  /** When the last round that gave this key a verdict started. */
  attemptedAt: number
  /** Why the last attempt failed; undefined after a success. */
  failure: FailureInfo | undefined
  /** The last verdict was the store's answer (not found, denied): no stale service until a value comes back. */
  answered: boolean
  /** Consecutive faulted attempts: the backoff exponent. Per key, so the other keys' successes never reset it. */
  faults: number
  /** The round fetching this key now. */
  round: Round | undefined
  /** Bumped by invalidate(): a round started before cannot satisfy the key. */
  generation: number
  /** invalidate() was called and no round started since has given a verdict. */
  invalidated: boolean
}

export const newKeyState = (entry: Entry): KeyState => ({
  entry,
  good: undefined,
  raw: undefined,
  fetchedAt: Number.NaN,
  expiresAt: Number.NEGATIVE_INFINITY,
  dueAt: Number.NEGATIVE_INFINITY,
  attemptedAt: Number.NEGATIVE_INFINITY,
  failure: undefined,
  answered: false,
  faults: 0,
  round: undefined,
  generation: 0,
  invalidated: false,
})
