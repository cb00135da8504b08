/**
 * DynamoDB entries through the middleware, the real DynamoDBClient and dynalite (a DynamoDB nobody here wrote), beside
 * Parameter Store entries served by the local store: one cold round for the whole map, refresh, the ladder when an
 * item is deleted or a table is missing, the last good value through faults (a proxy in front of dynalite makes
 * them), validation at construction, and no value ever shown.
 */
import { inspect } from 'node:util'
import { createSecrets, type SecretsContext, SecretsError, secrets } from '../../src/index.js'
import { useDynalite } from '../support/dynalite.js'
import { startFaultProxy } from '../support/dynamo-faults.js'
import {
  CANARY,
  canary,
  eventually,
  everythingShown,
  expectNoCanary,
  manualClock,
  recordingLogger,
  rounds,
  runBefore,
  useStore,
} from '../support/harness.js'

const s = useStore()
const d = useDynalite()

beforeAll(async () => {
  await d.db.createTable('config')
  await d.db.createTable('flags')
  await d.db.createTable('parts', { range: 'sk' })
  await d.db.createTable('custom', { hash: 'pk', range: 'name' })
})

const make = (fetchData: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const clock = manualClock()
  const logger = recordingLogger()
  const mw = secrets({
    fetchData: fetchData as Record<string, string>,
    awsClientOptions: s.clientOptions,
    dynamodb: { awsClientOptions: d.db.clientOptions },
    cacheExpiry: 60_000,
    jitter: 0,
    clock,
    logger,
    ...extra,
  })
  return { clock, logger, mw }
}

const invoke = async (mw: ReturnType<typeof secrets>) => {
  try {
    const { req } = await runBefore(mw)
    return { context: req.context as Record<string, unknown>, error: undefined }
  } catch (error) {
    return { context: {} as Record<string, unknown>, error: error as SecretsError }
  }
}

