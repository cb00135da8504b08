import { secrets } from '../src/index.js'
import { canary, eventually, manualClock, recordingLogger, rounds, runBefore, useStore } from './support/harness.js'

const s = useStore()

const setup = (name: string, extra: Record<string, unknown> = {}) => {
  const clock = manualClock()
  const logger = recordingLogger()
  const mw = secrets({
    fetchData: { TOKEN: name },
    awsClientOptions: s.clientOptions,
    cacheExpiry: 1_000,
    logger,
    clock,
    ...extra,
  })
  return { clock, logger, mw }
}

describe('refresh', () => {
  test('cold start: the first invocation awaits the prefetch, a warm one returns synchronously', async () => {
    s.store.put('/r/cold', canary('cold'))
    const { mw, logger } = setup('/r/cold')
    const first = await runBefore(mw)
    expect(first.waited).toBe(true)
    expect(first.req.context.TOKEN).toBe(canary('cold'))
    expect(first.req.internal.TOKEN).toBe(canary('cold'))
    const warm = await runBefore(mw)
    expect(warm.waited).toBe(false)
    expect(warm.req.context.TOKEN).toBe(canary('cold'))
    expect(s.store.calls.total).toBe(1)
    expect(rounds(logger)).toBe(1)
  })

  test('near expiry one background refresh starts and nobody waits; the rotated value follows', async () => {
    s.store.put('/r/rotate', 'v1')
    const { mw, clock, logger } = setup('/r/rotate', { jitter: 0.1 })
    await runBefore(mw)
    s.store.put('/r/rotate', 'v2')
    // First cycle spread min(0.5, 5 × 0.1), u = 0.1 + 0.9 × random 0.5: the refresh point is at 72.5% of the expiry.
    clock.advance(720)
    expect((await runBefore(mw)).waited).toBe(false)
    expect(s.store.calls.total).toBe(1)
    clock.advance(20)
    const near = await runBefore(mw)
    expect(near.waited).toBe(false)
    expect(near.req.context.TOKEN).toBe('v1')
    await eventually(() => rounds(logger) === 2)
    const after = await runBefore(mw)
    expect(after.waited).toBe(false)
    expect(after.req.context.TOKEN).toBe('v2')
    // Later cycles: 1 − 0.1 × 0.55 → at 94.5% (of the round started at 740 ms).
    clock.advance(940)
    await runBefore(mw)
    expect(s.store.calls.total).toBe(2)
    clock.advance(20)
    expect((await runBefore(mw)).waited).toBe(false)
    await eventually(() => rounds(logger) === 3)
    expect(s.store.calls.total).toBe(3)
  })

  test('steady traffic across several refreshes: no invocation waits, a rotation shows within one expiry', async () => {
    s.store.put('/r/steady', 'v1')
    const { mw, clock, logger } = setup('/r/steady', { jitter: 0.1 })
    clock.r = 0.3
    await runBefore(mw)
    let waited = 0
    let rotatedAt = 0
    let seenAt = 0
    for (let t = 0; t < 5_000; t += 20) {
      clock.advance(20)
      if (t === 2_000) {
        s.store.put('/r/steady', 'v2')
        rotatedAt = clock.now()
      }
      const r = await runBefore(mw)
      if (r.waited) waited++
      if (!seenAt && r.req.context.TOKEN === 'v2') seenAt = clock.now()
      // Let the store answer: virtual time must not outrun the real I/O.
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    expect(waited).toBe(0)
    expect(rounds(logger)).toBeGreaterThanOrEqual(5)
    expect(seenAt).toBeGreaterThan(rotatedAt)
    expect(seenAt - rotatedAt).toBeLessThanOrEqual(1_000)
  })

  test('a refresh point keeps a tenth of the spread before expiry, even when random() is 0', async () => {
    s.store.put('/r/lead', 'v1')
    const { mw, clock, logger } = setup('/r/lead', { jitter: 0.1 })
    clock.r = 0
    await runBefore(mw)
    // First cycle: 1 − min(0.5, 5 × 0.1) × (0.1 + 0.9 × 0) → 95% of the 1 s expiry; nothing before it.
    clock.advance(949)
    await runBefore(mw)
    expect(s.store.calls.total).toBe(1)
    clock.advance(1)
    expect((await runBefore(mw)).waited).toBe(false)
    await eventually(() => rounds(logger) === 2)
    // Later cycles: 1 − 0.1 × 0.1 → 99% of the expiry, not at the expiry itself.
    clock.advance(989)
    await runBefore(mw)
    expect(s.store.calls.total).toBe(2)
    clock.advance(1)
    expect((await runBefore(mw)).waited).toBe(false)
    await eventually(() => rounds(logger) === 3)
    expect(s.store.calls.total).toBe(3)
  })

  test('a refresh still in flight at expiry keeps the previous value in service', async () => {
    s.store.put('/r/inflight', 'old')
    const { mw, clock, logger } = setup('/r/inflight', { jitter: 0.1 })
    await runBefore(mw)
    s.store.put('/r/inflight', 'new')
    s.store.latencyMs = 150
    clock.advance(800)
    expect((await runBefore(mw)).waited).toBe(false)
    await eventually(() => s.store.calls.total === 2)
    clock.advance(500) // past expiry, refresh still in flight
    const during = await runBefore(mw)
    expect(during.waited).toBe(false)
    expect(during.req.context.TOKEN).toBe('old')
    expect(s.store.calls.total).toBe(2) // single flight: no second refresh
    await eventually(() => rounds(logger) === 2)
    expect((await runBefore(mw)).req.context.TOKEN).toBe('new')
  })

  test('expired with no refresh in flight: the invocation waits for the new value', async () => {
    s.store.put('/r/expired', 'a')
    const { mw, clock } = setup('/r/expired', { jitter: 0 })
    await runBefore(mw)
    s.store.put('/r/expired', 'b')
    clock.advance(1_000)
    const late = await runBefore(mw)
    expect(late.waited).toBe(true)
    expect(late.req.context.TOKEN).toBe('b')
  })

  test('staleWhileRevalidate serves an expired value at once while it refreshes', async () => {
    s.store.put('/r/swr', 'a')
    const { mw, clock, logger } = setup('/r/swr', { jitter: 0, staleWhileRevalidate: 10_000 })
    await runBefore(mw)
    s.store.put('/r/swr', 'b')
    clock.advance(5_000)
    const stale = await runBefore(mw)
    expect(stale.waited).toBe(false)
    expect(stale.req.context.TOKEN).toBe('a')
    await eventually(() => rounds(logger) === 2)
    expect((await runBefore(mw)).req.context.TOKEN).toBe('b')
    // Past the window the invocation waits again.
    clock.advance(11_001)
    expect((await runBefore(mw)).waited).toBe(true)
  })

  test('cacheExpiry 0 fetches for every invocation; concurrent invocations share one fetch', async () => {
    s.store.put('/r/zero', 'z')
    const { mw } = setup('/r/zero', { cacheExpiry: 0 })
    const results = await Promise.all(Array.from({ length: 20 }, () => runBefore(mw)))
    expect(results.every((r) => r.req.context.TOKEN === 'z')).toBe(true)
    expect(s.store.calls.total).toBe(1)
    await runBefore(mw)
    await runBefore(mw)
    expect(s.store.calls.total).toBe(3)
  })

  test('cacheExpiry -1 and pinned versions are never refreshed', async () => {
    s.store.put('/r/pin', 'one')
    s.store.put('/r/pin', 'two')
    const never = setup('/r/pin', { cacheExpiry: -1 })
    const pinned = setup('/r/pin:1')
    await runBefore(never.mw)
    await runBefore(pinned.mw)
    never.clock.advance(30 * 86_400_000)
    pinned.clock.advance(30 * 86_400_000)
    expect((await runBefore(never.mw)).req.context.TOKEN).toBe('two')
    const p = await runBefore(pinned.mw)
    expect(p.waited).toBe(false)
    expect(p.req.context.TOKEN).toBe('one')
    expect(s.store.calls.total).toBe(2)
  })

  test('invalidate() makes the next invocation wait for a fresh fetch', async () => {
    s.store.put('/r/inv', 'before')
    const { mw } = setup('/r/inv')
    await runBefore(mw)
    s.store.put('/r/inv', 'after')
    mw.invalidate(['TOKEN'])
    const next = await runBefore(mw)
    expect(next.waited).toBe(true)
    expect(next.req.context.TOKEN).toBe('after')
    mw.invalidate()
    expect((await runBefore(mw)).waited).toBe(true)
    expect(() => mw.invalidate(['NOPE' as 'TOKEN'])).toThrow(/unknown key 'NOPE'/)
  })

  test('onChange gets the keys whose value changed, not the ones refetched unchanged', async () => {
    s.store.put('/r/oc/a', '1')
    s.store.put('/r/oc/b', '1')
    const changes: string[][] = []
    const clock = manualClock()
    const logger = recordingLogger()
    const mw = secrets({
      fetchData: { A: '/r/oc/a', B: '/r/oc/b' },
      awsClientOptions: s.clientOptions,
      cacheExpiry: 1_000,
      jitter: 0,
      clock,
      logger,
      onChange: (keys) => {
        changes.push(keys)
        throw new Error('a broken onChange must not break the function')
      },
    })
    await runBefore(mw)
    s.store.put('/r/oc/b', '2')
    clock.advance(1_000)
    const r = await runBefore(mw)
    expect(r.req.context.B).toBe('2')
    expect(changes).toEqual([['B']])
    expect(logger.lines.some((l) => l.event.event === 'onChange_failed')).toBe(true)
  })

  test('a prefetch older than fetchTimeout (a frozen environment thawed) is abandoned and started again', async () => {
    s.store.put('/r/frozen', canary('frozen'))
    s.store.fault({ kind: 'hang', count: 1 })
    const { mw, clock } = setup('/r/frozen', { fetchTimeout: 5_000 })
    await eventually(() => s.store.calls.total === 1)
    clock.advance(60_000) // provisioned concurrency: the first invocation comes a minute after init
    const first = await runBefore(mw)
    expect(first.req.context.TOKEN).toBe(canary('frozen'))
    expect(s.store.calls.total).toBe(2)
  })

  test('a round that times out keeps the answers that arrived', async () => {
    const fetchData: Record<string, unknown> = {}
    for (let i = 0; i < 11; i++) {
      s.store.put(`/r/partial/p${String(i).padStart(2, '0')}`, `v${i}`)
      fetchData[`P${i}`] = { name: `/r/partial/p${String(i).padStart(2, '0')}`, required: false }
    }
    // Two batches: the one holding p10 hangs, the other answers.
    s.store.fault({ kind: 'hang', names: ['/r/partial/p10'] })
    const clock = manualClock()
    const mw = secrets({
      fetchData: fetchData as Record<string, string>,
      awsClientOptions: s.clientOptions,
      fetchTimeout: 300,
      fallbackToEnv: false,
      clock,
      logger: recordingLogger(),
    })
    const { req } = await runBefore(mw)
    for (let i = 0; i < 10; i++) expect(req.context[`P${i}`]).toBe(`v${i}`)
    expect(req.context.P10).toBeUndefined()
    expect(mw.stats().keys.P0).toMatchObject({ rung: 'fresh', reason: undefined })
    expect(mw.stats().keys.P10).toMatchObject({ rung: 'missing', reason: 'timed_out' })
  })

  test('disablePrefetch waits for the first invocation to fetch', async () => {
    s.store.put('/r/lazy', 'lazy')
    const { mw } = setup('/r/lazy', { disablePrefetch: true })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(s.store.calls.total).toBe(0)
    expect((await runBefore(mw)).req.context.TOKEN).toBe('lazy')
    expect(s.store.calls.total).toBe(1)
  })
})
