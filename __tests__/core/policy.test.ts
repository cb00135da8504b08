/**
 * The ladder as a pure function, over every combination of a key's state and the time: each freshness state
 * has its rows written out, and every combination is checked against the rules of DESIGN §2–§3.
 */

import {
  attemptDue,
  BACKOFF_BASE,
  backoffCap,
  backoffDelay,
  isAnswer,
  nextCheck,
  type Policy,
  RETRY_FLOOR,
  refreshPoint,
  serving,
} from '../../src/core/policy.js'
import { type KeyState, newKeyState, type Round } from '../../src/core/state.js'
import type { FailureInfo } from '../../src/errors.js'
import { parseRef } from '../../src/parameter.js'

const POLICY: Policy = { cacheExpiry: 60_000, jitter: 0.1, staleWhileRevalidate: 10_000, staleIfError: 100_000 }
const EXPIRES = 1_000_000
const FAULT: FailureInfo = { reason: 'store_error' }
const ANSWER: FailureInfo = { reason: 'not_found' }

const roundAt = (startedAt: number): Round => ({
  startedAt,
  deadline: startedAt + 2_000,
  generation: 0,
  keys: [],
  settled: new Set(),
  succeeded: new Set(),
  done: Promise.resolve(),
})

const key = (patch: Partial<KeyState>): KeyState => ({
  ...newKeyState({ key: 'K', ref: parseRef('/k'), transform: (raw) => raw, required: true }),
  good: { value: 'v', env: undefined },
  fetchedAt: EXPIRES - 60_000,
  expiresAt: EXPIRES,
  dueAt: EXPIRES - 5_000,
  attemptedAt: EXPIRES - 60_000,
  ...patch,
})

describe('serving: one row per freshness state', () => {
  const rows: [string, Partial<KeyState>, number, boolean, boolean, string][] = [
    ['before expiry: fresh', {}, EXPIRES - 1, false, false, 'fresh'],
    ['expired, within staleWhileRevalidate: fresh', {}, EXPIRES + 5_000, false, false, 'fresh'],
    ['expired past staleWhileRevalidate: wait', {}, EXPIRES + 10_000, false, false, 'wait'],
    ['…and when the wait is over: stale', {}, EXPIRES + 10_000, false, true, 'stale'],
    [
      'a refresh started before expiry keeps it fresh',
      { round: roundAt(EXPIRES - 1) },
      EXPIRES + 20_000,
      false,
      false,
      'fresh',
    ],
    [
      'a refresh started after expiry: wait for it',
      { round: roundAt(EXPIRES + 1) },
      EXPIRES + 20_000,
      false,
      false,
      'wait',
    ],
    ['a fault after expiry: stale at once', { failure: FAULT }, EXPIRES + 1, false, false, 'stale'],
    ['a fault: no staleWhileRevalidate', { failure: FAULT }, EXPIRES + 5_000, false, false, 'stale'],
    ['a fault before expiry: still fresh', { failure: FAULT }, EXPIRES - 1, false, false, 'fresh'],
    ['past staleIfError with a fault: no store value', { failure: FAULT }, EXPIRES + 100_000, true, false, 'fallback'],
    [
      'an answer: no stale, even before expiry',
      { failure: ANSWER, answered: true },
      EXPIRES - 1,
      true,
      false,
      'fallback',
    ],
    ['invalidated: never fresh, wait', { invalidated: true, dueAt: -Infinity }, EXPIRES - 1, false, false, 'wait'],
    [
      'invalidated with staleWhileRevalidate: wait',
      { invalidated: true, dueAt: -Infinity },
      EXPIRES + 5_000,
      false,
      false,
      'wait',
    ],
    [
      'invalidated, refresh in flight from before: wait',
      { invalidated: true, round: roundAt(EXPIRES - 1) },
      EXPIRES - 1,
      false,
      false,
      'wait',
    ],
    ['invalidated, wait over: stale (the ladder)', { invalidated: true }, EXPIRES - 1, false, true, 'stale'],
    [
      'invalidated after a fault: wait, not stale',
      { invalidated: true, failure: FAULT, dueAt: -Infinity },
      EXPIRES + 1,
      true,
      false,
      'wait',
    ],
    ['nothing yet, round in flight: wait', { good: undefined, round: roundAt(0) }, EXPIRES, true, false, 'wait'],
    [
      'nothing, a fault, somewhere to fall back: fallback',
      { good: undefined, failure: FAULT, dueAt: Infinity },
      EXPIRES,
      true,
      false,
      'fallback',
    ],
    [
      'nothing, a fault, nowhere to go, a second since the attempt: wait',
      { good: undefined, failure: FAULT, dueAt: Infinity, attemptedAt: EXPIRES - RETRY_FLOOR },
      EXPIRES,
      false,
      false,
      'wait',
    ],
    [
      'nothing, a fault, nowhere to go, attempt under a second ago: fallback',
      { good: undefined, failure: FAULT, dueAt: Infinity, attemptedAt: EXPIRES - RETRY_FLOOR + 1 },
      EXPIRES,
      false,
      false,
      'fallback',
    ],
    [
      'nothing, an answer, nowhere to go, not due: fallback',
      { good: undefined, failure: ANSWER, answered: true, dueAt: EXPIRES + 1, attemptedAt: 0 },
      EXPIRES,
      false,
      false,
      'fallback',
    ],
    [
      'nothing, an answer, nowhere to go, due: wait',
      { good: undefined, failure: ANSWER, answered: true, dueAt: EXPIRES },
      EXPIRES,
      false,
      false,
      'wait',
    ],
    ['nothing, wait over: fallback', { good: undefined, round: roundAt(0) }, EXPIRES, false, true, 'fallback'],
  ]
  test.each(rows)('%s', (_label, patch, now, canFallBack, waitOver, want) => {
    expect(serving(key(patch), now, POLICY, canFallBack, waitOver)).toBe(want)
  })
})

