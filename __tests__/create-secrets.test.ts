import middy from '@middy/core'
import { createSecrets, SecretsError, secrets } from '../src/index.js'
import {
  canary,
  everythingShown,
  expectNoCanary,
  lambdaContext,
  manualClock,
  recordingLogger,
  runBefore,
  useStore,
} from './support/harness.js'

const s = useStore()

const make = (fetchData: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const clock = manualClock()
  const logger = recordingLogger()
  const store = createSecrets({
    fetchData: fetchData as Record<string, string>,
    awsClientOptions: s.clientOptions,
    cacheExpiry: 1_000,
    jitter: 0,
    staleIfError: 10_000,
    logger,
    clock,
    ...extra,
  })
  return { store, clock, logger }
}

const rejection = async (promise: Promise<unknown>): Promise<SecretsError> => {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError)
    expectNoCanary(everythingShown(error))
    return error as SecretsError
  }
  throw new Error('expected a SecretsError')
}

afterEach(() => {
  delete process.env.PLAIN_TOKEN
})

describe('createSecrets: the core without Middy', () => {
  test('get() resolves to the values: fresh → stale while the store fails → deploy-time env → a rejection', async () => {
    s.store.put('/plain/token', canary('plain'))
    s.store.put('/plain/limits', '{"max":3}')
    process.env.PLAIN_TOKEN = canary('deploy-time')
    const { store, clock, logger } = make({
      PLAIN_TOKEN: '/plain/token',
      LIMITS: { name: '/plain/limits', transform: 'json', required: false },
    })
    expect(await store.get(lambdaContext())).toEqual({ PLAIN_TOKEN: canary('plain'), LIMITS: { max: 3 } })
    expect(store.stats().keys.PLAIN_TOKEN?.rung).toBe('fresh')

    s.store.fault({ kind: 'throttle' })
    clock.advance(1_000)
    expect((await store.get()).PLAIN_TOKEN).toBe(canary('plain'))
    expect(store.stats().keys.PLAIN_TOKEN).toMatchObject({ rung: 'stale', reason: 'throttled' })

    clock.advance(10_000)
    expect((await store.get()).PLAIN_TOKEN).toBe(canary('deploy-time'))
    expect(store.stats().keys.PLAIN_TOKEN?.rung).toBe('env')

    delete process.env.PLAIN_TOKEN
    const bare = make({ PLAIN_TOKEN: '/plain/token' })
    const error = await rejection(bare.store.get())
    expect(error.reasons).toEqual({ PLAIN_TOKEN: 'throttled' })
    expect(error.keys).toEqual(['PLAIN_TOKEN'])
    expectNoCanary(JSON.stringify(logger.lines) + JSON.stringify(bare.logger.lines) + JSON.stringify(store.stats()))
  })

  test('a warm get() is the same promise of the same frozen object, with no call to the store', async () => {
    s.store.put('/plain/warm', 'w')
    const { store, clock } = make({ W: '/plain/warm' })
    const first = store.get()
    const values = await first
    const calls = s.store.calls.total
    clock.advance(500)
    const again = store.get()
    expect(again).toBe(store.get())
    expect(await again).toBe(values)
    expect(Object.isFrozen(values)).toBe(true)
    expect(s.store.calls.total).toBe(calls)
  })

  test('a changed value gives a new object after the refresh; invalidate() makes the next get() wait for it', async () => {
    s.store.put('/plain/rotating', 'v1')
    const { store, clock } = make({ R: '/plain/rotating' })
    const before = await store.get()
    s.store.put('/plain/rotating', 'v2')
    store.invalidate(['R'])
    const after = await store.get()
    expect([before.R, after.R]).toEqual(['v1', 'v2'])
    expect(after).not.toBe(before)
    clock.advance(10)
    expect(() => store.invalidate(['NOPE' as 'R'])).toThrow("invalidate() got an unknown key 'NOPE'")
  })

  test("the wait is bounded by the context's remaining time", async () => {
    s.store.put('/plain/slow', 'slow')
    s.store.latencyMs = 1_500
    const { store } = make({ SLOW: '/plain/slow' }, { fetchTimeout: 2_000 })
    // 50 ms left: waiting for the 1.5 s answer would only move the timeout.
    const error = await rejection(store.get(lambdaContext(50)))
    expect(error.reasons).toEqual({ SLOW: 'timed_out' })
  })

  test('with setToEnv each get() puts the values in process.env, also after a refresh', async () => {
    s.store.put('/plain/env', 'e1')
    const { store, clock } = make({ PLAIN_TOKEN: '/plain/env' }, { setToEnv: true })
    await store.get()
    expect(process.env.PLAIN_TOKEN).toBe('e1')
    s.store.put('/plain/env', 'e2')
    clock.advance(1_000)
    await store.get()
    expect((await store.get()).PLAIN_TOKEN).toBe('e2')
    expect(process.env.PLAIN_TOKEN).toBe('e2')
  })

  test('options are validated at once, with the same messages as secrets()', () => {
    expect(() => createSecrets({ fetchData: { K: 'ssm:/x' } })).toThrow(
      'middy-secrets: fetchData.K: "ssm:/x" starts with \'ssm:\'',
    )
    expect(() => createSecrets({ fetchData: {} })).toThrow('fetchData is empty')
  })
})

describe('secrets(instance): middy and plain code share one cache', () => {
  test('one fetch serves both; an invalidation through either is seen by both', async () => {
    s.store.put('/shared/a', 'a1')
    s.store.put('/shared/b', 'b1')
    const { store, logger } = make({ A: '/shared/a', B: '/shared/b' })
    const mw = secrets(store)
    const values = await store.get()
    const viaMiddy = await runBefore(mw)
    expect(viaMiddy.req.context).toMatchObject({ A: 'a1', B: 'b1' })
    expect(values).toEqual({ A: 'a1', B: 'b1' })
    // One round, one GetParameters call of both names.
    expect(s.store.calls.GetParameters).toBe(1)
    expect(logger.lines.filter((line) => line.event.event === 'fetched')).toHaveLength(1)
    expect(mw.stats()).toEqual(store.stats())

    s.store.put('/shared/a', 'a2')
    mw.invalidate(['A'])
    expect((await store.get()).A).toBe('a2')
    // The middleware's next invocation is served the value get() waited for, without another call.
    expect((await runBefore(mw)).req.context.A).toBe('a2')
    expect(s.store.calls.GetParameters).toBe(2)
  })

  test('a value the middleware waited for reaches the next get() as a new object', async () => {
    s.store.put('/shared/c', 'c1')
    const { store } = make({ C: '/shared/c' }, { disablePrefetch: true })
    const handler = middy()
      .use(secrets(store))
      .handler(async (_event, context) => context.C)
    expect(await handler({}, lambdaContext() as never)).toBe('c1')
    expect(await store.get()).toEqual({ C: 'c1' })
    expect(s.store.calls.GetParameters).toBe(1)
  })

  test('anything else that is not options is refused as options', () => {
    expect(() => secrets({ get: () => undefined } as never)).toThrow("unknown option 'get'")
  })
})
