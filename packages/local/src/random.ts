/**
 * A seeded pseudo-random generator (mulberry32): the same seed always yields the same sequence, so a
 * best-effort paging run that found a bug can be replayed exactly. Not for anything security-related.
 */
export const createRandom = (seed: number): (() => number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An integer in `0..max` inclusive drawn from `random`. */
export const randomInt = (random: () => number, max: number): number => Math.floor(random() * (max + 1))