describe('serving: every combination keeps the rules', () => {
  const times = [-1, 0, 5_000, 10_000, 50_000, 100_000, 200_000].map((d) => EXPIRES + d)
  const combos: [Partial<KeyState>, number, boolean, boolean][] = []
  for (const good of [undefined, { value: 'v', env: undefined }])
    for (const failure of [undefined, FAULT, ANSWER])
      for (const invalidated of [false, true])
        for (const round of [undefined, roundAt(EXPIRES - 1), roundAt(EXPIRES + 1)])
          for (const dueAt of [-Infinity, EXPIRES + 50_000, Infinity])
            for (const attemptedAt of [0, EXPIRES + 99_500])
              for (const now of times)
                for (const canFallBack of [false, true])
                  for (const waitOver of [false, true])
                    combos.push([
                      { good, failure, answered: failure === ANSWER, invalidated, round, dueAt, attemptedAt },
                      now,
                      canFallBack,
                      waitOver,
                    ])

  test(`${combos.length} states`, () => {
    for (const [patch, now, canFallBack, waitOver] of combos) {
      const k = key(patch)
      const got = serving(k, now, POLICY, canFallBack, waitOver)
      const usable = k.good !== undefined && !k.answered
      const servable = usable && now < k.expiresAt + POLICY.staleIfError
      const context = JSON.stringify({ ...patch, round: k.round?.startedAt, now, canFallBack, waitOver, got })
      const check = (ok: boolean, rule: string) => expect(ok ? 'ok' : `${rule}: ${context}`).toBe('ok')
      check(!(waitOver && got === 'wait'), 'the wait is over: never wait')
      check(!(got === 'fresh' || got === 'stale') || usable, 'fresh or stale needs a good value, and no answer since')
      check(!(got === 'fresh' && k.invalidated), 'invalidated is never fresh')
      check(
        got !== 'fresh' ||
          now < k.expiresAt ||
          (k.failure === undefined &&
            (now < k.expiresAt + POLICY.staleWhileRevalidate || (k.round?.startedAt ?? Infinity) < k.expiresAt)),
        'fresh only before expiry, within staleWhileRevalidate, or kept by a refresh started before expiry',
      )
      check(got !== 'stale' || now < k.expiresAt + POLICY.staleIfError, 'stale only within staleIfError')
      check(!(got === 'fallback' && servable), 'a servable last good value comes before the fallback')
      check(
        got !== 'wait' ||
          k.round !== undefined ||
          attemptDue(k, now, !(usable && now < k.expiresAt + POLICY.staleIfError)),
        'wait only for a round in flight or an attempt due',
      )
      check(
        !(got === 'wait' && servable && k.failure !== undefined && !k.invalidated && now >= k.expiresAt),
        'a key with a stale value never waits on a failing store again',
      )
    }
  })
})

