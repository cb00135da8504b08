/**
 * Warm overhead: what each implementation adds to an invocation once its values are cached, measured as the
 * full middy handler wrapped minus the same middy handler bare. Blocks run bare, wrapped, wrapped, bare (so a
 * drift in machine speed cancels); the figure is the median over rounds of
 * ((wrapped₁ + wrapped₂) − (bare₁ + bare₂)) / (2 × invocations per block).
 *
 * Each implementation is measured in a process of its own, as a Lambda function holds one handler: in one
 * process, the others' handlers make middy core's call sites polymorphic and @middy/ssm stores promises under
 * the same keys of request.internal, which generalizes the hidden classes middy-secrets writes to (measured: its
 * overhead for 50 parameters rises from about 0.7 to 1.2–1.3 µs with @middy/ssm in the same process). The
 * processes run in rounds with the implementations' order rotated.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import {
  bare,
  COMPETING,
  CREATE_SECRETS,
  create,
  EVENT,
  first,
  MIDDY_SECRETS,
  makeContext,
  plainBare,
} from '../implementations.js'
import { median, since } from '../stats.js'

export const WITH_ENV = 'middy-secrets setToEnv'
export const WARM_IDS = [MIDDY_SECRETS, WITH_ENV, CREATE_SECRETS, ...COMPETING.slice(1)]
const WARM_EXPIRY_MS = 300_000
const CHILD = fileURLToPath(new URL('../warm-child.js', import.meta.url))

/** ns spent on `count` sequential invocations. */
const block = async (handler, count) => {
  const start = process.hrtime.bigint()
  for (let i = 0; i < count; i++) await handler(EVENT, makeContext())
  return Number(process.hrtime.bigint() - start)
}

/** Runs the handler for about `ms` (at most `maxCount` times) and returns ns per invocation. */
const warmUp = async (handler, ms, maxCount) => {
  const start = process.hrtime.bigint()
  let count = 0
  while (count < maxCount && since(start) < ms) {
    await block(handler, 50)
    count += 50
  }
  return Number(process.hrtime.bigint() - start) / count
}

/**
 * The reference cost of the stores themselves: n values put on a fresh context and on a fresh object (middy's
 * request.internal is new per invocation too), by straight-line code, minus making the two objects. The keys
 * are the bench's own (P000…), emitted through JSON.stringify.
 */
const storesReference = (params, rounds) => {
  const values = params.map((p) => p.value)
  const body = params.map((p, j) => `c[${JSON.stringify(p.key)}] = v[${j}]; i[${JSON.stringify(p.key)}] = v[${j}]`)
  const write = new Function('c', 'i', 'v', body.join('\n'))
  const count = 20_000
  let sink
  const time = (withStores) => {
    const start = process.hrtime.bigint()
    for (let k = 0; k < count; k++) {
      const c = makeContext()
      const i = {}
      if (withStores) write(c, i, values)
      sink = i
    }
    return Number(process.hrtime.bigint() - start) / count
  }
  time(true)
  time(false)
  const diffs = []
  for (let r = 0; r < rounds; r++) diffs.push(time(true) - time(false))
  return sink === undefined ? Number.NaN : median(diffs)
}

/**
 * Measures one implementation (or only the stores reference, id 'reference') in this process, every size in
 * turn. Run by warm-child.js.
 * @returns {{ n, overhead: number[], wrapped: number[], bare: number[], perBlock: number, refetched: number }[]}
 */
export const measureHere = async ({ store, id, sizes, rounds, blockMs, warmUpMs }) => {
  const out = []
  for (const n of sizes) {
    const { params, expected } = first(n)
    if (id === 'reference') {
      out.push({ n, stores: storesReference(params, rounds) })
      continue
    }
    const made =
      id === WITH_ENV
        ? create(MIDDY_SECRETS, store, params, { expiryMs: WARM_EXPIRY_MS, setToEnv: true })
        : create(id, store, params, { expiryMs: WARM_EXPIRY_MS })
    // Without middy, measured against the same plain handler without get().
    const base = id === CREATE_SECRETS ? plainBare(params) : bare(params)
    try {
      // The first invocation: the cold fetch, and a check that the values really arrive.
      const value = await made.handler(EVENT, makeContext())
      if (value !== expected) throw new Error(`warm: ${id} served ${String(value)} for the last of ${n} parameters`)
      if (id === WITH_ENV && process.env[params.at(-1).key] !== expected) throw new Error('warm: process.env not set')
      const callsAfterFetch = store.calls.total

      await warmUp(base, warmUpMs, 200_000)
      const ns = await warmUp(made.handler, warmUpMs, 200_000)
      // Enough invocations for a block of about blockMs, never fewer than 200 nor more than 50,000.
      const count = Math.max(200, Math.min(50_000, Math.round((blockMs * 1e6) / ns)))
      await warmUp(base, warmUpMs / 2, 200_000)

      const samples = { n, overhead: [], wrapped: [], bare: [], perBlock: count }
      for (let round = 0; round < rounds; round++) {
        const b1 = await block(base, count)
        const w1 = await block(made.handler, count)
        const w2 = await block(made.handler, count)
        const b2 = await block(base, count)
        samples.overhead.push((w1 + w2 - b1 - b2) / (2 * count))
        samples.wrapped.push((w1 + w2) / (2 * count))
        samples.bare.push((b1 + b2) / (2 * count))
      }
      // A refresh during the measurement would make it a different scenario: it is reported if one happened.
      samples.refetched = store.calls.total - callsAfterFetch
      out.push(samples)
    } finally {
      made.close()
    }
  }
  return out
}

const run = promisify(execFile)
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length])

/**
 * @param {{ sizes: number[], processes: number, rounds: number, blockMs: number, warmUpMs: number,
 *   latencyMs: number, progress: (s: string) => void }} o  processes: rounds of one process per implementation;
 *   rounds: ABBA rounds in each process
 * @returns per size: { n, rows: { [id]: { overheadNs, wrappedNs, bareNs, perBlock, samples } }, refetched, storesNs }
 */
export const warm = async ({ sizes, processes, rounds, blockMs, warmUpMs, latencyMs, progress }) => {
  const ids = [...WARM_IDS, 'reference']
  const collected = Object.fromEntries(ids.map((id) => [id, []]))
  for (let p = 0; p < processes; p++) {
    for (const id of rotate(ids, p)) {
      const args = { id, sizes, rounds, blockMs, warmUpMs, latencyMs }
      const { stdout } = await run(process.execPath, ['--no-warnings', CHILD, JSON.stringify(args)], {
        timeout: 120_000,
        maxBuffer: 16 * 1024 * 1024,
      })
      collected[id].push(JSON.parse(stdout))
    }
    progress(`warm: process round ${p + 1}/${processes}`)
  }
  return sizes.map((n, i) => {
    const rows = {}
    let refetched = 0
    for (const id of WARM_IDS) {
      const per = collected[id].map((result) => result[i])
      const all = (key) => per.flatMap((s) => s[key])
      rows[id] = {
        overheadNs: median(all('overhead')),
        wrappedNs: median(all('wrapped')),
        bareNs: median(all('bare')),
        perBlock: per[0].perBlock,
        samples: all('overhead'),
      }
      refetched += per.reduce((sum, s) => sum + s.refetched, 0)
    }
    const storesNs = median(collected.reference.map((result) => result[i].stores))
    return { n, rows, refetched, storesNs }
  })
}
