/**
 * A reference is shown as the user wrote it in fetchData, whatever its store: `secretsmanager:prod/nope`, not
 * `prod/nope` (which reads like a Parameter Store name). The error's message and `parameters`, the `unavailable`
 * and `degraded` log events, `stats()` and the KEY_COLLISION and env_conflict messages all show the entry with its
 * prefix; a Parameter Store name, path or ARN as it is. What is sent to each store is unchanged (its name alone).
 * Every store runs for real: the local store (Parameter Store, Secrets Manager, AppConfig Data), dynalite
 * (DynamoDB) and a store of the user's own.
 */
import type { LogEvent } from '../src/index.js'
import { SecretsError, type Source, secrets } from '../src/index.js'
import { useDynalite } from './support/dynalite.js'
import {
  canary,
  everythingShown,
  expectNoCanary,
  manualClock,
  recordingLogger,
  runBefore,
  useStore,
} from './support/harness.js'

const s = useStore()
const d = useDynalite()

beforeAll(async () => {
  await d.db.createTable('config')
  await d.db.createTable('parts', { range: 'sk' })
})

/** A store of the user's own: names it holds answer a value, every other one not_found. */
const vaultOf = (values: Record<string, string | Record<string, string>> = {}) => {
  const asked: string[] = []
  const vault: Source = {
    calls: 0,
    async fetch(refs, _signal, out) {
      for (const ref of refs) {
        asked.push(ref.name)
        const raw = values[ref.name]
        out.set(ref.id, raw === undefined ? { ok: false, failure: { reason: 'not_found' } } : { ok: true, raw })
      }
    },
  }
  return { vault, asked }
}

const make = (fetchData: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const logger = recordingLogger()
  const mw = secrets({
    fetchData: fetchData as Record<string, string>,
    awsClientOptions: s.clientOptions,
    dynamodb: { awsClientOptions: d.db.clientOptions },
    stores: { vault: vaultOf().vault },
    fallbackToEnv: false,
    clock: manualClock(),
    jitter: 0,
    logger,
    ...extra,
  })
  return { mw, logger }
}

const failure = async (mw: ReturnType<typeof secrets>): Promise<SecretsError> => {
  try {
    await runBefore(mw)
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError)
    return error as SecretsError
  }
  throw new Error('expected a SecretsError')
}

const eventsOf = (logger: ReturnType<typeof recordingLogger>, name: string): LogEvent[] =>
  logger.lines.filter((line) => line.event.event === name).map((line) => line.event)

// One missing reference of every store, as the user writes it.
const ENTRIES = {
  SSM_NAME: '/shown/nope',
  SSM_VERSION: '/shown/nope:3',
  SSM_ARN: 'arn:aws:ssm:us-east-1:123456789012:parameter/shown/arn-nope',
  SSM_PATH: '/shown/empty/',
  SECRET: 'secretsmanager:prod/nope',
  SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/arn-nope-AbCdEf',
  PROFILE: 'appconfig:shop/prod/nope',
  ITEM: 'dynamodb:config/nope',
  PARTITION: 'dynamodb:parts/nope/',
  VAULT: 'vault:bots/nope',
  VAULT_DIR: 'vault:bots/none/',
} as const
const KEYS = Object.keys(ENTRIES)
const SHOWN = Object.values(ENTRIES)

