/**
 * The SVG chart of the traffic scenario: invocation latency over time, one line per implementation, across
 * refreshes, a store outage and the recovery. Plain strings, no dependency. The y axis is logarithmic (a cached
 * invocation takes microseconds, one that waits on the store tens of milliseconds); each pixel column shows the
 * slowest invocation it covers so a single wait is never averaged away. A failed invocation is a cross.
 */
import { COMPETING, MIDDY_SECRETS, MIDDY_SSM, POWERTOOLS } from './implementations.js'
import { percentile } from './stats.js'

const W = 1000
const H = 460
const M = { left: 80, right: 24, top: 78, bottom: 64 }
const PW = W - M.left - M.right
const PH = H - M.top - M.bottom
const Y_MIN = 0.001 // ms: 1 µs
const Y_MAX = 1000 // ms: 1 s
const COLORS = { [MIDDY_SECRETS]: '#1a7f37', [MIDDY_SSM]: '#d1521d', [POWERTOOLS]: '#6f42c1' }

// A white outline behind a label drawn over the data keeps it readable.
const HALO = 'paint-order="stroke" stroke="#ffffff" stroke-width="3" stroke-linejoin="round"'
const xml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const f = (v) => v.toFixed(1)

const label = (ms) => (ms >= 1000 ? `${ms / 1000} s` : ms >= 1 ? `${ms} ms` : `${Math.round(ms * 1000)} µs`)

/** The slowest invocation starting in each of `columns` equal slices of [0, totalMs), or undefined if none. */
const columnsMax = (samples, totalMs, columns) => {
  const out = new Array(columns).fill(undefined)
  for (const s of samples) {
    const x = Math.min(columns - 1, Math.floor((s.t / totalMs) * columns))
    if (out[x] === undefined || s.ms > out[x]) out[x] = s.ms
  }
  return out
}

/**
 * @param {ReturnType<typeof import('./scenarios/traffic.js').trafficScenario> extends Promise<infer T> ? T : never} traffic
 * @param {{ latencyMs: number }} o
 * @returns {string} an SVG document
 */
export const chart = (traffic, { latencyMs }) => {
  const { refreshMs, outageMs, recoveryMs, expiryMs, maxAgeS, n, intervalMs, timelines } = traffic
  const totalMs = refreshMs + outageMs + recoveryMs
  const xOf = (t) => M.left + (t / totalMs) * PW
  const yOf = (ms) => {
    const v = Math.min(Y_MAX, Math.max(Y_MIN, ms))
    return M.top + PH - ((Math.log10(v) - Math.log10(Y_MIN)) / (Math.log10(Y_MAX) - Math.log10(Y_MIN))) * PH
  }
  const parts = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="24" font-size="16" font-weight="600">Invocation latency over time: ${n} parameters, store latency ${latencyMs} ms, one invocation every ${intervalMs} ms</text>`,
    `<text x="${M.left}" y="42" fill="#555">cacheExpiry ${expiryMs} ms, Powertools maxAge ${maxAgeS} s (whole seconds) · a point: the slowest invocation in ${f((2 * totalMs) / PW)} ms · × failed · p99 across refreshes</text>`,
  )
  // Phases.
  const outageX = xOf(refreshMs)
  const recoveryX = xOf(refreshMs + outageMs)
  parts.push(
    `<rect x="${f(outageX)}" y="${M.top}" width="${f(recoveryX - outageX)}" height="${PH}" fill="#d73a49" fill-opacity="0.08"/>`,
    `<text x="${f((M.left + outageX) / 2)}" y="${M.top + 14}" text-anchor="middle" fill="#555" ${HALO}>values refresh</text>`,
    `<text x="${f((outageX + recoveryX) / 2)}" y="${M.top + 14}" text-anchor="middle" fill="#b31d28" ${HALO}>store outage: every call HTTP 500</text>`,
    `<text x="${f((recoveryX + M.left + PW) / 2)}" y="${M.top + 14}" text-anchor="middle" fill="#555" ${HALO}>store back</text>`,
  )
  // Grid and y axis: one line per decade.
  for (let v = Y_MIN; v <= Y_MAX * 1.0001; v *= 10) {
    const y = f(yOf(v))
    parts.push(
      `<line x1="${M.left}" x2="${M.left + PW}" y1="${y}" y2="${y}" stroke="#e1e4e8"/>`,
      `<text x="${M.left - 8}" y="${y}" dy="4" text-anchor="end" fill="#333">${label(Number(v.toPrecision(1)))}</text>`,
    )
  }
  const storeY = f(yOf(latencyMs))
  parts.push(
    `<line x1="${M.left}" x2="${M.left + PW}" y1="${storeY}" y2="${storeY}" stroke="#999" stroke-dasharray="4 4"/>`,
    `<text x="${M.left + 6}" y="${storeY}" dy="-4" fill="#666" ${HALO}>one store round trip (${latencyMs} ms)</text>`,
  )
  // x axis: a tick every half second.
  for (let t = 0; t <= totalMs + 1; t += 500) {
    const x = f(xOf(t))
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${M.top + PH}" y2="${M.top + PH + 5}" stroke="#333"/>`,
      `<text x="${x}" y="${M.top + PH + 19}" text-anchor="middle" fill="#333">${(t / 1000).toFixed(1)}</text>`,
    )
  }
  parts.push(
    `<line x1="${M.left}" x2="${M.left + PW}" y1="${M.top + PH}" y2="${M.top + PH}" stroke="#333"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + PH}" stroke="#333"/>`,
    `<text x="${M.left + PW / 2}" y="${H - 18}" text-anchor="middle" fill="#333">time since the traffic started (s)</text>`,
    `<text transform="translate(18 ${M.top + PH / 2}) rotate(-90)" text-anchor="middle" fill="#333">invocation latency (log scale)</text>`,
  )
  // One line per implementation, then its failures.
  const columns = Math.floor(PW / 2)
  for (const id of COMPETING) {
    const samples = timelines[id] ?? []
    const values = columnsMax(samples, totalMs, columns)
    let d = ''
    values.forEach((v, x) => {
      if (v === undefined) return
      d += `${d === '' ? 'M' : 'L'}${f(M.left + (x + 0.5) * (PW / columns))},${f(yOf(v))}`
    })
    parts.push(
      `<path d="${d}" fill="none" stroke="${COLORS[id]}" stroke-width="1.3" stroke-opacity="0.85" stroke-linejoin="round"/>`,
    )
    for (const s of samples) {
      if (s.ok) continue
      const x = xOf(s.t)
      const y = yOf(s.ms)
      parts.push(
        `<path d="M${f(x - 3)},${f(y - 3)}L${f(x + 3)},${f(y + 3)}M${f(x - 3)},${f(y + 3)}L${f(x + 3)},${f(y - 3)}" stroke="${COLORS[id]}" stroke-width="1.3"/>`,
      )
    }
  }
  // Legend, above the plot: one entry per implementation, spread over the plot's width.
  COMPETING.forEach((id, i) => {
    const lx = M.left + (i * PW) / COMPETING.length
    const samples = timelines[id] ?? []
    const failed = samples.filter((s) => !s.ok).length
    const p99 = percentile(
      samples.filter((s) => s.phase === 'refresh').map((s) => s.ms),
      99,
    )
    const text = `${id}: ${failed} failed, p99 ${label(Number(p99.toPrecision(2)))}`
    parts.push(
      `<line x1="${lx}" x2="${lx + 22}" y1="60" y2="60" stroke="${COLORS[id]}" stroke-width="3"/>`,
      `<text x="${lx + 28}" y="64" fill="#24292e">${xml(text)}</text>`,
    )
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}
