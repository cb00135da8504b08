// One seeded PRNG (mulberry32) for the simulations: the same seed gives the same fleet, run after run.
export { exponential, mulberry32 as prng } from '../soak/random.js'
