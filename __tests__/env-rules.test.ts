/**
 * setToEnv's rules (DESIGN §4): no variable the runtime or Node owns, derived names included; two entries of one
 * map on one variable are KEY_COLLISION; two live instances writing one variable for different parameters are
 * said loudly, once. Against the emulator through the real SDK client.
 */
import middy from '@middy/core'
import { SecretsError, secrets } from '../src/index.js'
import { lambdaContext, recordingLogger, runBefore, useStore } from './support/harness.js'

const s = useStore()
const touched = new Set<string>()
afterEach(() => {
  for (const name of touched) delete process.env[name]
  touched.clear()
})

const failure = async (mw: { before?: (request: any) => unknown }): Promise<SecretsError> => {
  const error = await runBefore(mw).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SecretsError)
  return error as SecretsError
}

const make = (fetchData: Record<string, string>, logger = recordingLogger()) => ({
  logger,
  mw: secrets({ fetchData, setToEnv: true, awsClientOptions: s.clientOptions, logger }),
})

describe('a derived variable the runtime owns is refused when the value arrives', () => {
  test('HTTPS + proxy → HTTPS_PROXY: key_collision, nothing written', async () => {
    s.store.put('/cfg/https/proxy', 'http://evil.example:8080')
    s.store.put('/cfg/https/timeout', '30')
    touched.add('HTTPS_PROXY').add('HTTPS_TIMEOUT')
    const { mw, logger } = make({ HTTPS: '/cfg/https/' })
    const error = await failure(mw)
    expect(error.code).toBe('KEY_COLLISION')
    expect(error.failures.HTTPS).toEqual({
      reason: 'key_collision',
      detail: '/cfg/https/proxy maps to HTTPS_PROXY, a variable the Lambda runtime or Node owns',
    })
    expect(process.env.HTTPS_PROXY).toBeUndefined()
    expect(process.env.HTTPS_TIMEOUT).toBeUndefined()
    expect(logger.lines.find((l) => l.event.event === 'unavailable')?.event.reasons).toEqual({ HTTPS: 'key_collision' })
  })

  test('_X + amzn/trace-id → _X_AMZN_TRACE_ID, and the other keys still served', async () => {
    s.store.put('/cfg/x/amzn/trace-id', 'Root=forged')
    s.store.put('/cfg/plain', 'plain-value')
    touched.add('PLAIN_VALUE_KEY')
    const before = process.env._X_AMZN_TRACE_ID
    const logger = recordingLogger()
    const mw = secrets({
      fetchData: { _X: { name: '/cfg/x/', required: false }, PLAIN_VALUE_KEY: '/cfg/plain' },
      setToEnv: true,
      awsClientOptions: s.clientOptions,
      logger,
    })
    const { req } = await runBefore(mw)
    expect(req.context._X).toBeUndefined()
    expect(process.env._X_AMZN_TRACE_ID).toBe(before)
    expect(process.env.PLAIN_VALUE_KEY).toBe('plain-value')
    expect(mw.stats().keys._X).toMatchObject({ rung: 'missing', reason: 'key_collision' })
  })
})

describe('two entries, one variable: KEY_COLLISION', () => {
  test('DB_HOST and DB holding host (the issue: silently host-from-name on context, host-from-path in env)', async () => {
    s.store.put('/cfg/db-host', 'host-from-name')
    s.store.put('/cfg/db/host', 'host-from-path')
    touched.add('DB_HOST')
    const { mw } = make({ DB_HOST: '/cfg/db-host', DB: '/cfg/db/' })
    const error = await failure(mw)
    expect([error.code, error.keys, error.reasons]).toEqual(['KEY_COLLISION', ['DB'], { DB: 'key_collision' }])
    expect(error.failures.DB?.detail).toBe('/cfg/db/host and the key DB_HOST (/cfg/db-host) both map to DB_HOST')
    expect(error.message).toContain('DB (/cfg/db/: key_collision) [/cfg/db/host and the key DB_HOST (/cfg/db-host)')
    expect(process.env.DB_HOST).not.toBe('host-from-path')
  })

  test('two paths deriving one variable (DB + x_y and DB_X + y)', async () => {
    s.store.put('/cfg/p1/x_y', 'one')
    s.store.put('/cfg/p2/y', 'two')
    touched.add('PP_X_Y')
    const logger = recordingLogger()
    const mw = secrets({
      fetchData: { PP: { name: '/cfg/p1/', required: false }, PP_X: { name: '/cfg/p2/', required: false } },
      setToEnv: true,
      awsClientOptions: s.clientOptions,
      logger,
    })
    await runBefore(mw)
    const stats = mw.stats().keys
    const collided = Object.entries(stats).filter(([, k]) => k.reason === 'key_collision')
    expect(collided).toHaveLength(1)
    expect(collided[0]?.[1].failure?.detail).toMatch(/maps to PP_X_Y, which the path key (PP|PP_X) writes too/)
    // One of them holds the variable, the other wrote nothing.
    expect(['one', 'two']).toContain(process.env.PP_X_Y)
  })

  test('without setToEnv the same map is fine: context.DB_HOST and context.DB.host differ by name', async () => {
    s.store.put('/cfg/db-host', 'host-from-name')
    s.store.put('/cfg/db/host', 'host-from-path')
    const mw = secrets({ fetchData: { DB_HOST: '/cfg/db-host', DB: '/cfg/db/' }, awsClientOptions: s.clientOptions })
    const { req } = await runBefore(mw)
    expect([req.context.DB_HOST, (req.context.DB as Record<string, string>).host]).toEqual([
      'host-from-name',
      'host-from-path',
    ])
  })
})

