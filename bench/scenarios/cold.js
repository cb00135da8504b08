/**
 * Cold start: from creating the middleware (and so its client) to the first invocation's result, and the store
 * calls that took. Beside it the floor: a new SSMClient sending the same GetParameters batches of 10 in
 * parallel. Rounds rotate the implementations; one unrecorded round first warms the JIT and the SDK's lazy
 * loading. On a shared machine the distribution is bimodal, so the minimum is the figure to compare, the
 * median is shown beside it.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { COMPETING, create, EVENT, first, makeContext, RAW_SDK, rawSdk } from '../implementations.js'
import { median, min, since } from '../stats.js'

const COLD_EXPIRY_MS = 300_000
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length])

const once = async (id, store, params) => {
  const start = process.hrtime.bigint()
  if (id === RAW_SDK) {
    const { value, close } = await rawSdk(store, params)
    const ms = since(start)
    close()
    return { ms, value }
  }
  const made = create(id, store, params, { expiryMs: COLD_EXPIRY_MS })
  try {
    const value = await made.handler(EVENT, makeContext())
    return { ms: since(start), value }
  } finally {
    made.close()
  }
}

/**
 * @param {{ store, sizes: number[], rounds: number, progress: (s: string) => void }} o
 * @returns per size: { n, rows: { [id]: { minMs, medianMs, calls: number[], samples: number[] } } }
 */
export const cold = async ({ store, sizes, rounds, progress }) => {
  const ids = [...COMPETING, RAW_SDK]
  const samples = Object.fromEntries(sizes.map((n) => [n, Object.fromEntries(ids.map((id) => [id, []]))]))
  const calls = Object.fromEntries(sizes.map((n) => [n, Object.fromEntries(ids.map((id) => [id, []]))]))
  for (let round = -1; round < rounds; round++) {
    for (const n of sizes) {
      const { params, expected } = first(n)
      for (const id of rotate(ids, round + 1)) {
        // Let the previous run's sockets and timers settle; nothing else may talk to the store meanwhile.
        await sleep(5)
        store.resetCalls()
        const { ms, value } = await once(id, store, params)
        const made = store.calls.total
        if (value !== expected) throw new Error(`cold: ${id} served ${String(value)} for the last of ${n} parameters`)
        if (round < 0) continue
        samples[n][id].push(ms)
        calls[n][id].push(made)
      }
    }
    if (round >= 0) progress(`cold round ${round + 1}/${rounds}`)
  }
  return sizes.map((n) => ({
    n,
    rows: Object.fromEntries(
      ids.map((id) => [
        id,
        { minMs: min(samples[n][id]), medianMs: median(samples[n][id]), calls: calls[n][id], samples: samples[n][id] },
      ]),
    ),
  }))
}