describe('DynamoDB in the same map', () => {
  test('an SSM name, items of two tables and two partitions: one cold round, one call per kind, typed values', async () => {
    s.store.put('/dyn/token', canary('token'))
    await d.db.putValue('config', 'app', canary('app'))
    await d.db.putValue('flags', 'beta', 'true')
    await d.db.putValue('parts', 'db', 'db.internal', 'host')
    await d.db.putValue('parts', 'db', '5432', 'port')
    await d.db.put('custom', { pk: 'app', name: 'a', val: canary('custom') })
    const options = {
      fetchData: {
        TOKEN: '/dyn/token',
        APP: 'dynamodb:config/app',
        BETA: { name: 'dynamodb:flags/beta', transform: 'boolean' },
        DB: 'dynamodb:parts/db/',
        CUSTOM: { name: 'dynamodb:custom/app/', keyAttr: 'pk', sortAttr: 'name', valueAttr: 'val' },
      },
    } as const
    const { mw, logger } = make(options.fetchData)
    const { context, error } = await invoke(mw)
    expect(error).toBeUndefined()
    const typed = context as unknown as SecretsContext<typeof options>
    const beta: boolean = typed.BETA
    const db: Record<string, string> = typed.DB
    const app: string = typed.APP
    expect({ token: typed.TOKEN, app, beta, db: { ...db }, custom: { ...typed.CUSTOM } }).toEqual({
      token: canary('token'),
      app: canary('app'),
      beta: true,
      db: { host: 'db.internal', port: '5432' },
      custom: { a: canary('custom') },
    })
    // One round: GetParameters, one BatchGetItem for both tables, one Query per partition.
    expect(rounds(logger)).toBe(1)
    expect(mw.stats().storeCalls).toBe(4)
    expect(s.store.calls.total).toBe(1)
    expectNoCanary(JSON.stringify(logger.lines) + inspect(context, { showHidden: true, depth: 5 }))
    expectNoCanary(JSON.stringify(context) + JSON.stringify(mw.stats()))
  })

  test('an item that changes and a partition that grows are served anew after expiry', async () => {
    await d.db.putValue('config', 'rotating', 'v1')
    await d.db.putValue('parts', 'growing', 'a', 'first')
    const { mw, clock } = make({ VALUE: 'dynamodb:config/rotating', PART: 'dynamodb:parts/growing/' })
    expect((await invoke(mw)).context.VALUE).toBe('v1')
    await d.db.putValue('config', 'rotating', 'v2')
    await d.db.putValue('parts', 'growing', 'b', 'second')
    clock.advance(30_000)
    expect((await invoke(mw)).context.VALUE).toBe('v1')
    clock.advance(30_000)
    const { context } = await invoke(mw)
    expect(context.VALUE).toBe('v2')
    expect({ ...(context.PART as object) }).toEqual({ first: 'a', second: 'b' })
    expect(mw.stats().keys.VALUE?.rung).toBe('fresh')
  })

  test('a deleted item ends stale service: the deploy-time variable, else an error naming it; back when put again', async () => {
    await d.db.putValue('config', 'doomed', canary('doomed'))
    process.env.DYN_COVERED = 'from-env'
    delete process.env.DYN_BARE
    try {
      const covered = make({ DYN_COVERED: 'dynamodb:config/doomed' })
      const bare = make({ DYN_BARE: 'dynamodb:config/doomed' })
      expect((await invoke(covered.mw)).context.DYN_COVERED).toBe(canary('doomed'))
      expect((await invoke(bare.mw)).context.DYN_BARE).toBe(canary('doomed'))
      await d.db.remove('config', { id: 'doomed' })
      covered.clock.advance(60_000)
      bare.clock.advance(60_000)
      const c = await invoke(covered.mw)
      expect(c.context.DYN_COVERED).toBe('from-env')
      expect(covered.mw.stats().keys.DYN_COVERED).toMatchObject({ rung: 'env', reason: 'not_found' })
      const b = await invoke(bare.mw)
      expect(b.error).toBeInstanceOf(SecretsError)
      expect(b.error).toMatchObject({
        code: 'UNAVAILABLE',
        keys: ['DYN_BARE'],
        parameters: ['dynamodb:config/doomed'],
        reasons: { DYN_BARE: 'not_found' },
      })
      expectNoCanary(
        everythingShown(b.error) + JSON.stringify(bare.logger.lines) + JSON.stringify(covered.logger.lines),
      )
      // Put back: the next check (on the normal schedule) serves it fresh again.
      await d.db.putValue('config', 'doomed', 'reborn')
      covered.clock.advance(60_000)
      const before = rounds(covered.logger)
      await invoke(covered.mw)
      // The key had its fallback: the check runs in the background and the next invocation gets its answer.
      await eventually(() => rounds(covered.logger) > before)
      expect((await invoke(covered.mw)).context.DYN_COVERED).toBe('reborn')
      expect(covered.mw.stats().keys.DYN_COVERED?.rung).toBe('fresh')
    } finally {
      delete process.env.DYN_COVERED
    }
  })

  test('a table that does not exist: not_found for its keys, the others served', async () => {
    await d.db.putValue('config', 'present', 'here')
    const { mw } = make({
      PRESENT: 'dynamodb:config/present',
      GONE: 'dynamodb:no-such-table/x',
      GONE_PART: { name: 'dynamodb:no-such-table/x/', required: false },
    })
    const { error } = await invoke(mw)
    expect(error).toMatchObject({
      code: 'UNAVAILABLE',
      keys: ['GONE'],
      reasons: { GONE: 'not_found' },
      failures: { GONE: expect.objectContaining({ errorName: 'ResourceNotFoundException', httpStatus: 400 }) },
    })
    expect(error?.message).toContain('GONE (dynamodb:no-such-table/x: not_found)')
    expect(mw.stats().keys.PRESENT?.rung).toBe('fresh')
    expect(mw.stats().keys.GONE_PART?.reason).toBe('not_found')
  })

  test('with setToEnv a partition writes KEY_<sort key> variables', async () => {
    await d.db.putValue('parts', 'envy', 'h', 'host')
    await d.db.putValue('parts', 'envy', 'p', 'nested/port')
    const { mw } = make({ DYNENV: 'dynamodb:parts/envy/' }, { setToEnv: true })
    try {
      await invoke(mw)
      expect([process.env.DYNENV_HOST, process.env.DYNENV_NESTED_PORT]).toEqual(['h', 'p'])
    } finally {
      delete process.env.DYNENV_HOST
      delete process.env.DYNENV_NESTED_PORT
    }
  })
})

