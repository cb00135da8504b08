/** Seeded randomness: the whole simulated day follows from `--seed`, so a failure replays exactly. */

/** mulberry32: a small, fast 32-bit PRNG; numbers in [0, 1). */
export const mulberry32 = (seed) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** An independent stream for each purpose, so adding draws to one does not shift the others. */
export const streams = (seed) => (name) => {
  let h = seed >>> 0
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0
  return mulberry32(h)
}

export const between = (rng, lo, hi) => lo + rng() * (hi - lo)
export const logUniform = (rng, lo, hi) => Math.exp(between(rng, Math.log(lo), Math.log(hi)))
export const exponential = (rng, mean) => -Math.log(1 - rng()) * mean
export const pick = (rng, items) => items[Math.floor(rng() * items.length)]
