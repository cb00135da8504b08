import { createHash } from 'node:crypto'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Context } from 'aws-lambda'
import type { SecretsMiddleware, SecretsOptions } from '../src/index.js'
import {
  canary,
  expectNoCanary,
  lambdaContext,
  manualClock,
  recordingLogger,
  runNode,
  useStore,
} from './support/harness.js'

const root = fileURLToPath(new URL('..', import.meta.url))

// The examples are plain JavaScript typed by JSDoc: these are the shapes the tests rely on.
interface ExampleHandler {
  (event: unknown, context: Context): Promise<any>
  before(hook: (request: { context: any }) => void): ExampleHandler
}
interface Example {
  handler: ExampleHandler
  secrets: SecretsMiddleware<any>
  db?: { builds: number }
}
interface ExampleModule {
  createHandler(overrides?: Partial<SecretsOptions>): Example
  handler: (event: unknown, context: Context) => Promise<unknown>
}

/** Imports an example as user code would (it imports 'middy-secrets', the built package). */
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(`${root}examples/${path}`).href)) as T
const sha8 = (secret: string): string => createHash('sha256').update(secret).digest('hex').slice(0, 8)

describe('npm run demo', () => {
  test('runs every step, ends by itself and prints no secret', async () => {
    const { secretValues } = await load<{ secretValues: string[] }>('demo/seed.js')
    // The demo fails itself (exit 1) if it has not finished in 14 s.
    // Unset: the demo switches the SDK's Node-version notice off itself.
    const { code, out, err } = await runNode(['examples/demo/run.js'], {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '',
    })
    // On a failure, show what the demo said on stderr.
    expect({ code, stderr: code === 0 ? '' : err }).toEqual({ code: 0, stderr: '' })
    for (const step of ['(a) cold start', '(b) warm', '(c) rotation', '(d) outage', '(e) the store is back']) {
      expect(out).toContain(step)
    }
    expect(out).toContain('pool builds = 2')
    expect(out).toMatch(/TWITTER_ACCESS_TOKEN=stale/)
    expect(out).toMatch(/TWITTER_ACCESS_TOKEN=env/)
    expect(out).toContain('demo: every step as expected')
    // No noise: the SDK's notice, a recovery as a warning, a wrong plural; the shared fallback token is explained.
    expect(`${out}${err}`).not.toContain('NodeVersionSupportWarning')
    expect(out).not.toMatch(/warns: \S+ recovered/)
    expect(out).toMatch(/superman notes: TWITTER_ACCESS_TOKEN recovered/)
    expect(out).not.toMatch(/\b1 more store calls/)
    expect(out).toContain('one fingerprint for both bots: they share this one process')
    expect(secretValues.length).toBeGreaterThan(0)
    for (const secret of secretValues) {
      expect(out).not.toContain(secret)
      expect(err).not.toContain(secret)
    }
  }, 30_000)
})

describe('the example handlers', () => {
  const SUPERMAN = canary('superman-token')
  const BATMAN = canary('batman-token')
  const PASSWORD_1 = canary('db-password-1')
  const PASSWORD_2 = canary('db-password-2')
  const dbUrl = (password: string) => `postgres://app:${password}@db.example.invalid:5432/shop`
  const s = useStore({
    '/bots/superman/twitter-token': SUPERMAN,
    '/bots/batman/twitter-token': BATMAN,
    '/bots/shared/hashtags': '#serverless,#aws',
    '/shared/db-url': dbUrl(PASSWORD_1),
    '/shared/db-pool/max': '3',
  })

  test.each([
    ['superman', SUPERMAN],
    ['batman', BATMAN],
  ])('%s gets its own token on context, never in process.env, and tweets without it', async (bot, token) => {
    const { createHandler, handler } = await load<ExampleModule>(`superman-batman/${bot}.js`)
    // serverless.yml's entry point; outside Lambda it is built on its first call, so importing fetched nothing.
    expect(typeof handler).toBe('function')
    const logger = recordingLogger()
    const example = createHandler({ awsClientOptions: s.clientOptions, logger })
    const seen: Record<string, unknown> = {}
    example.handler.before(({ context }) => {
      seen.TWITTER_ACCESS_TOKEN = context.TWITTER_ACCESS_TOKEN
      seen.HASHTAGS = context.HASHTAGS
    })
    const envBefore = process.env.TWITTER_ACCESS_TOKEN
    const result = await example.handler({ text: 'serverless big data' }, lambdaContext())
    expect(seen).toEqual({ TWITTER_ACCESS_TOKEN: token, HASHTAGS: ['#serverless', '#aws'] })
    expect(process.env.TWITTER_ACCESS_TOKEN).toBe(envBefore)
    expect(result.signedWith).toEqual({ length: token.length, sha256: sha8(token) })
    expect(result.status).toMatch(/#serverless #aws$/)
    expectNoCanary(JSON.stringify(result))
    expectNoCanary(JSON.stringify(logger.lines))
    expect(example.secrets.stats().storeCalls).toBe(1)
    expect(s.store.calls.GetParameters).toBe(1)
    expect(s.store.requests[0]?.input).toMatchObject({
      Names: expect.arrayContaining([`/bots/${bot}/twitter-token`, '/bots/shared/hashtags']),
    })
  })

  test('orders and invoices share the connection string; onChange rebuilds each pool once after a rotation', async () => {
    const orders = await load<ExampleModule>('shared-config/orders.js')
    const invoices = await load<ExampleModule>('shared-config/invoices.js')
    const clock = manualClock()
    const changes: string[][] = []
    const options = {
      awsClientOptions: s.clientOptions,
      clock,
      cacheExpiry: 60_000,
      jitter: 0,
      logger: recordingLogger(),
      onChange: (keys: string[]) => {
        changes.push(keys)
      },
    }
    const functions = [orders.createHandler(options), invoices.createHandler(options)]
    for (const example of functions) {
      const seen: Record<string, unknown> = {}
      example.handler.before(({ context }) => {
        seen.DB_URL = context.DB_URL
        seen.DB_POOL = context.DB_POOL
      })
      const first = await example.handler({}, lambdaContext())
      expect(seen).toEqual({ DB_URL: dbUrl(PASSWORD_1), DB_POOL: { max: 3 } })
      expect(first).toMatchObject({ poolBuilds: 1, passwordFingerprint: sha8(PASSWORD_1) })
      expectNoCanary(JSON.stringify(first))
    }

    s.store.put('/shared/db-url', dbUrl(PASSWORD_2))
    // Still fresh: the same pool, the old password, until cacheExpiry passes.
    for (const example of functions) {
      expect(await example.handler({}, lambdaContext())).toMatchObject({ poolBuilds: 1 })
    }
    clock.advance(60_001)
    for (const example of functions) {
      const rotated = await example.handler({}, lambdaContext())
      expect(rotated).toMatchObject({ poolBuilds: 2, passwordFingerprint: sha8(PASSWORD_2) })
      // The next invocation keeps the new pool.
      expect(await example.handler({}, lambdaContext())).toMatchObject({ poolBuilds: 2 })
      expect(example.db?.builds).toBe(2)
    }
    // The caller's onChange runs too, once per function, for the key that changed.
    expect(changes).toEqual([['DB_URL'], ['DB_URL']])
  })
})
