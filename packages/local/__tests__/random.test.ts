import { createRandom, randomInt } from '../src/random.js'

test('the same seed replays the same sequence; another seed does not', () => {
  const a = createRandom(7)
  const b = createRandom(7)
  const c = createRandom(8)
  const seqA = Array.from({ length: 20 }, () => a())
  expect(Array.from({ length: 20 }, () => b())).toEqual(seqA)
  expect(Array.from({ length: 20 }, () => c())).not.toEqual(seqA)
})

test('values lie in [0, 1) and randomInt covers 0..max inclusive', () => {
  const random = createRandom(1)
  const seen = new Set<number>()
  for (let i = 0; i < 2000; i++) {
    const x = random()
    expect(x).toBeGreaterThanOrEqual(0)
    expect(x).toBeLessThan(1)
    seen.add(randomInt(random, 4))
  }
  expect([...seen].sort()).toEqual([0, 1, 2, 3, 4])
})
