/**
 * Every store in one map (issue 14's "done when"): a Parameter Store name and path, a Secrets Manager secret and an
 * AppConfig profile from the local store, a DynamoDB item from dynalite, all through the real SDK clients. One cold
 * start is one parallel round; after expiry one refresh round brings every store's new value.
 */
import { inspect } from 'node:util'
import { type SecretsContext, secrets } from '../src/index.js'
import { useDynalite } from './support/dynalite.js'
import { canary, expectNoCanary, manualClock, recordingLogger, rounds, runBefore, useStore } from './support/harness.js'

const s = useStore()
const d = useDynalite()

beforeAll(async () => {
  await d.db.createTable('mixed')
})

const options = {
  fetchData: {
    TOKEN: '/mixed/token',
    DB: '/mixed/db/',
    SECRET: 'secretsmanager:mixed/secret',
    FLAGS: {
      name: 'appconfig:mixed/prod/flags',
      transform: (raw: string) => JSON.parse(raw) as { beta: { enabled: boolean } },
    },
    GREETING: 'dynamodb:mixed/greeting',
  },
} as const

const operations = () => s.store.requests.map((r) => r.operation).sort()

test('a name, a path, a secret, an AppConfig profile and a DynamoDB item: one cold round, then one refresh round', async () => {
  s.store.put('/mixed/token', canary('token-1'))
  s.store.put('/mixed/db/host', 'db.internal')
  s.store.putSecret('mixed/secret', canary('secret-1'))
  s.store.deployConfiguration('mixed/prod/flags', '{"beta":{"enabled":false}}', { contentType: 'application/json' })
  await d.db.putValue('mixed', 'greeting', canary('greeting-1'))

  const clock = manualClock()
  const logger = recordingLogger()
  const mw = secrets({
    ...options,
    awsClientOptions: { ...s.clientOptions, maxAttempts: 1 },
    dynamodb: { awsClientOptions: d.db.clientOptions },
    cacheExpiry: 60_000,
    jitter: 0,
    clock,
    logger,
  })

  const { req } = await runBefore(mw)
  const context = req.context as unknown as SecretsContext<typeof options>
  expect({
    token: context.TOKEN,
    db: { ...context.DB },
    secret: context.SECRET,
    flags: context.FLAGS,
    greeting: context.GREETING,
  }).toEqual({
    token: canary('token-1'),
    db: { host: 'db.internal' },
    secret: canary('secret-1'),
    flags: { beta: { enabled: false } },
    greeting: canary('greeting-1'),
  })
  // One round for the whole map; each store's calls went out together within it.
  expect(rounds(logger)).toBe(1)
  expect(operations()).toEqual([
    'GetLatestConfiguration',
    'GetParameters',
    'GetParametersByPath',
    'GetSecretValue',
    'StartConfigurationSession',
  ])
  // The local store's four calls and dynalite's one BatchGetItem.
  expect(mw.stats().storeCalls).toBe(6)

  // Every store rotates; after expiry one refresh round brings all the new values.
  s.store.put('/mixed/token', canary('token-2'))
  s.store.putSecret('mixed/secret', canary('secret-2'))
  s.store.deployConfiguration('mixed/prod/flags', '{"beta":{"enabled":true}}', { contentType: 'application/json' })
  await d.db.putValue('mixed', 'greeting', canary('greeting-2'))
  clock.advance(60_000)
  const second = (await runBefore(mw)).req.context as unknown as SecretsContext<typeof options>
  expect([second.TOKEN, second.SECRET, second.FLAGS.beta.enabled, second.GREETING]).toEqual([
    canary('token-2'),
    canary('secret-2'),
    true,
    canary('greeting-2'),
  ])
  expect(rounds(logger)).toBe(2)
  expectNoCanary(JSON.stringify(logger.lines) + inspect(second, { showHidden: true, depth: 5 }))
  expectNoCanary(JSON.stringify(mw.stats()))
})
