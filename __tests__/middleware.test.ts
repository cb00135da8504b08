import middy from '@middy/core'
import { SecretsError, secrets } from '../src/index.js'
import {
  CANARY,
  canary,
  eventually,
  everythingShown,
  expectNoCanary,
  lambdaContext,
  manualClock,
  recordingLogger,
  rounds,
  runBefore,
  setupWith,
  useStore,
} from './support/harness.js'

const s = useStore()

const setup = setupWith(s)

const failure = async (promise: Promise<unknown>): Promise<SecretsError> => {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError)
    expectNoCanary(everythingShown(error))
    return error as SecretsError
  }
  throw new Error('expected a SecretsError')
}

const ENV_KEYS = ['LADDER_TOKEN', 'SUPERMAN_TOKEN', 'SHARED_TOKEN', 'DB', 'DB_HOST', 'DB_NESTED_PORT', 'OPT']
afterEach(() => {
  for (const key of ENV_KEYS) delete process.env[key]
})

describe('the value ladder', () => {
  test('fresh → stale while the store fails → deploy-time env → an error naming key, parameter and reason', async () => {
    s.store.put('/l/token', canary('ladder'))
    process.env.LADDER_TOKEN = canary('deploy-time')
    const { mw, clock, logger } = setup({ LADDER_TOKEN: '/l/token' }, { staleIfError: 10_000 })
    expect((await runBefore(mw)).req.context.LADDER_TOKEN).toBe(canary('ladder'))
    expect(mw.stats().keys.LADDER_TOKEN?.rung).toBe('fresh')

    s.store.fault({ kind: 'throttle' })
    clock.advance(1_000)
    const stale = await runBefore(mw)
    expect(stale.req.context.LADDER_TOKEN).toBe(canary('ladder'))
    expect(mw.stats().keys.LADDER_TOKEN).toMatchObject({ rung: 'stale', reason: 'throttled', ageMs: 1_000 })
    expect(logger.lines.filter((l) => l.level === 'warn').map((l) => l.event)).toEqual([
      expect.objectContaining({
        event: 'degraded',
        key: 'LADDER_TOKEN',
        parameter: '/l/token',
        rung: 'stale',
        reason: 'throttled',
      }),
    ])

    // While a stale value is served, invocations never wait on the failing store again.
    for (let i = 0; i < 50; i++) {
      clock.advance(100)
      expect((await runBefore(mw)).waited).toBe(false)
    }
    clock.advance(10_000)
    const env = await runBefore(mw)
    expect(env.req.context.LADDER_TOKEN).toBe(canary('deploy-time'))
    expect(mw.stats().keys.LADDER_TOKEN?.rung).toBe('env')

    delete process.env.LADDER_TOKEN
    const bare = setup({ LADDER_TOKEN: '/l/token' })
    const error = await failure(runBefore(bare.mw))
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.keys).toEqual(['LADDER_TOKEN'])
    expect(error.parameters).toEqual(['/l/token'])
    expect(error.reasons).toEqual({ LADDER_TOKEN: 'throttled' })
    expect(error.message).toContain('LADDER_TOKEN (/l/token: throttled)')
    expectNoCanary(JSON.stringify(logger.lines) + JSON.stringify(bare.logger.lines))
  })

  test('recovery: the next attempt after the backoff brings the key back to fresh, with a warning', async () => {
    s.store.put('/l/recover', 'v1')
    const { mw, clock, logger } = setup({ TOKEN: '/l/recover' })
    await runBefore(mw)
    s.store.fault({ kind: 'server-error' })
    clock.advance(1_000)
    await runBefore(mw)
    expect(mw.stats().keys.TOKEN).toMatchObject({ rung: 'stale', reason: 'store_error' })
    s.store.clearFaults()
    s.store.put('/l/recover', 'v2')
    clock.advance(60_000)
    await runBefore(mw)
    await eventually(() => rounds(logger) === 3)
    const back = await runBefore(mw)
    expect(back.req.context.TOKEN).toBe('v2')
    expect(mw.stats().keys.TOKEN).toMatchObject({ rung: 'fresh', reason: undefined })
    // A recovery is good news: info, not a warning.
    expect(
      logger.lines.filter((l) => l.level === 'warn' || l.level === 'info').map((l) => [l.level, l.event.event]),
    ).toEqual([
      ['warn', 'degraded'],
      ['info', 'recovered'],
    ])
  })

  test('an outage: store calls stay few (backoff) while every invocation succeeds', async () => {
    s.store.put('/l/outage', 'v')
    const { mw, clock } = setup({ TOKEN: '/l/outage' }, { cacheExpiry: 60_000 })
    await runBefore(mw)
    s.store.fault({ kind: 'server-error' })
    clock.advance(60_000)
    s.store.resetCalls()
    let failed = 0
    // 10 minutes of an invocation every 250 ms; each lets the store answer (virtual time must not
    // outrun the real I/O, or a round looks frozen and is restarted).
    for (let i = 0; i < 2_400; i++) {
      clock.advance(250)
      await runBefore(mw).catch(() => failed++)
      await new Promise((resolve) => setImmediate(resolve))
      if (i % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 1))
    }
    expect(failed).toBe(0)
    // Backoff doubling from 1 s (random 0.5) to a 60 s cap: about 25 attempts in 10 minutes, not 2,400.
    expect(s.store.calls.total).toBeGreaterThan(5)
    expect(s.store.calls.total).toBeLessThan(30)
  })

  test('a deleted parameter is not found: an answer, so no stale service — env at once, checked on the normal schedule', async () => {
    process.env.LADDER_TOKEN = 'deploy-time'
    s.store.put('/l/deleted', canary('deleted'))
    const { mw, clock, logger } = setup({ LADDER_TOKEN: '/l/deleted' }, { cacheExpiry: 10_000, staleIfError: 30_000 })
    await runBefore(mw)
    s.store.delete('/l/deleted')
    clock.advance(10_000)
    const r = await runBefore(mw)
    expect(r.waited).toBe(true)
    expect(r.req.context.LADDER_TOKEN).toBe('deploy-time')
    expect(mw.stats().keys.LADDER_TOKEN).toMatchObject({ rung: 'env', reason: 'not_found' })
    // Not a fault: no backoff retries in between, one check per cacheExpiry.
    s.store.resetCalls()
    for (let i = 0; i < 9; i++) {
      clock.advance(1_000)
      expect((await runBefore(mw)).req.context.LADDER_TOKEN).toBe('deploy-time')
    }
    expect(s.store.calls.total).toBe(0)
    s.store.put('/l/deleted', 're-created')
    clock.advance(1_000)
    await runBefore(mw)
    await eventually(() => rounds(logger) === 3)
    expect(s.store.calls.total).toBe(1)
    expect((await runBefore(mw)).req.context.LADDER_TOKEN).toBe('re-created')
    expectNoCanary(JSON.stringify(logger.lines))
  })

  test('a hung store is bounded by fetchTimeout and the key falls back', async () => {
    process.env.LADDER_TOKEN = 'deploy-time-fallback'
    s.store.fault({ kind: 'hang' })
    const { mw } = setup({ LADDER_TOKEN: '/l/hung' }, { fetchTimeout: 250 })
    const r = await runBefore(mw)
    expect(r.req.context.LADDER_TOKEN).toBe('deploy-time-fallback')
    expect(mw.stats().keys.LADDER_TOKEN).toMatchObject({ rung: 'env', reason: 'timed_out' })
    delete process.env.LADDER_TOKEN
    const bare = setup({ LADDER_TOKEN: '/l/hung' }, { fetchTimeout: 250 })
    const error = await failure(runBefore(bare.mw))
    expect(error.reasons).toEqual({ LADDER_TOKEN: 'timed_out' })
  })

  test('the wait never runs past the invocation’s remaining time', async () => {
    s.store.fault({ kind: 'hang' })
    const { mw } = setup({ TOKEN: '/l/remaining' }, { fetchTimeout: 60_000 })
    const started = performance.now()
    const error = await failure(runBefore(mw, { ...(await import('./support/harness.js')).request(100) }))
    expect(error.reasons).toEqual({ TOKEN: 'timed_out' })
    // Bounded by 90% of 100 ms, not by the 60 s fetchTimeout.
    expect(performance.now() - started).toBeLessThan(5_000)
  })

  test('every missing key is named, each with its own reason; optional keys are undefined', async () => {
    s.store.put('/l/ok', 'ok')
    s.store.fault({ kind: 'access-denied', names: ['/l/denied'] })
    const { mw } = setup({
      OK: '/l/ok',
      GONE: '/l/never-created',
      DENIED: '/l/denied',
      OPT: { name: '/l/opt', required: false },
    })
    // AWS denies a whole batch for one name: it is split in the same round, each name getting its own verdict.
    const error = await failure(runBefore(mw))
    expect(error.code).toBe('UNAVAILABLE')
    expect(new Set(error.keys)).toEqual(new Set(['GONE', 'DENIED']))
    expect(error.reasons).toMatchObject({ GONE: 'not_found', DENIED: 'access_denied' })
    expect(mw.stats().keys.OPT).toMatchObject({ rung: 'missing' })
  })

  test('KMS denial, a malformed and a truncated body: reasons, and no value in any error or log', async () => {
    s.store.put('/l/kms', canary('kms'), { type: 'SecureString' })
    for (const [kind, reason] of [
      ['kms-denied', 'kms_denied'],
      ['malformed', 'invalid_response'],
      ['truncated', 'invalid_response'],
    ] as const) {
      s.store.clearFaults()
      s.store.fault({ kind })
      const { mw, logger } = setup({ TOKEN: '/l/kms' })
      const error = await failure(runBefore(mw))
      expect([kind, error.reasons.TOKEN]).toEqual([kind, reason])
      expectNoCanary(JSON.stringify(logger.lines))
    }
  })

  test('a transform failure names the key, never the value', async () => {
    s.store.put('/l/json', `{"token": "${CANARY}"`)
    const { mw } = setup({ LIMITS: { name: '/l/json', transform: 'json' } })
    const error = await failure(runBefore(mw))
    expect(error.code).toBe('TRANSFORM_FAILED')
    expect(error.reasons).toEqual({ LIMITS: 'transform_failed' })
  })

  test('transforms apply to the env rung too', async () => {
    process.env.OPT = '42'
    const { mw } = setup({ OPT: { name: '/l/missing-number', transform: 'number' } })
    expect((await runBefore(mw)).req.context.OPT).toBe(42)
  })
})

