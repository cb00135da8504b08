/**
 * The fleet simulator (fleet/simulation.js) runs the package's own middleware — ./dist, so `npm run build`
 * first — in every simulated container. These scenarios are small (50 containers, 20 simulated minutes)
 * and seeded, so every figure is exact and the file runs in a few seconds.
 */
import { type FleetOptions, type FleetResult, simulate } from '../fleet/simulation.js'

// 50 containers × 20 parameters (2 GetParameters calls a round), cacheExpiry 60 s, 1 invocation/s each: a
// mean of about 50 × 2 / (60 s × 0.95 + 1 s) ≈ 1.7 calls/s (a round starts at the first invocation after
// the refresh point). Refreshes of independent containers land like a Poisson process of ~0.86 rounds/s:
// over ~1,100 seconds the busiest second holds about 5 rounds (P(≥ 6) ≈ 3·10⁻⁴ per second), i.e. 10–12
// calls. A quota of 10/s (a token bucket with a burst of 10) is therefore about the tightest that jittered
// timers fit: they must not be throttled once, while fixed timers, which keep the deploy's bunching, and a
// first refresh no wider than the jitter, must be.
const scenario: Partial<FleetOptions> = {
  containers: 50,
  params: 20,
  expiry: 60,
  quota: 10,
  ramp: 10,
  rate: 1,
  hours: 1 / 3,
  rotateAt: 600,
  seed: 1,
  check: 17,
}

const bookkeepingHolds = (result: FleetResult): void => {
  // The simulator's view of rungs, ages and store calls agrees with mw.stats() on every sample, and no
  // round settled on a real timer instead of virtual time.
  expect(result.checks.samples).toBeGreaterThan(100)
  expect(result.checks.first).toEqual([])
  expect(result.checks.mismatches).toBe(0)
  expect(result.checks.strays).toBe(0)
}

describe('fleet simulation', () => {
  let jittered: FleetResult
  let fixed: FleetResult

  beforeAll(async () => {
    jittered = await simulate(scenario)
    fixed = await simulate({ ...scenario, fixed: true })
  })

  it('runs the scenario it was given', () => {
    expect(jittered.invocations.total).toBeGreaterThan(50_000)
    expect(jittered.options.jitter).toBe(0.1)
    expect(fixed.options.jitter).toBe(0)
    // "After the first cycle" starts once every container of the deploy has refreshed once: here at 72 s.
    expect(jittered.steadyFrom).toBeGreaterThanOrEqual(10 + 60)
    expect(jittered.steadyFrom).toBeLessThan(10 + 60 + 10)
    bookkeepingHolds(jittered)
    bookkeepingHolds(fixed)
  })

  it('with the default jitter and first spread, the store throttles nothing after the first cycle', () => {
    const { steady } = jittered.calls
    expect(steady.throttled).toBe(0)
    // A 1-second count may pass the rate while the bucket's burst pays for it, never twice the rate.
    expect(steady.peak).toBeLessThanOrEqual(2 * scenario.quota!)
    expect(steady.mean).toBeGreaterThan(1.4)
    expect(steady.mean).toBeLessThan(1.9)
    expect(jittered.invocations.failed).toBe(0)
  })

  it('with fixed timers (jitter 0) the same fleet breaks the quota after the first cycle', () => {
    expect(fixed.calls.steady.throttled).toBeGreaterThan(0)
    expect(fixed.calls.steady.secondsAboveQuota).toBeGreaterThan(3 * jittered.calls.steady.secondsAboveQuota)
    expect(fixed.calls.refresh.peak).toBeGreaterThan(jittered.calls.refresh.peak)
  })

  it('spreads the first refresh over cacheExpiry × (1 − min(0.5, 5 × jitter) × random), later ones over jitter', async () => {
    const narrow = await simulate({ ...scenario, firstSpread: 'narrow' })
    // Measured at the store: time from a container's first fetch to its first refresh, / cacheExpiry.
    expect(jittered.firstRefresh.containers).toBeGreaterThan(40)
    expect(jittered.firstRefresh.min).toBeGreaterThanOrEqual(0.5)
    expect(jittered.firstRefresh.min).toBeLessThan(0.6)
    expect(narrow.firstRefresh.min).toBeGreaterThanOrEqual(0.9)
    expect(narrow.firstRefresh.min).toBeLessThan(0.95)
    expect(fixed.firstRefresh.min).toBeGreaterThanOrEqual(1)
    bookkeepingHolds(narrow)
    // Without the wider first spread the deploy's bunching survives into later cycles, and this quota breaks.
    expect(narrow.calls.steady.throttled).toBeGreaterThan(0)
  })

  it('every container serves the rotated value within cacheExpiry + fetchTimeout of the rotation', () => {
    for (const result of [jittered, fixed]) {
      const { rotation } = result
      expect(rotation.watched).toBeGreaterThanOrEqual(45)
      expect(rotation.seen + rotation.diedUnseen).toBe(rotation.watched)
      expect(rotation.oldServedLate).toBe(0)
      expect(rotation.lastOldServedMs! - rotation.atMs!).toBeLessThanOrEqual(60_000 + 2_000)
    }
    // Plus the wait for that container's next invocation (rate 1/s here).
    expect(jittered.rotation.maxUnseenMs).toBeLessThan(60_000 + 2_000 + 10_000)
  })

  it('a deploy that starts every container cold at once exceeds the quota, and no invocation fails', async () => {
    const burst = await simulate({ ...scenario, ramp: 0, check: 0 })
    // 50 containers × 2 calls at t = 0 against a bucket of 10.
    expect(burst.calls.all.peak).toBeGreaterThan(3 * scenario.quota!)
    expect(burst.calls.throttled).toBeGreaterThan(50)
    // The deploy-time environment variables carried the containers the store refused, until the backoff
    // let them through.
    expect(burst.invocations.byRung.env).toBeGreaterThan(0)
    expect(burst.invocations.failed).toBe(0)
    expect(burst.deploy.notReady).toBe(0)
    expect(burst.deploy.allReadyMs).toBeLessThan(120_000)
  })

  it('without the deploy-time fallback the same burst fails invocations: the ladder is what carries it', async () => {
    const bare = await simulate({ ...scenario, ramp: 0, envFallback: false, check: 0 })
    expect(bare.invocations.failed).toBeGreaterThan(0)
    expect(Object.keys(bare.invocations.failures)).toEqual(['UNAVAILABLE'])
    expect(bare.events.unavailable).toBe(bare.invocations.failed)
  })

  it('is deterministic for a seed', async () => {
    const again = await simulate(scenario)
    expect(Array.from(again.perSecond.calls)).toEqual(Array.from(jittered.perSecond.calls))
    expect(again.invocations).toEqual(jittered.invocations)
    expect(again.rotation).toEqual(jittered.rotation)
  })

  it('restores the environment variables it set', () => {
    expect(Object.keys(process.env).filter((name) => name.startsWith('FLEET_P'))).toEqual([])
  })
})