describe('setToEnv under concurrency: two live instances on one variable are said loudly, once', () => {
  test('TOKEN for /fn-a/token and /fn-b/token, invoked concurrently (the issue: silent, A read B’s token)', async () => {
    s.store.put('/fn-a/token', 'token-a')
    s.store.put('/fn-b/token', 'token-b')
    touched.add('CONC_TOKEN')
    const a = make({ CONC_TOKEN: '/fn-a/token' })
    const b = make({ CONC_TOKEN: '/fn-b/token' })
    const onContext: string[] = []
    const handlerOf = (mw: ReturnType<typeof make>['mw'], expected: string) =>
      middy(async (_event: unknown, context: any) => {
        await new Promise((resolve) => setTimeout(resolve, 10))
        if (context.CONC_TOKEN !== expected) onContext.push(String(context.CONC_TOKEN))
        return process.env.CONC_TOKEN
      }).use(mw)
    const ha = handlerOf(a.mw, 'token-a')
    const hb = handlerOf(b.mw, 'token-b')
    for (let round = 0; round < 5; round++) {
      await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? ha : hb)({}, lambdaContext() as never)))
    }
    // Values on context stay right in every invocation.
    expect(onContext).toEqual([])
    const conflicts = (logger: typeof a.logger) => logger.lines.filter((l) => l.event.event === 'env_conflict')
    expect(conflicts(a.logger).map((l) => [l.level, l.event])).toEqual([
      [
        'error',
        { event: 'env_conflict', variable: 'CONC_TOKEN', parameter: '/fn-a/token', otherParameter: '/fn-b/token' },
      ],
    ])
    expect(conflicts(b.logger).map((l) => l.event)).toEqual([
      { event: 'env_conflict', variable: 'CONC_TOKEN', parameter: '/fn-b/token', otherParameter: '/fn-a/token' },
    ])
    expect(conflicts(b.logger)[0]?.message).toContain('keep setToEnv to one instance per process')
  })

  test('two instances on one variable for the same parameter are not a conflict', () => {
    s.store.put('/fn-same/token', 'same')
    const a = make({ SAME_TOKEN: '/fn-same/token' })
    const b = make({ SAME_TOKEN: '/fn-same/token' })
    expect([...a.logger.lines, ...b.logger.lines].filter((l) => l.event.event === 'env_conflict')).toEqual([])
  })

  test('a variable derived from a path, claimed by another instance for another parameter', async () => {
    s.store.put('/fn-c/db/host', 'host-c')
    s.store.put('/fn-d/db-host', 'host-d')
    touched.add('CONCDB_HOST')
    const c = make({ CONCDB: '/fn-c/db/' })
    const d = make({ CONCDB_HOST: '/fn-d/db-host' })
    await runBefore(c.mw)
    await runBefore(d.mw)
    expect(c.logger.lines.filter((l) => l.event.event === 'env_conflict').map((l) => l.event)).toEqual([
      { event: 'env_conflict', variable: 'CONCDB_HOST', parameter: '/fn-c/db/host', otherParameter: '/fn-d/db-host' },
    ])
  })
})
