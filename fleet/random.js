/**
 * A small seeded PRNG (mulberry32): the same seed gives the same fleet, run after run.
 * @param {number} seed
 * @returns {() => number} a function returning numbers in [0, 1), like Math.random
 */
export const prng = (seed) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** An exponential random variable of the given mean (a Poisson process's gaps, a container's lifetime). */
export const exponential = (random, mean) => -Math.log(1 - random()) * mean
