import { AppConfigDataClient, type AppConfigDataClientConfig } from '@aws-sdk/client-appconfigdata'
import { jest } from '@jest/globals'
import { type LocalParameterStore, startLocalStore } from 'middy-secrets-local'
import { SecretsError, secrets } from '../src/index.js'
import type { Clock } from '../src/types.js'
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
} from './support/harness.js'
import { closedPort } from './support/scripted.js'

// The store and every middleware share one manual clock: AppConfig's poll intervals and token lifetimes count
// on it, so a test moves time and the store agrees.
const clock = manualClock()
let store: LocalParameterStore

beforeAll(async () => {
  store = await startLocalStore({ now: () => clock.now() })
})
afterAll(() => store.close())
beforeEach(() => {
  store.clearFaults()
  store.resetCalls()
})

const setup = (fetchData: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const logger = recordingLogger()
  const mw = secrets({
    fetchData: fetchData as Record<string, string>,
    awsClientOptions: { ...store.clientConfig, maxAttempts: 1 },
    cacheExpiry: 1_000,
    jitter: 0,
    logger,
    clock: clock as Clock,
    ...extra,
  })
  return { mw, logger }
}

/** Waits for the background round an invocation started to land. */
const landed = async (logger: ReturnType<typeof recordingLogger>, before: number) =>
  eventually(() => rounds(logger) > before)

const tokensSent = () =>
  store.requests
    .filter((r) => r.operation === 'GetLatestConfiguration')
    .map((r) => (r.input as { ConfigurationToken: string }).ConfigurationToken)

let n = 0
/** A fresh profile per test, so sessions and versions never leak between tests. */
const profile = (content: string, contentType = 'application/json') => {
  const key = `app${++n}/prod/flags`
  store.deployConfiguration(key, content, { contentType })
  return key
}

