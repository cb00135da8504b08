import { runNode } from './support/harness.js'

// The fleet planner for AppConfig: the poll interval is the limit to plan for (npm test builds dist/ first, which
// the simulator runs). A cacheExpiry below the 15 s floor is planned at the floor, as the package clamps it.
test('the planner clamps a short cacheExpiry to the poll interval and counts one poll per profile per cycle', async () => {
  const result = await runNode([
    'fleet/run.js',
    '--plan',
    '--plan-store',
    'appconfig',
    '--plan-containers',
    '100',
    '--plan-params',
    '1',
    '--plan-expiry',
    '5',
    '--hours',
    '0.25',
    '--out',
    '.build/fleet-appconfig',
  ])
  expect(result.code).toBe(0)
  const row = result.out.split('\n').find((line) => line.startsWith('| 100 | 1 |'))
  const cells = row?.split('|').map((cell) => cell.trim()) ?? []
  // containers, profiles, the cacheExpiry asked for, the cycle it gets.
  expect(cells.slice(1, 5)).toEqual(['100', '1', '5 s', '15 s'])
  const [mean, peak, deploy] = cells.slice(5, 8).map(Number)
  // 100 containers polling one profile no sooner than every 15 s (less the jitter lead): at most about 7.4 a
  // second, far below the 20 a second an unclamped 5 s cycle would cost.
  expect(mean).toBeGreaterThan(3)
  expect(mean).toBeLessThan(100 / (15 * 0.9))
  expect(peak).toBeGreaterThanOrEqual(mean as number)
  // A deploy opens a session and polls once per profile in every new container.
  expect(deploy).toBeGreaterThan(peak as number)
  expect(result.out).toContain('poll interval')
})
