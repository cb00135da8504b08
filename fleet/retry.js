/**
 * The AWS SDK for JavaScript v3 "standard" retry strategy, as the installed @smithy/core (3.41, with the
 * 2026 retry behaviour it enables unconditionally) implements it in util-retry/StandardRetryStrategy.js:
 *
 * - at most `maxAttempts` attempts (3 by default), each a store call that counts against the quota;
 * - before retry n (n = 0 for the first retry) it sleeps `floor(random × min(20 s, base × 2^n))`, base 1 s
 *   for throttling errors and 50 ms for other transient ones — for throttling that is
 *   `random × min(20 s, 0.5 s × 2^attempt)` with attempt counted from 1 (older SDKs: base 500 ms / 100 ms
 *   with n counted from 0, i.e. half these delays);
 * - a retry quota per client: 500 tokens, a throttling retry costs 5 (another transient one 14), a success
 *   gives back what its retry cost (1 for a first-attempt success); without tokens the error is final.
 *
 * The retry sleep listens to the abort signal in this SDK version: when the middleware gives up on a round
 * (fetchTimeout) no further attempt is sent. The simulator applies that at the round's deadline.
 */
export const STANDARD = Object.freeze({
  maxAttempts: 3,
  maxDelayMs: 20_000,
  throttlingBaseMs: 1_000,
  transientBaseMs: 50,
  capacity: 500,
  throttlingCost: 5,
  transientCost: 14,
  noRetryIncrement: 1,
})

/** The SDK's delay before retry number `retryCount` (0 for the first retry). */
export const retryDelay = (retryCount, throttling, random) =>
  Math.floor(
    random() *
      Math.min(
        (throttling ? STANDARD.throttlingBaseMs : STANDARD.transientBaseMs) * 2 ** retryCount,
        STANDARD.maxDelayMs,
      ),
  )

/** One client's retry quota (the SDK keeps one per client instance, so one per container here). */
export class RetryQuota {
  constructor() {
    this.capacity = STANDARD.capacity
  }

  /** Takes the cost of a retry and returns it, or returns 0 when the quota cannot pay (no retry). */
  take(throttling) {
    const cost = throttling ? STANDARD.throttlingCost : STANDARD.transientCost
    if (this.capacity < cost) return 0
    this.capacity -= cost
    return cost
  }

  /** A success gives back what its last retry cost, or 1 after a first-attempt success. */
  success(retryCost) {
    this.capacity = Math.min(STANDARD.capacity, this.capacity + (retryCost || STANDARD.noRetryIncrement))
  }
}