test('without Middy: createSecrets reads items and partitions, typed, and shares its cache with the middleware', async () => {
  await d.db.putValue('config', 'plain', 'plain-value')
  await d.db.putValue('parts', 'plain', '3', 'retries')
  const config = createSecrets({
    fetchData: {
      PLAIN: 'dynamodb:config/plain',
      PART: 'dynamodb:parts/plain/',
      RETRIES: { name: 'dynamodb:parts/plain/', transform: 'number' },
    },
    dynamodb: { awsClientOptions: d.db.clientOptions },
    clock: manualClock(),
  } as const)
  const values = await config.get()
  const plain: string = values.PLAIN
  const part: Record<string, string> = values.PART
  const retries: Record<string, number> = values.RETRIES
  expect([plain, { ...part }, { ...retries }]).toEqual(['plain-value', { retries: '3' }, { retries: 3 }])
  // One Query for the partition read by two keys, one BatchGetItem.
  expect(config.stats().storeCalls).toBe(2)
  const { req } = await runBefore(secrets(config))
  expect(req.context.PLAIN).toBe('plain-value')
  expect(config.stats().storeCalls).toBe(2)
})

describe('faults keep the last good value', () => {
  test.each([
    ['throttle', 'throttled'],
    ['provisioned', 'throttled'],
    ['server-error', 'store_error'],
    ['access-denied', 'access_denied'],
    ['malformed', 'invalid_response'],
  ] as const)('%s: %s', async (kind, reason) => {
    const proxy = await startFaultProxy(String(d.db.clientOptions.endpoint))
    try {
      await d.db.putValue('config', `faulty-${kind}`, canary(kind))
      await d.db.putValue('parts', `faulty-${kind}`, canary(kind), 'x')
      const { mw, clock, logger } = make(
        { ITEM: `dynamodb:config/faulty-${kind}`, PART: `dynamodb:parts/faulty-${kind}/` },
        { dynamodb: { awsClientOptions: { ...d.db.clientOptions, endpoint: proxy.endpoint } }, fallbackToEnv: false },
      )
      expect((await invoke(mw)).context.ITEM).toBe(canary(kind))
      proxy.fault(kind, [`faulty-${kind}`])
      clock.advance(60_000)
      const { context, error } = await invoke(mw)
      const answer = reason === 'access_denied'
      if (answer) {
        // A denial is an answer: it ends stale service.
        expect(error?.reasons).toEqual({ ITEM: reason, PART: reason })
      } else {
        expect(error).toBeUndefined()
        expect([context.ITEM, { ...(context.PART as object) }]).toEqual([canary(kind), { x: canary(kind) }])
        expect(mw.stats().keys.ITEM).toMatchObject({ rung: 'stale', reason })
        expect(mw.stats().keys.PART).toMatchObject({ rung: 'stale', reason })
      }
      expectNoCanary(everythingShown(error) + JSON.stringify(logger.lines) + JSON.stringify(mw.stats()))
      proxy.clearFaults()
      clock.advance(answer ? 60_000 : 2_000)
      const before = rounds(logger)
      await invoke(mw)
      // A key with a usable value never waits: the check runs in the background, the next invocation gets it.
      await eventually(() => rounds(logger) > before)
      const healed = await invoke(mw)
      expect(healed.context.ITEM).toBe(canary(kind))
      expect(mw.stats().keys.ITEM?.rung).toBe('fresh')
    } finally {
      await proxy.close()
    }
  })
})