describe('AppConfig through the real AppConfigDataClient', () => {
  test('cold start: one session and one poll per profile, feature flags parsed with transform json', async () => {
    const flags = profile(JSON.stringify({ checkout: { enabled: true }, secret: canary('flag') }))
    const banner = profile('Welcome', 'text/plain')
    const { mw } = setup({
      FLAGS: { name: `appconfig:${flags}`, transform: 'json' },
      BANNER: `appconfig:${banner}`,
    })
    const { req } = await runBefore(mw)
    expect(req.context.FLAGS).toEqual({ checkout: { enabled: true }, secret: canary('flag') })
    expect(req.context.BANNER).toBe('Welcome')
    expect(store.calls).toMatchObject({ StartConfigurationSession: 2, GetLatestConfiguration: 2, total: 4 })
    expect(mw.stats().storeCalls).toBe(4)
    const [application, environment, name] = flags.split('/')
    expect(store.requests.find((r) => r.operation === 'StartConfigurationSession')?.input).toEqual({
      ApplicationIdentifier: application,
      EnvironmentIdentifier: environment,
      ConfigurationProfileIdentifier: name,
      RequiredMinimumPollIntervalInSeconds: 15,
    })
  })

  test('ids in place of names', async () => {
    const key = profile('by-id')
    const ids = store.appConfigEngine.idsOf(key)!
    const { mw } = setup({ V: `appconfig:${ids.application}/${ids.environment}/${ids.profile}` })
    expect((await runBefore(mw)).req.context.V).toBe('by-id')
  })

  test('refresh: a cacheExpiry below the poll interval is clamped to it; a new deployment arrives on the next poll', async () => {
    const key = profile('v1')
    const onChange = jest.fn()
    const { mw, logger } = setup({ V: `appconfig:${key}` }, { onChange, jitter: 0.1 })
    expect((await runBefore(mw)).req.context.V).toBe('v1')
    store.deployConfiguration(key, 'v2')
    // cacheExpiry is 1 s, the interval 15 s: no call before it, and the value is fresh all along.
    clock.advance(14_999)
    const early = await runBefore(mw)
    expect([early.waited, early.req.context.V]).toEqual([false, 'v1'])
    expect(store.calls.GetLatestConfiguration).toBe(1)
    clock.advance(1)
    const before = rounds(logger)
    const { waited, req } = await runBefore(mw)
    // The refresh runs in the background at the interval (fresh for a jitter's lead past it)…
    expect([waited, req.context.V]).toEqual([false, 'v1'])
    await landed(logger, before)
    // …and the next invocation has the new deployment.
    const after = await runBefore(mw)
    expect(after.req.context.V).toBe('v2')
    expect(onChange).toHaveBeenCalledWith(['V'])
    expect(store.calls).toMatchObject({ StartConfigurationSession: 1, GetLatestConfiguration: 2 })
    // The second poll used the token the first one returned, and the store never saw a token twice.
    const tokens = tokensSent()
    expect(new Set(tokens).size).toBe(tokens.length)
    expect(store.appConfigEngine.reusedTokens).toBe(0)
    expect(mw.stats().keys.V?.rung).toBe('fresh')
  })

  test('unchanged: an empty Configuration keeps the value, fresh, and is no change', async () => {
    const key = profile(canary('same'))
    const onChange = jest.fn()
    const { mw, logger } = setup({ V: `appconfig:${key}` }, { onChange })
    await runBefore(mw)
    for (let i = 0; i < 3; i++) {
      clock.advance(16_500)
      const { req } = await runBefore(mw)
      expect(req.context.V).toBe(canary('same'))
      expect(mw.stats().keys.V).toMatchObject({ rung: 'fresh', reason: undefined })
    }
    expect(store.calls.GetLatestConfiguration).toBe(4)
    expect(store.calls.StartConfigurationSession).toBe(1)
    expect(onChange).not.toHaveBeenCalled()
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([])
    expectNoCanary(JSON.stringify(logger.lines))
  })

  test('an empty profile on a session’s first poll is the empty string, not "unchanged"', async () => {
    const key = profile('')
    const { mw } = setup({ V: `appconfig:${key}` })
    expect((await runBefore(mw)).req.context.V).toBe('')
  })

  test('a token is never sent twice: after a poll that hung past fetchTimeout, the next round opens a new session', async () => {
    const key = profile('v1')
    const { mw, logger } = setup({ V: `appconfig:${key}` }, { fetchTimeout: 150 })
    await runBefore(mw)
    store.fault({ kind: 'hang', operations: ['GetLatestConfiguration'], count: 1 })
    clock.advance(16_500)
    // Expired and the poll hangs: the invocation waits its budget, then the ladder serves the stale value.
    const hung = await runBefore(mw)
    expect(hung.req.context.V).toBe('v1')
    expect(mw.stats().keys.V).toMatchObject({ rung: 'stale', reason: 'timed_out' })
    store.deployConfiguration(key, 'v2')
    clock.advance(2_000)
    // A stale value in hand: the retry runs in the background.
    const before = rounds(logger)
    await runBefore(mw)
    await landed(logger, before)
    const { req } = await runBefore(mw)
    expect(req.context.V).toBe('v2')
    expect(store.calls).toMatchObject({ StartConfigurationSession: 2, GetLatestConfiguration: 3 })
    const tokens = tokensSent()
    expect(new Set(tokens).size).toBe(3)
    expect(store.appConfigEngine.reusedTokens).toBe(0)
  })

  test('a token is never sent twice: after a throttled poll, the SDK does not retry it and the next round opens a new session', async () => {
    const key = profile('v1')
    // The user's options ask for retries: the AppConfig client makes one attempt all the same.
    const { mw, logger } = setup(
      { V: `appconfig:${key}` },
      { awsClientOptions: { ...store.clientConfig, maxAttempts: 3 } },
    )
    await runBefore(mw)
    store.fault({ kind: 'throttle', operations: ['GetLatestConfiguration'], count: 2 })
    clock.advance(16_500)
    const throttled = await runBefore(mw)
    expect(throttled.req.context.V).toBe('v1')
    expect(mw.stats().keys.V).toMatchObject({ rung: 'stale', reason: 'throttled' })
    expect(store.requests.map((r) => r.operation)).toEqual([
      'StartConfigurationSession',
      'GetLatestConfiguration',
      'GetLatestConfiguration',
    ])
    for (let i = 0; i < 2; i++) {
      clock.advance(61_000)
      const before = rounds(logger)
      await runBefore(mw)
      await landed(logger, before)
    }
    const { req } = await runBefore(mw)
    expect(req.context.V).toBe('v1')
    expect(mw.stats().keys.V?.rung).toBe('fresh')
    const tokens = tokensSent()
    expect(new Set(tokens).size).toBe(tokens.length)
    expect(store.appConfigEngine.reusedTokens).toBe(0)
    // One new session per failed poll: a spent token is never tried again.
    expect(store.calls).toMatchObject({ StartConfigurationSession: 3, GetLatestConfiguration: 4 })
  })

  test('an expired token (24 h) is answered by a new session within the same fetch', async () => {
    const key = profile('v1')
    const { mw } = setup({ V: `appconfig:${key}` })
    await runBefore(mw)
    store.deployConfiguration(key, 'v2')
    clock.advance(24 * 60 * 60 * 1000)
    const { waited, req } = await runBefore(mw)
    expect(waited).toBe(true)
    expect(req.context.V).toBe('v2')
    expect(mw.stats().keys.V?.rung).toBe('fresh')
    expect(store.calls).toMatchObject({ StartConfigurationSession: 2, GetLatestConfiguration: 3 })
    expect(store.appConfigEngine.reusedTokens).toBe(0)
  })

  test('invalidate(): a round before the interval opens a new session instead of a poll AppConfig would refuse', async () => {
    const key = profile('v1')
    const { mw } = setup({ V: `appconfig:${key}` })
    await runBefore(mw)
    store.deployConfiguration(key, 'v2')
    clock.advance(1_000)
    mw.invalidate(['V'])
    const { req } = await runBefore(mw)
    expect(req.context.V).toBe('v2')
    expect(store.calls).toMatchObject({ StartConfigurationSession: 2, GetLatestConfiguration: 2 })
    // No refused poll: nothing was sent before its interval.
    expect(store.requests.filter((r) => r.operation === 'GetLatestConfiguration')).toHaveLength(2)
  })

  test('fault → stale, with the reason; recovers when the store does', async () => {
    const key = profile(canary('stale'))
    const { mw, logger } = setup({ V: `appconfig:${key}` })
    await runBefore(mw)
    store.fault({ kind: 'server-error' })
    clock.advance(16_500)
    const { req } = await runBefore(mw)
    expect(req.context.V).toBe(canary('stale'))
    expect(mw.stats().keys.V).toMatchObject({
      rung: 'stale',
      reason: 'store_error',
      failure: { errorName: 'InternalServerException', httpStatus: 500 },
    })
    store.clearFaults()
    clock.advance(2_000)
    const before = rounds(logger)
    await runBefore(mw)
    await landed(logger, before)
    await runBefore(mw)
    expect(mw.stats().keys.V?.rung).toBe('fresh')
    expect(logger.lines.some((l) => l.event.event === 'recovered')).toBe(true)
    expectNoCanary(JSON.stringify(logger.lines))
  })

  test('a malformed answer (no next token) is invalid_response; the next round opens a new session', async () => {
    const key = profile('v1')
    const { mw, logger } = setup({ V: `appconfig:${key}` })
    await runBefore(mw)
    store.fault({ kind: 'malformed', operations: ['GetLatestConfiguration'], count: 1 })
    clock.advance(16_500)
    await runBefore(mw)
    expect(mw.stats().keys.V).toMatchObject({ rung: 'stale', reason: 'invalid_response' })
    clock.advance(2_000)
    const before = rounds(logger)
    await runBefore(mw)
    await landed(logger, before)
    await runBefore(mw)
    expect(mw.stats().keys.V?.rung).toBe('fresh')
    expect(store.calls.StartConfigurationSession).toBe(2)
  })

  test('a profile that does not exist falls back to the deploy-time variable', async () => {
    process.env.APPCONFIG_FALLBACK = 'from-env'
    try {
      const { mw } = setup({ APPCONFIG_FALLBACK: 'appconfig:nope/prod/flags' })
      const { req } = await runBefore(mw)
      expect(req.context.APPCONFIG_FALLBACK).toBe('from-env')
      expect(mw.stats().keys.APPCONFIG_FALLBACK).toMatchObject({ rung: 'env', reason: 'not_found' })
    } finally {
      delete process.env.APPCONFIG_FALLBACK
    }
  })

  test('no value anywhere: a SecretsError naming the key, the profile and the reason, never a value', async () => {
    const key = profile(canary('denied'))
    store.fault({ kind: 'access-denied', names: [key] })
    const { mw, logger } = setup({ FLAGS: `appconfig:${key}` }, { fallbackToEnv: false })
    let error: unknown
    try {
      await runBefore(mw)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(SecretsError)
    expect(error).toMatchObject({
      code: 'UNAVAILABLE',
      keys: ['FLAGS'],
      parameters: [`appconfig:${key}`],
      reasons: { FLAGS: 'access_denied' },
    })
    expect((error as SecretsError).failures.FLAGS?.resourceArn).toContain('arn:aws:appconfig:')
    expectNoCanary(everythingShown(error))
    expectNoCanary(JSON.stringify(logger.lines))
    expect(CANARY).toBe('CANARY-7f3a')
  })

  test('setToEnv writes the configuration text', async () => {
    const key = profile('{"a":1}')
    const { mw } = setup({ APPCONFIG_ENV_TEXT: { name: `appconfig:${key}`, transform: 'json' } }, { setToEnv: true })
    try {
      const { req } = await runBefore(mw)
      expect(req.context.APPCONFIG_ENV_TEXT).toEqual({ a: 1 })
      expect(process.env.APPCONFIG_ENV_TEXT).toBe('{"a":1}')
    } finally {
      delete process.env.APPCONFIG_ENV_TEXT
    }
  })
})

describe("appConfig: AppConfig's own client options", () => {
  /** Client options for an endpoint nothing listens on: each call fails at once with ECONNREFUSED. */
  const deadEndpoint = async () => ({
    ...store.clientConfig,
    endpoint: `http://127.0.0.1:${await closedPort()}`,
    maxAttempts: 1,
  })
  let m = 0
  /** A parameter beside the profile, to see which endpoint the Parameter Store client was given. */
  const parameter = (value: string) => {
    const name = `/appconfig-option/p${++m}`
    store.put(name, value)
    return name
  }

  test('appConfig.awsClientOptions serves AppConfig from its own endpoint while the top-level options point elsewhere', async () => {
    const key = profile(canary('own-endpoint'))
    const name = parameter('not-reachable-here')
    const dead = await deadEndpoint()
    const { mw } = setup(
      { FLAGS: `appconfig:${key}`, TOKEN: { name, required: false } },
      { awsClientOptions: dead, appConfig: { awsClientOptions: store.clientConfig } },
    )
    const { req } = await runBefore(mw)
    expect(req.context.FLAGS).toBe(canary('own-endpoint'))
    expect(mw.stats().keys.FLAGS?.rung).toBe('fresh')
    // The Parameter Store client kept the top-level options: the dead endpoint.
    expect(req.context.TOKEN).toBeUndefined()
    expect(mw.stats().keys.TOKEN).toMatchObject({
      reason: 'unreachable',
      failure: { errorCode: 'ECONNREFUSED', host: new URL(dead.endpoint).host },
    })
    expect(store.calls).toMatchObject({ StartConfigurationSession: 1, GetLatestConfiguration: 1, total: 2 })
  })

  test('appConfig.awsClientOptions applies to AppConfig only: a dead AppConfig endpoint leaves Parameter Store served', async () => {
    const key = profile('v1')
    const name = parameter('from-ssm')
    const dead = await deadEndpoint()
    const { mw } = setup(
      { FLAGS: { name: `appconfig:${key}`, required: false }, TOKEN: name },
      { appConfig: { awsClientOptions: dead } },
    )
    const { req } = await runBefore(mw)
    expect(req.context.TOKEN).toBe('from-ssm')
    expect(req.context.FLAGS).toBeUndefined()
    expect(mw.stats().keys.FLAGS).toMatchObject({
      reason: 'unreachable',
      failure: { errorCode: 'ECONNREFUSED', host: new URL(dead.endpoint).host },
    })
    expect(store.calls).toMatchObject({ StartConfigurationSession: 0, GetLatestConfiguration: 0, GetParameters: 1 })
  })

  test('without appConfig.awsClientOptions the top-level awsClientOptions apply, as before', async () => {
    for (const extra of [{}, { appConfig: {} }, { appConfig: { awsClientOptions: undefined } }]) {
      store.resetCalls()
      const key = profile('top-level')
      const { mw } = setup({ FLAGS: `appconfig:${key}` }, extra)
      expect((await runBefore(mw)).req.context.FLAGS).toBe('top-level')
      expect(store.calls).toMatchObject({ StartConfigurationSession: 1, GetLatestConfiguration: 1 })
    }
  })

  test('appConfig.AwsClient is the class the AppConfig client is made from, with one attempt per call whatever the options ask', async () => {
    const configs: Record<string, unknown>[] = []
    class RecordingClient extends AppConfigDataClient {
      constructor(config: AppConfigDataClientConfig) {
        configs.push({ ...config })
        super(config)
      }
    }
    const key = profile(canary('custom-class'))
    const { mw } = setup(
      { FLAGS: `appconfig:${key}` },
      { appConfig: { AwsClient: RecordingClient, awsClientOptions: { ...store.clientConfig, maxAttempts: 3 } } },
    )
    expect((await runBefore(mw)).req.context.FLAGS).toBe(canary('custom-class'))
    expect(configs).toHaveLength(1)
    expect(configs[0]).toMatchObject({ endpoint: store.clientConfig.endpoint, maxAttempts: 1 })
    expect(store.calls).toMatchObject({ StartConfigurationSession: 1, GetLatestConfiguration: 1 })
  })

  test('appConfig of the wrong shape is refused at construction, naming the option', () => {
    const refusal = (appConfig: unknown) => {
      try {
        secrets({
          fetchData: { FLAGS: 'appconfig:shop/prod/flags' },
          appConfig: appConfig as never,
          disablePrefetch: true,
        })
      } catch (error) {
        expect(error).toBeInstanceOf(SecretsError)
        expect((error as SecretsError).code).toBe('INVALID_OPTIONS')
        return (error as Error).message
      }
      throw new Error('accepted')
    }
    expect(refusal('eu-west-1')).toBe('middy-secrets: appConfig must be an object')
    expect(refusal({ awsClientOptions: 'eu-west-1' })).toBe(
      'middy-secrets: appConfig.awsClientOptions must be a plain object (SDK client configuration)',
    )
    expect(refusal({ regoin: 'eu-west-1' })).toBe("middy-secrets: appConfig has an unknown field 'regoin'")
    expect(refusal({ AwsClient: AppConfigDataClient.prototype })).toBe(
      'middy-secrets: appConfig.AwsClient must be a function',
    )
  })
})

describe('AppConfig entries are checked at construction', () => {
  const refused = (name: string, extra: Record<string, unknown> = {}) => {
    try {
      secrets({ fetchData: { FLAGS: { name, ...extra } as never }, disablePrefetch: true })
    } catch (error) {
      expect(error).toBeInstanceOf(SecretsError)
      expect((error as SecretsError).code).toBe('INVALID_OPTIONS')
      expect((error as SecretsError).keys).toEqual(['FLAGS'])
      return (error as Error).message
    }
    throw new Error(`${name} was accepted`)
  }

  test('three non-empty segments of at most 128 characters, each named', () => {
    expect(refused('appconfig:shop/prod')).toBe(
      `middy-secrets: fetchData.FLAGS: "appconfig:shop/prod" is not appconfig:<application>/<environment>/<profile> (2 segments, not 3; a name holding '/' is given by its id)`,
    )
    expect(refused('appconfig:')).toMatch(/\(1 segment, not 3/)
    expect(refused('appconfig:shop/prod/flags/extra')).toMatch(/\(4 segments, not 3/)
    expect(refused('appconfig:/prod/flags')).toMatch(/has an empty application$/)
    expect(refused('appconfig:shop//flags')).toMatch(/has an empty environment$/)
    expect(refused('appconfig:shop/prod/')).toMatch(/has an empty configuration profile$/)
    expect(refused(`appconfig:shop/prod/${'p'.repeat(129)}`)).toMatch(
      /has a configuration profile longer than 128 characters$/,
    )
    expect(refused('appconfig:shop/prod/flags', { versionStage: 'AWSCURRENT' })).toBe(
      'middy-secrets: fetchData.FLAGS.versionStage applies to Secrets Manager secrets only (this entry is read by AppConfig)',
    )
    expect(refused('appconfig:shop/prod/flags', { recursive: true })).toBe(
      'middy-secrets: fetchData.FLAGS.recursive applies to Parameter Store paths (names ending in /) only (this entry is read by AppConfig)',
    )
  })

  test('what AppConfig accepts is accepted: 128 characters, spaces, dots, ids', () => {
    for (const name of [
      `appconfig:${'a'.repeat(128)}/prod/flags`,
      'appconfig:My App/Prod Env/feature.flags',
      'appconfig:abc1234/def5678/ghi9012',
    ]) {
      expect(() => secrets({ fetchData: { FLAGS: name }, disablePrefetch: true })).not.toThrow()
    }
  })
})
