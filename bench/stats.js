/** Small statistics over plain arrays of numbers. Every function copies before sorting. */

export const sorted = (values) => Float64Array.from(values).sort()

/** Nearest-rank percentile, p in 0..100: p99 of 1,000 samples is the 990th smallest. NaN when empty. */
export const percentile = (values, p) => {
  if (values.length === 0) return Number.NaN
  const s = sorted(values)
  const rank = Math.ceil((p / 100) * s.length)
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))]
}

export const median = (values) => {
  if (values.length === 0) return Number.NaN
  const s = sorted(values)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

// Reduce, not Math.min(...values): a spread of many thousands of samples can overflow the stack.
export const min = (values) => (values.length === 0 ? Number.NaN : values.reduce((a, b) => Math.min(a, b)))
export const max = (values) => (values.length === 0 ? Number.NaN : values.reduce((a, b) => Math.max(a, b)))

/** A duration in ms, printed with a unit that keeps 2–3 significant digits (ns, µs, ms, s). */
export const duration = (ms) => {
  if (!Number.isFinite(ms)) return '—'
  const abs = Math.abs(ms)
  if (abs >= 1000) return `${(ms / 1000).toFixed(2)} s`
  if (abs >= 10) return `${ms.toFixed(1)} ms`
  if (abs >= 1) return `${ms.toFixed(2)} ms`
  if (abs >= 0.01) return `${(ms * 1000).toFixed(abs >= 0.1 ? 0 : 1)} µs`
  if (abs >= 0.001) return `${(ms * 1000).toFixed(2)} µs`
  return `${Math.round(ms * 1e6)} ns`
}

/** A ratio such as "37×"; "—" when either side is missing or the base is not above zero. */
export const ratio = (value, base) => {
  if (!Number.isFinite(value) || !Number.isFinite(base) || base <= 0) return '—'
  const r = value / base
  return r >= 100 ? `${Math.round(r)}×` : r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(2)}×`
}

export const bytes = (n) => (n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`)

/** Milliseconds since `start` (a process.hrtime.bigint() reading). */
export const since = (start) => Number(process.hrtime.bigint() - start) / 1e6
