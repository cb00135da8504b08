/**
 * Steady traffic, one invocation at a time (as in one Lambda execution environment) every `intervalMs`:
 * - warm: a long expiry, so no refresh happens: the baseline latency distribution;
 * - refresh → outage → recovery, one timeline: a short expiry (middy-secrets and @middy/ssm `cacheExpiry`,
 *   Powertools `maxAge` in whole seconds) so values refresh several times; then every store call fails with
 *   HTTP 500 for longer than the expiry, so cached values expire during the outage; then the store is back.
 * Each invocation is timed from call to settled result; failures are counted by the phase they started in.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { COMPETING, create, EVENT, first, MIDDY_SECRETS, makeContext, powertoolsMaxAge } from '../implementations.js'
import { max, percentile } from '../stats.js'

const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length])
export const PHASES = ['refresh', 'outage', 'recovery']

/**
 * Invokes `handler` every `intervalMs` until `durationMs` has passed (bounded by count too). An invocation
 * slower than the interval delays the next one; missed slots are not made up in a burst.
 * @returns {{ t: number, ms: number, ok: boolean }[]} t: start, ms since the traffic began
 */
const traffic = async (handler, { durationMs, intervalMs, phaseAt }) => {
  const samples = []
  const maxCount = Math.ceil(durationMs / intervalMs) + 10
  const start = process.hrtime.bigint()
  const now = () => Number(process.hrtime.bigint() - start) / 1e6
  let next = 0
  for (let t = now(); t < durationMs && samples.length < maxCount; t = now()) {
    if (t < next) {
      await sleep(next - t)
      t = now()
      if (t >= durationMs) break
    }
    let ok = true
    const begin = process.hrtime.bigint()
    try {
      await handler(EVENT, makeContext())
    } catch {
      ok = false
    }
    const ms = Number(process.hrtime.bigint() - begin) / 1e6
    samples.push({ t, ms, ok, phase: phaseAt?.(t) })
    next = Math.max(next + intervalMs, t + ms)
  }
  return samples
}

const summary = (samples, slowMs) => {
  const ms = samples.map((s) => s.ms)
  return {
    invocations: samples.length,
    failed: samples.filter((s) => !s.ok).length,
    slow: samples.filter((s) => s.ms >= slowMs).length,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: max(ms),
  }
}

/**
 * @param {{ store, n: number, rounds: number, intervalMs: number, warmMs: number, refreshMs: number,
 *   outageMs: number, recoveryMs: number, expiryMs: number, slowMs: number, progress: (s: string) => void,
 *   unhandled: { count: number } }} o  slowMs: an invocation at least this long counts as having waited on the store
 */
export const trafficScenario = async (o) => {
  const { store, n, rounds, intervalMs, warmMs, refreshMs, outageMs, recoveryMs, expiryMs, slowMs, progress } = o
  const { params, expected } = first(n)
  const warmSamples = Object.fromEntries(COMPETING.map((id) => [id, []]))
  const phaseSamples = Object.fromEntries(COMPETING.map((id) => [id, { refresh: [], outage: [], recovery: [] }]))
  const calls = Object.fromEntries(COMPETING.map((id) => [id, { refresh: [], outage: [], recovery: [] }]))
  const unhandled = Object.fromEntries(COMPETING.map((id) => [id, 0]))
  const logged = {}
  const timelines = {}
  const totalMs = refreshMs + outageMs + recoveryMs
  const phaseAt = (t) => (t < refreshMs ? 'refresh' : t < refreshMs + outageMs ? 'outage' : 'recovery')

  for (let round = 0; round < rounds; round++) {
    for (const id of rotate(COMPETING, round)) {
      const made = create(id, store, params, { expiryMs: 300_000 })
      try {
        if ((await made.handler(EVENT, makeContext())) !== expected) throw new Error(`traffic: ${id} served no value`)
        await traffic(made.handler, { durationMs: Math.min(200, warmMs), intervalMs })
        warmSamples[id].push(...(await traffic(made.handler, { durationMs: warmMs, intervalMs })))
      } finally {
        made.close()
      }
    }
    for (const id of rotate(COMPETING, round)) {
      const made = create(id, store, params, { expiryMs })
      const unhandledBefore = o.unhandled.count
      const timers = []
      let lastRound = 'did not finish'
      try {
        if ((await made.handler(EVENT, makeContext())) !== expected) throw new Error(`traffic: ${id} served no value`)
        store.resetCalls()
        const snapshot = {}
        // The phases switch on timers of their own, not between invocations: a slow invocation must not move them.
        timers.push(
          setTimeout(() => {
            snapshot.refresh = store.calls.total
            store.fault({ kind: 'server-error' })
          }, refreshMs),
          setTimeout(() => {
            store.clearFaults()
            snapshot.outage = store.calls.total
          }, refreshMs + outageMs),
        )
        const samples = await traffic(made.handler, { durationMs: totalMs, intervalMs, phaseAt })
        for (const s of samples) phaseSamples[id][s.phase].push(s)
        const outage = samples.filter((s) => s.phase === 'outage')
        lastRound = `${outage.filter((s) => !s.ok).length} of ${outage.length} failed during the outage`
        calls[id].refresh.push(snapshot.refresh)
        calls[id].outage.push(snapshot.outage - snapshot.refresh)
        calls[id].recovery.push(store.calls.total - snapshot.outage)
        if (round === 0) timelines[id] = samples
        if (id === MIDDY_SECRETS) {
          const { logged: l } = made.stats()
          logged[id] = { warn: (logged[id]?.warn ?? 0) + l.warn, error: (logged[id]?.error ?? 0) + l.error }
        }
      } finally {
        for (const timer of timers) clearTimeout(timer)
        store.clearFaults()
        made.close()
        // Let retries still in flight settle before the next implementation runs.
        await sleep(50)
        unhandled[id] += o.unhandled.count - unhandledBefore
      }
      progress(`traffic round ${round + 1}/${rounds} ${id}: ${lastRound}`)
    }
  }

  const rows = {}
  for (const id of COMPETING) {
    rows[id] = {
      warm: summary(warmSamples[id], slowMs),
      refresh: summary(phaseSamples[id].refresh, slowMs),
      outage: summary(phaseSamples[id].outage, slowMs),
      recovery: summary(phaseSamples[id].recovery, slowMs),
      calls: Object.fromEntries(PHASES.map((p) => [p, calls[id][p]])),
      unhandled: unhandled[id],
      logged: logged[id],
    }
  }
  return {
    n,
    rounds,
    intervalMs,
    expiryMs,
    slowMs,
    maxAgeS: powertoolsMaxAge(expiryMs),
    warmMs,
    refreshMs,
    outageMs,
    recoveryMs,
    rows,
    timelines,
  }
}