describe('refresh points, backoff and the schedule', () => {
  test('refresh points are uniform over [0.1, 1] of the spread: u = 0.1 + 0.9 × random', () => {
    const at = (r: number, first = false) => refreshPoint(0, 1_000, 0.1, first, r)
    expect(at(0)).toBeCloseTo(990)
    expect(at(0.5)).toBeCloseTo(945)
    expect(at(1)).toBeCloseTo(900)
    expect(at(0.5, true)).toBeCloseTo(725)
    // The first refresh spread is min(0.5, 5 × jitter).
    expect(refreshPoint(0, 1_000, 0.05, true, 1)).toBeCloseTo(750)
    // The tenth of draws below 0.1 lands on ten different points, not one.
    const low = new Set(Array.from({ length: 10 }, (_, i) => at(i / 100)))
    expect(low.size).toBe(10)
    // Equal steps of random are equal steps of time: uniform.
    const steps = [0, 0.25, 0.5, 0.75].map((r) => at(r) - at(r + 0.25))
    for (const step of steps) expect(step).toBeCloseTo(steps[0]!)
  })

  test('backoff: from 1 s doubling, full jitter, capped at clamp(cacheExpiry, 1 s, 60 s)', () => {
    expect([1, 2, 3, 7, 8].map((n) => backoffDelay(n, 60_000, 1))).toEqual([1_000, 2_000, 4_000, 60_000, 60_000])
    expect(backoffDelay(3, 60_000, 0.5)).toBe(2_000)
    expect([-1, 0, 500, 30_000, 300_000].map(backoffCap)).toEqual([60_000, 1_000, 1_000, 30_000, 60_000])
    expect(BACKOFF_BASE).toBe(1_000)
  })

  test('answers are not found, access denied and KMS denied; everything else is a fault', () => {
    expect(['not_found', 'access_denied', 'kms_denied'].every((r) => isAnswer(r as never))).toBe(true)
    const faults = [
      'throttled',
      'timed_out',
      'unreachable',
      'sdk_missing',
      'client_config',
      'credentials',
      'store_error',
      'invalid_request',
      'invalid_response',
      'transform_failed',
    ]
    expect(faults.some((r) => isAnswer(r as never))).toBe(false)
  })

  test('nextCheck is the earliest due time, deadline or rung boundary still ahead', () => {
    const now = EXPIRES - 10_000
    expect(nextCheck([key({ dueAt: EXPIRES - 5_000 })], now, POLICY)).toBe(EXPIRES - 5_000)
    expect(nextCheck([key({ dueAt: Infinity })], now, POLICY)).toBe(EXPIRES)
    expect(nextCheck([key({ dueAt: Infinity })], EXPIRES + 1, POLICY)).toBe(EXPIRES + 10_000)
    expect(nextCheck([key({ dueAt: Infinity })], EXPIRES + 10_000, POLICY)).toBe(EXPIRES + 100_000)
    expect(nextCheck([key({ round: roundAt(now) })], now, POLICY)).toBe(now + 2_000)
    expect(nextCheck([key({ dueAt: Infinity }), key({ dueAt: now + 1 })], now, POLICY)).toBe(now + 1)
  })
})