describe('entries refused at construction, naming the key', () => {
  test.each([
    ['dynamodb:ab/x', 'has a table name DynamoDB refuses'],
    ['dynamodb:bad table/x', 'has a table name DynamoDB refuses'],
    [`dynamodb:${'t'.repeat(256)}/x`, 'has a table name DynamoDB refuses'],
    ['dynamodb:config', 'names no item'],
    ['dynamodb:config/', 'has an empty id'],
    ['dynamodb:config//', 'has an empty id'],
    [`dynamodb:config/${'é'.repeat(1025)}`, 'longer than a partition key may be (2048 bytes)'],
  ])('%s', (name, problem) => {
    let thrown: unknown
    try {
      secrets({ fetchData: { MY_KEY: name } })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(SecretsError)
    expect((thrown as SecretsError).code).toBe('INVALID_OPTIONS')
    expect((thrown as SecretsError).message).toContain('fetchData.MY_KEY')
    expect((thrown as SecretsError).message).toContain(problem)
  })

  test.each([
    [{ name: 'dynamodb:config/app', sortAttr: 'sk' }, 'fetchData.MY_KEY.sortAttr applies to partitions'],
    [{ name: 'dynamodb:config/app', keyAttr: '' }, 'fetchData.MY_KEY.keyAttr must be an attribute name'],
    [
      { name: 'dynamodb:config/app/', sortAttr: 's'.repeat(256) },
      'fetchData.MY_KEY.sortAttr must be an attribute name',
    ],
    [{ name: 'dynamodb:config/app', valueAttr: 3 }, 'fetchData.MY_KEY.valueAttr must be an attribute name'],
    [{ name: '/ssm/name', keyAttr: 'pk' }, 'fetchData.MY_KEY.keyAttr applies to DynamoDB entries'],
    [{ name: 'secretsmanager:s', valueAttr: 'v' }, 'fetchData.MY_KEY.valueAttr applies to DynamoDB entries'],
  ])('%j', (spec, message) => {
    expect(() => secrets({ fetchData: { MY_KEY: spec as never } })).toThrow(message)
  })

  test('the dynamodb option: consistentRead a boolean, no unknown fields', () => {
    const fetchData = { A: 'dynamodb:config/app' }
    expect(() => secrets({ fetchData, dynamodb: { consistentRead: 'yes' as never } })).toThrow(
      'dynamodb.consistentRead must be',
    )
    expect(() => secrets({ fetchData, dynamodb: { consistent: true } as never })).toThrow(
      "dynamodb has an unknown field 'consistent'",
    )
    expect(() => secrets({ fetchData, dynamodb: { consistentRead: true }, disablePrefetch: true })).not.toThrow()
  })
})

test('strongly consistent reads when asked', async () => {
  await d.db.putValue('config', 'strong', 'v')
  await d.db.putValue('parts', 'strong', 'v', 'x')
  const proxy = await startFaultProxy(String(d.db.clientOptions.endpoint))
  try {
    const { mw } = make(
      { ITEM: 'dynamodb:config/strong', PART: 'dynamodb:parts/strong/' },
      { dynamodb: { awsClientOptions: { ...d.db.clientOptions, endpoint: proxy.endpoint }, consistentRead: true } },
    )
    await invoke(mw)
    const bodies = proxy.requests.map((r) => JSON.parse(r.body))
    expect(bodies.find((b) => b.RequestItems)?.RequestItems.config.ConsistentRead).toBe(true)
    expect(bodies.find((b) => b.KeyConditionExpression)?.ConsistentRead).toBe(true)
    expect(CANARY).toBe('CANARY-7f3a')
  } finally {
    await proxy.close()
  }
})