describe('context, internal and process.env', () => {
  test('values land on context and request.internal; the handler sees them', async () => {
    s.store.put('/bots/superman/token', canary('superman'))
    const mw = secrets({ fetchData: { SUPERMAN_TOKEN: '/bots/superman/token' }, awsClientOptions: s.clientOptions })
    const handler = middy()
      .use(mw)
      .handler(async (_event, context) => context.SUPERMAN_TOKEN.length)
    expect(await handler({}, lambdaContext() as never)).toBe(canary('superman').length)
    expect(process.env.SUPERMAN_TOKEN).toBeUndefined()
  })

  test('setToContext false: internal only', async () => {
    s.store.put('/c/internal', 'i')
    const { mw } = setup({ TOKEN: '/c/internal' }, { setToContext: false })
    const r = await runBefore(mw)
    expect(r.req.context.TOKEN).toBeUndefined()
    expect(r.req.internal.TOKEN).toBe('i')
  })

  test('setToEnv: two functions bundled together never see each other’s values', async () => {
    s.store.put('/bots/superman/shared', 'superman-value')
    s.store.put('/bots/batman/shared', 'batman-value')
    process.env.SHARED_TOKEN = 'deploy-time-value'
    const superman = setup({ SHARED_TOKEN: '/bots/superman/shared' }, { setToEnv: true })
    const batman = setup({ SHARED_TOKEN: '/bots/batman/shared' }, { setToEnv: true })
    const fallbackOnly = setup({ SHARED_TOKEN: '/bots/nobody/shared' }, { setToEnv: true })
    for (let i = 0; i < 3; i++) {
      await runBefore(superman.mw)
      expect(process.env.SHARED_TOKEN).toBe('superman-value')
      await runBefore(batman.mw)
      expect(process.env.SHARED_TOKEN).toBe('batman-value')
      // The env fallback is the deploy-time value, not what another instance wrote.
      const r = await runBefore(fallbackOnly.mw)
      expect(r.req.context.SHARED_TOKEN).toBe('deploy-time-value')
      expect(process.env.SHARED_TOKEN).toBe('deploy-time-value')
    }
  })

  test('setToEnv for a path: KEY_ + the relative name; removed parameters are unset again', async () => {
    s.store.put('/envpath/host', 'db.example')
    s.store.put('/envpath/nested/port', '5432')
    const { mw, clock } = setup({ DB: '/envpath/' }, { setToEnv: true })
    await runBefore(mw)
    expect([process.env.DB_HOST, process.env.DB_NESTED_PORT]).toEqual(['db.example', '5432'])
    s.store.delete('/envpath/nested/port')
    clock.advance(1_000)
    const r = await runBefore(mw)
    expect(r.req.context.DB).toEqual({ host: 'db.example' })
    expect(process.env.DB_NESTED_PORT).toBeUndefined()
  })

  test('setToEnv: two names of a path mapping to one variable is a collision error naming both', async () => {
    s.store.put('/collide/a-b', '1')
    s.store.put('/collide/a_b', '2')
    const { mw } = setup({ DB: '/collide/' }, { setToEnv: true, fallbackToEnv: false })
    const error = await failure(runBefore(mw))
    expect(error.code).toBe('KEY_COLLISION')
    expect(error.message).toContain('/collide/a-b and /collide/a_b both map to DB_A_B')
  })

  test('a path falls back to a JSON object in its deploy-time variable', async () => {
    process.env.DB = '{"host":"fallback.example"}'
    const { mw } = setup({ DB: '/no/such/path/' })
    expect((await runBefore(mw)).req.context.DB).toEqual({ host: 'fallback.example' })
  })

  test('the default logger warns on console, without values', async () => {
    s.store.put('/c/console', canary('console'))
    const original = console.warn
    const calls: unknown[][] = []
    console.warn = (...args: unknown[]) => calls.push(args)
    try {
      const clock = manualClock()
      const mw = secrets({ fetchData: { TOKEN: '/c/console' }, awsClientOptions: s.clientOptions, clock, jitter: 0 })
      await runBefore(mw)
      s.store.fault({ kind: 'throttle' })
      clock.advance(300_000)
      await runBefore(mw)
      expect(calls).toHaveLength(1)
      expect(String(calls[0]?.[0])).toContain('TOKEN')
      expectNoCanary(JSON.stringify(calls))
    } finally {
      console.warn = original
    }
  })

  test('a broken logger does not break the function', async () => {
    s.store.put('/c/broken-logger', 'v')
    const { mw } = setup(
      { TOKEN: '/c/broken-logger' },
      {
        logger: {
          debug: () => {
            throw new Error('x')
          },
          warn: () => {
            throw new Error('y')
          },
        },
      },
    )
    expect((await runBefore(mw)).req.context.TOKEN).toBe('v')
  })

  test('AwsClient and awsClientCapture are used', async () => {
    s.store.put('/c/client', 'v')
    const { SSMClient } = await import('@aws-sdk/client-ssm')
    const made: unknown[] = []
    class CountingClient extends SSMClient {
      constructor(...args: ConstructorParameters<typeof SSMClient>) {
        super(...args)
        made.push(this)
      }
    }
    const captured: unknown[] = []
    const { mw } = setup(
      { TOKEN: '/c/client' },
      {
        AwsClient: CountingClient,
        awsClientCapture: (client: unknown) => {
          captured.push(client)
          return client
        },
      },
    )
    expect((await runBefore(mw)).req.context.TOKEN).toBe('v')
    expect(made).toHaveLength(1)
    expect(captured).toEqual(made)
  })

  test('stats() reports rung, age, reason and store calls — never a value', async () => {
    s.store.put('/c/stats', canary('stats'))
    const { mw, clock } = setup({ TOKEN: '/c/stats' })
    expect(mw.stats().keys.TOKEN?.rung).toBe('pending')
    await runBefore(mw)
    clock.advance(250)
    const stats = mw.stats()
    expect(stats).toEqual({
      keys: { TOKEN: { parameter: '/c/stats', rung: 'fresh', ageMs: 250, reason: undefined } },
      storeCalls: 1,
    })
    expectNoCanary(JSON.stringify(stats))
  })

  test('a failed prefetch never surfaces as an unhandled rejection', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      secrets({
        fetchData: { TOKEN: '/c/unreachable' },
        awsClientOptions: { ...s.clientOptions, endpoint: 'http://127.0.0.1:9' },
        logger: recordingLogger(),
      })
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