describe('a missing reference is shown as written, for every store', () => {
  test('the reported input: secretsmanager:prod/nope is named with its prefix in the message, the event and stats()', async () => {
    const { mw, logger } = make({ K: 'secretsmanager:prod/nope' })
    const error = await failure(mw)
    const requestId = error.failures.K?.requestId
    expect(requestId).toEqual(expect.any(String))
    expect(error.message).toBe(
      `middy-secrets: no value for K (secretsmanager:prod/nope: not_found) [ResourceNotFoundException, HTTP 400, request id ${requestId}]. not_found: create the secret or fix its name or versionStage in Secrets Manager, or mark the key required: false.`,
    )
    expect(error.parameters).toEqual(['secretsmanager:prod/nope'])
    expect(eventsOf(logger, 'unavailable')).toEqual([
      expect.objectContaining({ keys: ['K'], parameters: ['secretsmanager:prod/nope'] }),
    ])
    expect(mw.stats().keys.K?.parameter).toBe('secretsmanager:prod/nope')
    // Asked of Secrets Manager by its name alone.
    expect(s.store.requests.at(-1)?.input).toEqual({ SecretId: 'prod/nope' })
  })

  test('the error message, parameters, failures, the unavailable event and stats() of every store', async () => {
    const { mw, logger } = make(ENTRIES)
    const error = await failure(mw)
    expect(error.keys).toEqual(KEYS)
    expect(error.parameters).toEqual(SHOWN)
    for (const [key, entry] of Object.entries(ENTRIES)) {
      expect(error.reasons[key]).toBe('not_found')
      expect(error.message).toContain(`${key} (${entry}: not_found)`)
      expect(mw.stats().keys[key]?.parameter).toBe(entry)
    }
    expect(Object.keys(error.failures)).toEqual(KEYS)
    const [event] = eventsOf(logger, 'unavailable')
    expect(event).toMatchObject({ keys: KEYS, parameters: SHOWN })
    // The bare names appear nowhere as a reference of their own.
    for (const bare of ['prod/nope', 'shop/prod/nope', 'config/nope', 'parts/nope/', 'bots/nope', 'bots/none/']) {
      expect(error.message).not.toContain(`(${bare}:`)
      expect(error.parameters).not.toContain(bare)
    }
  })

  test('the degraded event of every store names the entry as written: the deploy-time variable serves it', async () => {
    for (const key of KEYS)
      process.env[key] = key === 'SSM_PATH' || key.endsWith('PARTITION') || key === 'VAULT_DIR' ? '{}' : canary(key)
    try {
      const { mw, logger } = make(ENTRIES, { fallbackToEnv: true })
      await runBefore(mw)
      const degraded = eventsOf(logger, 'degraded')
      expect(degraded.map((event) => [event.key, event.parameter, event.rung, event.reason])).toEqual(
        Object.entries(ENTRIES).map(([key, entry]) => [key, entry, 'env', 'not_found']),
      )
      expectNoCanary(JSON.stringify(logger.lines) + JSON.stringify(mw.stats()))
    } finally {
      for (const key of KEYS) delete process.env[key]
    }
  })

  test('the recovered event names the entry as written too', async () => {
    const values: Record<string, string> = {}
    const { vault } = vaultOf(values)
    process.env.LATE = canary('deploy-time')
    try {
      const { mw, logger } = make({ LATE: 'vault:bots/late' }, { stores: { vault }, fallbackToEnv: true })
      await runBefore(mw)
      values['bots/late'] = canary('late')
      mw.invalidate()
      expect((await runBefore(mw)).req.context.LATE).toBe(canary('late'))
      const rungs = logger.lines.filter((line) => line.event.event !== 'fetched')
      expect(rungs.map((line) => [line.event.event, line.event.parameter, line.event.rung])).toEqual([
        ['degraded', 'vault:bots/late', 'env'],
        ['recovered', 'vault:bots/late', 'fresh'],
      ])
    } finally {
      delete process.env.LATE
    }
  })

  test('an optional key with no value logs the entry as written', async () => {
    const { mw, logger } = make({
      A: { name: 'appconfig:shop/prod/optional', required: false },
      D: { name: 'dynamodb:config/optional', required: false },
      V: { name: 'vault:optional', required: false },
    })
    await runBefore(mw)
    expect(eventsOf(logger, 'degraded').map((event) => [event.key, event.parameter, event.rung])).toEqual([
      ['A', 'appconfig:shop/prod/optional', 'missing'],
      ['D', 'dynamodb:config/optional', 'missing'],
      ['V', 'vault:optional', 'missing'],
    ])
  })
})

describe('what is sent to the stores is unchanged', () => {
  test("a user's store and DynamoDB are asked for the name without the prefix", async () => {
    await d.db.putValue('config', 'sent', canary('dynamo'))
    const { vault, asked } = vaultOf({ 'bots/token': canary('vault') })
    const { mw } = make({ D: 'dynamodb:config/sent', V: 'vault:bots/token' }, { stores: { vault } })
    const { req } = await runBefore(mw)
    expect(req.context).toMatchObject({ D: canary('dynamo'), V: canary('vault') })
    expect(asked).toEqual(['bots/token'])
  })
})

describe('KEY_COLLISION and env_conflict show the entries as written', () => {
  test('a partition and a key of a user store that write one variable: both named with their prefix', async () => {
    await d.db.putValue('parts', 'db', canary('host'), 'host')
    const { vault } = vaultOf({ host: canary('vault-host') })
    const { mw } = make({ DB: 'dynamodb:parts/db/', DB_HOST: 'vault:host' }, { stores: { vault }, setToEnv: true })
    try {
      const error = await failure(mw)
      expect(error.code).toBe('KEY_COLLISION')
      expect(error.failures.DB).toEqual({
        reason: 'key_collision',
        detail: 'dynamodb:parts/db/host and the key DB_HOST (vault:host) both map to DB_HOST',
      })
      expect(error.message).toContain(
        'DB (dynamodb:parts/db/: key_collision) [dynamodb:parts/db/host and the key DB_HOST (vault:host) both map to DB_HOST]',
      )
      expectNoCanary(everythingShown(error))
    } finally {
      delete process.env.DB_HOST
    }
  })

  test('two instances writing one variable: env_conflict names both entries with their prefix', () => {
    const logger = recordingLogger()
    const { vault } = vaultOf()
    const options = { setToEnv: true, disablePrefetch: true, logger, stores: { vault } }
    const first = secrets({ fetchData: { SHOWN_CONFLICT: 'secretsmanager:fn-a/token' }, ...options })
    const second = secrets({ fetchData: { SHOWN_CONFLICT: 'vault:fn-b/token' }, ...options })
    expect(eventsOf(logger, 'env_conflict')).toEqual([
      {
        event: 'env_conflict',
        variable: 'SHOWN_CONFLICT',
        parameter: 'vault:fn-b/token',
        otherParameter: 'secretsmanager:fn-a/token',
      },
      {
        event: 'env_conflict',
        variable: 'SHOWN_CONFLICT',
        parameter: 'secretsmanager:fn-a/token',
        otherParameter: 'vault:fn-b/token',
      },
    ])
    expect([first, second]).toHaveLength(2)
  })
})
