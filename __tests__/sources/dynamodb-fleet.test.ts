import { runNode } from '../support/harness.js'

// The fleet planner for DynamoDB: read capacity units per second, from the simulated fleet's rounds (npm test builds
// dist/ first, which the simulator runs).
test('the planner converts a fleet of DynamoDB items into read capacity and says whether it fits', async () => {
  const result = await runNode([
    'fleet/run.js',
    '--plan',
    '--plan-store',
    'dynamodb',
    '--plan-containers',
    '100',
    '--plan-params',
    '20',
    '--plan-expiry',
    '300',
    '--hours',
    '0.25',
    '--rcu',
    '50',
    '--out',
    '.build/fleet-dynamodb',
  ])
  expect(result.code).toBe(0)
  const row = result.out.split('\n').find((line) => line.startsWith('| 100 | 20 |'))
  const cells = row?.split('|').map((cell) => cell.trim()) ?? []
  // containers, items, one BatchGetItem per refresh, cacheExpiry; then mean, peak and deploy peak RCU/s.
  expect(cells.slice(1, 5)).toEqual(['100', '20', '1', '300 s'])
  const [mean, peak, deploy] = cells.slice(5, 8).map(Number)
  // 100 containers × 20 items × 0.5 RCU every 300 s is 3.3 RCU/s, plus the first cycle's spread.
  expect(mean).toBeGreaterThan(3)
  expect(mean).toBeLessThan(5)
  expect(peak).toBeGreaterThanOrEqual(mean as number)
  // A deploy's cold starts read every item at once: the peak to provision (or burst) for.
  expect(deploy).toBeGreaterThan(peak as number)
  expect(cells[8]).toBe(peak! <= 50 ? 'yes' : mean! <= 50 ? 'mean only: peaks above' : 'no')
  expect(result.out).toContain('fits 50 RCU?')
})

test('an unknown --plan-store is refused', async () => {
  const result = await runNode([
    'fleet/run.js',
    '--plan',
    '--plan-store',
    'dynamo',
    '--hours',
    '0.01',
    '--plan-containers',
    '1',
    '--plan-params',
    '1',
    '--plan-expiry',
    '60',
    '--out',
    '.build/fleet-dynamodb',
  ])
  expect(result.code).toBe(2)
  expect(result.err).toContain('--plan-store must be ssm, dynamodb or appconfig')
})
