/**
 * A store's own `awsClientOptions` (`secretsManager`, `appConfig`, `dynamodb`) build on the top-level ones, field by
 * field: the README's `appConfig: { awsClientOptions: { region: 'eu-central-1' } }` keeps the top-level credentials
 * and endpoint. Own fields win; a field given as `undefined` unsets the top-level one for that store (the SDK's
 * default applies). Through the real SDK clients against the local store, and dynalite for DynamoDB.
 */
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager'
import { type LocalParameterStore, startLocalStore } from 'middy-secrets-local'
import { secrets } from '../src/index.js'
import { resolveOptions } from '../src/options.js'
import { useDynalite } from './support/dynalite.js'
import { canary, manualClock, runBefore } from './support/harness.js'
import { closedPort } from './support/scripted.js'

const d = useDynalite()
let store: LocalParameterStore
beforeAll(async () => {
  store = await startLocalStore({
    secrets: { 'overlay/db': canary('secret') },
    appconfig: { 'overlay/prod/flags': canary('flags') },
  })
  await d.db.createTable('overlay')
  await d.db.putValue('overlay', 'app', canary('item'))
})
afterAll(() => store.close())
beforeEach(() => store.resetCalls())

/** The top-level options of the README's example: credentials and an endpoint, and no region. */
const topLevel = () => ({
  credentials: store.clientConfig.credentials,
  endpoint: store.clientConfig.endpoint,
  maxAttempts: 1,
})

const serve = async (options: Record<string, unknown>) => {
  const mw = secrets({ clock: manualClock(), fallbackToEnv: false, ...options } as never)
  return { mw, context: (await runBefore(mw)).req.context }
}

describe('the reported input: a store option with only region keeps the top-level credentials and endpoint', () => {
  test('appConfig: { awsClientOptions: { region } }', async () => {
    const { context } = await serve({
      fetchData: { FLAGS: 'appconfig:overlay/prod/flags' },
      awsClientOptions: topLevel(),
      appConfig: { awsClientOptions: { region: store.clientConfig.region } },
    })
    expect(context.FLAGS).toBe(canary('flags'))
    expect(store.calls).toMatchObject({ StartConfigurationSession: 1, GetLatestConfiguration: 1 })
  })

  test('secretsManager: { awsClientOptions: { region } }', async () => {
    const { context } = await serve({
      fetchData: { DB: 'secretsmanager:overlay/db' },
      awsClientOptions: topLevel(),
      secretsManager: { awsClientOptions: { region: store.clientConfig.region } },
    })
    expect(context.DB).toBe(canary('secret'))
    expect(store.calls.GetSecretValue).toBe(1)
  })

  test('dynamodb: { awsClientOptions: { region } }', async () => {
    const { context } = await serve({
      fetchData: { APP: 'dynamodb:overlay/app' },
      awsClientOptions: {
        credentials: d.db.clientOptions.credentials,
        endpoint: d.db.clientOptions.endpoint,
        maxAttempts: 1,
      },
      dynamodb: { awsClientOptions: { region: d.db.clientOptions.region } },
    })
    expect(context.APP).toBe(canary('item'))
  })
})

describe('own fields win over the top-level ones', () => {
  test('an own endpoint, while the top-level one is dead: served, every store', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`
    const { context } = await serve({
      fetchData: {
        DB: 'secretsmanager:overlay/db',
        FLAGS: 'appconfig:overlay/prod/flags',
        APP: 'dynamodb:overlay/app',
      },
      awsClientOptions: { ...store.clientConfig, endpoint: dead, maxAttempts: 1 },
      secretsManager: { awsClientOptions: { endpoint: store.clientConfig.endpoint } },
      appConfig: { awsClientOptions: { endpoint: store.clientConfig.endpoint } },
      dynamodb: {
        awsClientOptions: { endpoint: d.db.clientOptions.endpoint, credentials: d.db.clientOptions.credentials },
      },
    })
    expect(context).toMatchObject({ DB: canary('secret'), FLAGS: canary('flags'), APP: canary('item') })
  })

  test('the client is made from the overlay: top-level fields, own fields over them', async () => {
    const configs: SecretsManagerClientConfig[] = []
    class Recording extends SecretsManagerClient {
      constructor(config: SecretsManagerClientConfig) {
        configs.push({ ...config })
        super(config)
      }
    }
    await serve({
      fetchData: { DB: 'secretsmanager:overlay/db' },
      awsClientOptions: { ...store.clientConfig, region: 'eu-west-3', maxAttempts: 1 },
      secretsManager: { AwsClient: Recording, awsClientOptions: { region: store.clientConfig.region, maxAttempts: 2 } },
    })
    expect(configs).toHaveLength(1)
    expect(configs[0]).toMatchObject({
      endpoint: store.clientConfig.endpoint,
      credentials: store.clientConfig.credentials,
      region: store.clientConfig.region,
      maxAttempts: 2,
    })
  })
})

describe('a field given as undefined unsets the top-level one for that store', () => {
  test('resolved: every store option builds on the top level, undefined kept as given', () => {
    const top = {
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'A', secretAccessKey: 'B' },
    }
    const opts = resolveOptions({
      fetchData: { T: '/t' },
      awsClientOptions: top,
      secretsManager: { awsClientOptions: { region: 'eu-central-1' } },
      appConfig: { awsClientOptions: { endpoint: undefined } },
      dynamodb: {},
      disablePrefetch: true,
    } as never)
    expect(opts.storeOptions.secretsmanager?.awsClientOptions).toEqual({ ...top, region: 'eu-central-1' })
    expect(opts.storeOptions.appconfig?.awsClientOptions).toEqual({ ...top, endpoint: undefined })
    expect(Object.hasOwn(opts.storeOptions.appconfig?.awsClientOptions ?? {}, 'endpoint')).toBe(true)
    expect(opts.storeOptions.dynamodb?.awsClientOptions).toBe(opts.awsClientOptions)
  })

  test('endpoint: undefined: the SDK finds its own (here AWS_ENDPOINT_URL_SECRETS_MANAGER), not the top-level one', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = store.clientConfig.endpoint
    try {
      const { context } = await serve({
        fetchData: { DB: 'secretsmanager:overlay/db' },
        awsClientOptions: { ...store.clientConfig, endpoint: dead, maxAttempts: 1 },
        secretsManager: { awsClientOptions: { endpoint: undefined } },
      })
      expect(context.DB).toBe(canary('secret'))
    } finally {
      delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER
    }
  })
})

test('a store option whose awsClientOptions throws when read is INVALID_OPTIONS naming it', () => {
  const hostile = new Proxy(
    {},
    {
      ownKeys: () => ['region'],
      getOwnPropertyDescriptor: () => ({ configurable: true, enumerable: true, value: 'x' }),
      get: () => {
        throw new Error('no')
      },
    },
  )
  expect(() =>
    secrets({
      fetchData: { DB: 'secretsmanager:overlay/db' },
      secretsManager: { awsClientOptions: hostile as never },
      disablePrefetch: true,
    }),
  ).toThrow('middy-secrets: secretsManager.awsClientOptions could not be read (a getter or Proxy threw)')
})
