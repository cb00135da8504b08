/**
 * The failing inputs of issue 10, each through the public API against an in-process fake store on fake timers
 * (no sockets), with the right value written out — and for each kind at least one more input of our own.
 * The wire-level inputs (3, 4, 5, 7) run again through the real SDK in ssm.test.ts and secrets-manager.test.ts.
 */
import { classifyError } from '../../src/classify.js'
import { SecretsError, secrets } from '../../src/index.js'
import { parseRef } from '../../src/parameter.js'
import type { Outcome } from '../../src/sources/source.js'
import { SsmSource } from '../../src/sources/stores/ssm.js'
import {
  advance,
  arnOf,
  type Call,
  FakeStore,
  fakeClock,
  invoke,
  OWN_ACCOUNT,
  serviceError,
  useFakeTime,
} from '../support/fake.js'
import { canary, everythingShown, expectNoCanary, recordingLogger, runBefore } from '../support/harness.js'

const make = (store: FakeStore, fetchData: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const clock = fakeClock()
  const logger = recordingLogger()
  const mw = secrets({
    fetchData: fetchData as Record<string, string>,
    AwsClient: store.Client,
    secretsManager: { AwsClient: store.Client },
    clock,
    logger,
    ...extra,
  })
  return { mw, clock, logger }
}

const ENV = ['DB_PASSWORD', 'TOKEN', 'K5', 'DB']
afterEach(() => {
  for (const key of ENV) delete process.env[key]
})

describe('1. invalidate() is a promise about the future', () => {
  useFakeTime()

  test('the input: invalidate() while a refresh is in flight — the next invocation waits for a round started after it', async () => {
    const store = new FakeStore()
    store.put('/db/password', 'old-password')
    const { mw } = make(store, { DB_PASSWORD: '/db/password' }, { cacheExpiry: 2_000, jitter: 0.5 })
    expect((await invoke(mw)).values.DB_PASSWORD).toBe('old-password')
    store.latencyMs = 500
    // Past the first refresh point, 2000 × (1 − 0.5 × (0.1 + 0.9 × 0.5)) = 1450 ms: a background refresh starts.
    await advance(1_600)
    const background = await invoke(mw)
    expect([background.waited, background.values.DB_PASSWORD, store.count()]).toEqual([false, 'old-password', 2])
    store.put('/db/password', 'new-password')
    mw.invalidate(['DB_PASSWORD'])
    const next = await invoke(mw)
    expect([next.waited, next.error, next.values.DB_PASSWORD]).toEqual([true, undefined, 'new-password'])
    // The round in flight (old-password) satisfied nothing; one more round was made.
    expect(store.count()).toBe(3)
    const after = await invoke(mw)
    expect([after.waited, after.values.DB_PASSWORD, store.count()]).toEqual([false, 'new-password', 3])
  })

  test('the input: with staleWhileRevalidate and nothing in flight, invalidate() is not ignored', async () => {
    const store = new FakeStore()
    store.put('/db/password', 'old-password')
    const { mw } = make(
      store,
      { DB_PASSWORD: '/db/password' },
      { cacheExpiry: 2_000, jitter: 0.5, staleWhileRevalidate: 60_000 },
    )
    await invoke(mw)
    await advance(3_000)
    store.put('/db/password', 'new-password')
    mw.invalidate(['DB_PASSWORD'])
    const next = await invoke(mw)
    expect([next.waited, next.values.DB_PASSWORD, store.count()]).toEqual([true, 'new-password', 2])
  })

  test('an older round landing after invalidate() does not reset the expiry: the next invocation still waits', async () => {
    const store = new FakeStore()
    store.put('/db/password', 'old-password')
    const { mw } = make(store, { DB_PASSWORD: '/db/password' }, { cacheExpiry: 2_000, jitter: 0.5 })
    await invoke(mw)
    store.latencyMs = 500
    await advance(1_600)
    await invoke(mw)
    mw.invalidate()
    store.put('/db/password', 'new-password')
    // The old round lands with nobody waiting on it.
    await advance(600)
    expect(mw.stats().keys.DB_PASSWORD?.rung).toBe('fresh')
    const next = await invoke(mw)
    expect([next.waited, next.values.DB_PASSWORD, store.count()]).toEqual([true, 'new-password', 3])
  })

  test('invalidate() while the store fails: the invocation waits, then the ladder (stale), and never waits again', async () => {
    const store = new FakeStore()
    store.put('/db/password', 'old-password')
    const { mw } = make(store, { DB_PASSWORD: '/db/password' }, { cacheExpiry: 60_000 })
    await invoke(mw)
    store.override = () => serviceError('InternalServerError', 500)
    mw.invalidate(['DB_PASSWORD'])
    const next = await invoke(mw)
    expect([next.waited, next.error, next.values.DB_PASSWORD]).toEqual([true, undefined, 'old-password'])
    expect(mw.stats().keys.DB_PASSWORD).toMatchObject({ rung: 'stale', reason: 'store_error' })
    const again = await invoke(mw)
    expect([again.waited, again.values.DB_PASSWORD, store.count()]).toEqual([false, 'old-password', 2])
  })

  test('invalidate() of 10,000 keys: every key is fetched again by the next invocation; an unknown key is refused', async () => {
    const store = new FakeStore()
    const fetchData: Record<string, string> = {}
    for (let i = 0; i < 10_000; i++) {
      store.put(`/many/k${i}`, `v${i}`)
      fetchData[`K${i}`] = `/many/k${i}`
    }
    const { mw } = make(store, fetchData)
    await invoke(mw)
    expect(store.count()).toBe(1_000)
    expect(() => mw.invalidate(['K1', 'NOPE' as never])).toThrow(SecretsError)
    mw.invalidate(Object.keys(fetchData) as never)
    const next = await invoke(mw)
    expect([next.waited, next.values.K9999, store.count()]).toEqual([true, 'v9999', 2_000])
  })
})

describe('2. no invocation fails on a verdict it never saw', () => {
  useFakeTime()

  test('the input: a prefetch that hung past fetchTimeout before the first event — the first invocation is served', async () => {
    const store = new FakeStore()
    store.put('/token', 'the-token')
    store.override = (_call, n) => (n === 1 ? 'hang' : undefined)
    const { mw } = make(store, { TOKEN: '/token' })
    await advance(2_010)
    const first = await invoke(mw)
    expect([first.waited, first.error, first.values.TOKEN]).toEqual([true, undefined, 'the-token'])
    expect(store.count()).toBe(2)
  })

  test('after an outage a key with nothing to serve recovers within a second, at about one call a second meanwhile', async () => {
    const store = new FakeStore()
    store.put('/token', 'the-token')
    store.override = () => serviceError('InternalServerError', 500)
    const { mw } = make(store, { TOKEN: '/token' })
    let failed = 0
    // Two minutes down, an invocation every 100 ms.
    for (let t = 0; t < 120_000; t += 100) {
      if ((await invoke(mw)).error) failed++
      await advance(100)
    }
    expect(failed).toBe(1_200)
    // The prefetch, then at most one attempt per started second.
    expect(store.count()).toBeLessThanOrEqual(121)
    expect(store.count()).toBeGreaterThanOrEqual(100)
    store.override = undefined
    const healedAt = Date.now()
    let servedAt: number | undefined
    while (servedAt === undefined && Date.now() - healedAt < 60_000) {
      if ((await invoke(mw)).values.TOKEN === 'the-token') servedAt = Date.now()
      else await advance(100)
    }
    expect(servedAt! - healedAt).toBeLessThanOrEqual(1_000)
  })

  test('a key with a deploy-time value is not tried every second: it keeps to the backoff', async () => {
    process.env.TOKEN = 'deploy-time'
    const store = new FakeStore()
    store.override = () => serviceError('InternalServerError', 500)
    const { mw } = make(store, { TOKEN: '/token' }, { cacheExpiry: 60_000 })
    for (let t = 0; t < 120_000; t += 100) {
      expect((await invoke(mw)).values.TOKEN).toBe('deploy-time')
      await advance(100)
    }
    // Backoff 0.5 × min(60 s, 1 s × 2^(k−1)): attempts at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5, 61.5 and 91.5 s.
    expect(store.count()).toBe(9)
  })
})

describe('3. a GetParameters batch denied as a whole is split in the same round', () => {
  useFakeTime()

  test('the input: A readable, optional B denied — invocation 1 serves A, B undefined, only B access_denied', async () => {
    const store = new FakeStore()
    store.put('/bots/superman/twitter-token', 'twitter-token')
    store.put('/other-team/key', 'not-ours')
    store.denied.add('/other-team/key')
    const { mw } = make(store, {
      A: '/bots/superman/twitter-token',
      B: { name: '/other-team/key', required: false },
    })
    for (let n = 1; n <= 2; n++) {
      const o = await invoke(mw)
      expect([o.error, o.values.A, o.values.B]).toEqual([undefined, 'twitter-token', undefined])
    }
    expect(mw.stats().keys).toMatchObject({
      A: { rung: 'fresh', reason: undefined },
      B: { rung: 'missing', reason: 'access_denied' },
    })
    // The denied batch, then one call per name.
    expect(store.calls.map((c) => c.input.Names)).toEqual([
      ['/bots/superman/twitter-token', '/other-team/key'],
      ['/bots/superman/twitter-token'],
      ['/other-team/key'],
    ])
  })

  test('each name gets its own verdict, with the ARN AWS names', async () => {
    const store = new FakeStore()
    store.put('/a', 'a')
    store.denied.add('/b')
    const source = new SsmSource(() => new store.Client(), await import('@aws-sdk/client-ssm'), classifyError)
    const out = new Map<string, Outcome>()
    await source.fetch([parseRef('/a'), parseRef('/b')], new AbortController().signal, out)
    expect(out.get('/a')).toEqual({ ok: true, raw: 'a' })
    expect(out.get('/b')).toMatchObject({
      ok: false,
      failure: { reason: 'access_denied', resourceArn: arnOf('/b'), errorName: 'AccessDeniedException' },
    })
    // Known denied: next time /b goes alone and /a is not denied with it.
    store.calls.length = 0
    await source.fetch([parseRef('/a'), parseRef('/b')], new AbortController().signal, out)
    expect(store.calls.map((c) => c.input.Names)).toEqual([['/b'], ['/a']])
  })

  test('KMS refusing one name of twelve: only its call is split, the other call stands', async () => {
    process.env.K5 = 'deploy-time'
    const store = new FakeStore()
    const fetchData: Record<string, string> = {}
    for (let i = 0; i < 12; i++) {
      store.put(`/kms/k${i}`, `v${i}`)
      fetchData[`K${i}`] = `/kms/k${i}`
    }
    const kms = serviceError(
      'AccessDeniedException',
      400,
      'User: x is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:123456789012:key/k (Service: AWSKMS; Status Code: 400)',
    )
    store.override = (call) => ((call.input.Names as string[]).includes('/kms/k5') ? kms : undefined)
    const { mw } = make(store, fetchData)
    const o = await invoke(mw)
    expect(o.error).toBeUndefined()
    expect(Object.keys(fetchData).map((k) => o.values[k])).toEqual([
      'v0',
      'v1',
      'v2',
      'v3',
      'v4',
      'deploy-time',
      'v6',
      'v7',
      'v8',
      'v9',
      'v10',
      'v11',
    ])
    expect(mw.stats().keys.K5).toMatchObject({ rung: 'env', reason: 'kms_denied' })
    // Two batches; the one holding k5 denied and split into ten.
    expect(store.count()).toBe(12)
  })
})

describe('4. every answer is matched to exactly the reference it answers', () => {
  useFakeTime()
  const SHARED = 'arn:aws:ssm:us-east-1:000000000000:parameter/foo'

  test.each([
    ['the other account second', false],
    ['the other account first', true],
  ])('the input: own /foo by name and another account’s /foo by ARN, %s', async (_label, reversed) => {
    const store = new FakeStore()
    store.put('/foo', 'own-foo')
    store.put('/foo', 'shared-foo', '000000000000')
    store.override = (call) => {
      if (call.operation !== 'GetParameters') return undefined
      const answer = store.answer(call) as { Parameters: unknown[] }
      return reversed ? { ...answer, Parameters: [...answer.Parameters].reverse() } : answer
    }
    const { mw } = make(store, { OWN_FOO: '/foo', SHARED_FOO: SHARED })
    const o = await invoke(mw)
    expect([o.values.OWN_FOO, o.values.SHARED_FOO]).toEqual(['own-foo', 'shared-foo'])
  })

  test('a duplicate and an unasked-for result are ignored; a name the answer leaves out is invalid_response', async () => {
    const store = new FakeStore()
    store.override = (call) => ({
      Parameters: [
        { Name: '/dup', Value: 'first', ARN: arnOf('/dup') },
        { Name: '/dup', Value: 'second', ARN: arnOf('/dup') },
        { Name: '/unasked', Value: 'unasked', ARN: arnOf('/unasked') },
        { Name: '/dup', Value: 'other-account', ARN: arnOf('/dup', '000000000000') },
      ],
      InvalidParameters: (call.input.Names as string[]).includes('/gone') ? ['/gone'] : [],
    })
    const { mw } = make(store, {
      DUP: '/dup',
      GONE: { name: '/gone', required: false },
      LEFT_OUT: { name: '/left-out', required: false },
    })
    const o = await invoke(mw)
    expect([o.error, o.values.DUP, o.values.GONE, o.values.LEFT_OUT]).toEqual([
      undefined,
      'first',
      undefined,
      undefined,
    ])
    expect(mw.stats().keys).toMatchObject({
      GONE: { reason: 'not_found' },
      LEFT_OUT: { reason: 'invalid_response' },
    })
    expect(Object.values(o.values)).not.toContain('unasked')
  })
})

describe('5. a malformed answer to one call fails only that call’s names', () => {
  useFakeTime()

  const world = (malformed: unknown) => {
    const store = new FakeStore()
    const fetchData: Record<string, unknown> = {}
    for (let i = 0; i < 10; i++) {
      store.put(`/app/k${i}`, `v${i}`)
      fetchData[`K${i}`] = `/app/k${i}`
    }
    store.put('/app/k10', 'v10')
    fetchData.K10 = { name: '/app/k10', required: false }
    store.put('/app/db/host', 'db.example')
    fetchData.DB = '/app/db/'
    store.override = (call: Call) =>
      call.operation === 'GetParameters' && (call.input.Names as string[]).includes('/app/k10') ? malformed : undefined
    return { store, fetchData }
  }

  test.each([
    ['{"Parameters":[null]}', { Parameters: [null] }],
    ['5 (the SDK hands over {})', 5],
    ['{}', {}],
    ['{"Parameters":{}}', { Parameters: {} }],
    ['a Value that is not a string', { Parameters: [{ Name: '/app/k10', Value: 10 }] }],
  ])('the input: the call holding /app/k10 answers %s', async (_label, malformed) => {
    const { store, fetchData } = world(malformed)
    const { mw } = make(store, fetchData)
    const o = await invoke(mw)
    expect(o.error).toBeUndefined()
    expect(o.values).toMatchObject({ K0: 'v0', K9: 'v9', K10: undefined, DB: { host: 'db.example' } })
    const stats = mw.stats().keys
    expect(stats.K10).toMatchObject({ rung: 'missing', reason: 'invalid_response' })
    for (const key of ['K0', 'K9', 'DB']) expect(stats[key]).toMatchObject({ rung: 'fresh', reason: undefined })
  })

  test.each([
    ['SecretValues: {}', { SecretValues: {} }],
    ['SecretValues: [null]', { SecretValues: [null] }],
    ['Errors: 5', { SecretValues: [], Errors: 5 }],
    ['{}', {}],
  ])(
    'Secrets Manager: a BatchGetSecretValue answering %s fails only that call’s secrets',
    async (_label, malformed) => {
      const store = new FakeStore()
      const fetchData: Record<string, unknown> = {}
      for (let i = 0; i < 21; i++) {
        store.secrets.set(`app/s${i}`, `s${i}`)
        fetchData[`S${i}`] = { name: `secretsmanager:app/s${i}`, required: false }
      }
      store.override = (call) =>
        call.operation === 'BatchGetSecretValue' && (call.input.SecretIdList as string[]).includes('app/s20')
          ? malformed
          : undefined
      const { mw } = make(store, fetchData, { secretsManager: { AwsClient: store.Client, batch: true } })
      const o = await invoke(mw)
      expect(o.error).toBeUndefined()
      expect([o.values.S0, o.values.S19, o.values.S20]).toEqual(['s0', 's19', undefined])
      expect(mw.stats().keys.S20).toMatchObject({ reason: 'invalid_response' })
      expect(mw.stats().keys.S0).toMatchObject({ reason: undefined })
    },
  )

  test('Secrets Manager: a GetSecretValue answering {} fails only that secret', async () => {
    const store = new FakeStore()
    store.secrets.set('app/a', 'a')
    store.secrets.set('app/b', 'b')
    store.override = (call) => (call.input.SecretId === 'app/b' ? {} : undefined)
    const { mw } = make(store, { A: 'secretsmanager:app/a', B: { name: 'secretsmanager:app/b', required: false } })
    const o = await invoke(mw)
    expect([o.error, o.values.A, o.values.B]).toEqual([undefined, 'a', undefined])
    expect(mw.stats().keys.B).toMatchObject({ reason: 'invalid_response' })
  })
})

describe('6. when the wait budget runs out, the whole ladder applies', () => {
  useFakeTime()

  test('the input: expired a minute ago, store hangs, 2 s left — the last good value is served stale', async () => {
    const store = new FakeStore()
    store.put('/token', 'last-good')
    const { mw } = make(store, { TOKEN: '/token' })
    await invoke(mw)
    await advance(300_000 + 60_000)
    store.override = () => 'hang'
    const o = await invoke(mw, 2_000)
    expect([o.waited, o.error, o.values.TOKEN]).toEqual([true, undefined, 'last-good'])
    expect(mw.stats().keys.TOKEN).toMatchObject({ rung: 'stale', ageMs: 360_000 + 1_800 })
  })

  test('beyond staleIfError the deploy-time value comes before an error; without one the error says timed_out', async () => {
    process.env.TOKEN = 'deploy-time'
    const store = new FakeStore()
    store.put('/token', 'last-good')
    store.put('/other', 'other')
    const covered = make(store, { TOKEN: '/token' }, { staleIfError: 10_000 })
    const bare = make(store, { OTHER: '/other' }, { staleIfError: 10_000 })
    await invoke(covered.mw)
    await invoke(bare.mw)
    await advance(300_000 + 60_000)
    store.override = () => 'hang'
    const o = await invoke(covered.mw, 2_000)
    expect([o.error, o.values.TOKEN]).toEqual([undefined, 'deploy-time'])
    const failed = await invoke(bare.mw, 2_000)
    expect(failed.error).toMatchObject({ code: 'UNAVAILABLE', reasons: { OTHER: 'timed_out' } })
  })

  test('a budget of nothing (no time left) still serves the ladder, stale first', async () => {
    const store = new FakeStore()
    store.put('/token', 'last-good')
    const { mw } = make(store, { TOKEN: '/token' }, { cacheExpiry: 1_000 })
    await invoke(mw)
    await advance(5_000)
    store.latencyMs = 100
    const o = await invoke(mw, 0)
    expect([o.waited, o.error, o.values.TOKEN]).toEqual([true, undefined, 'last-good'])
  })
})

describe('7. bounded work', () => {
  useFakeTime()

  test('the input: a path answered with empty pages and a NextToken forever stops after 100 pages', async () => {
    const store = new FakeStore()
    store.override = (call, n) =>
      call.operation === 'GetParametersByPath' ? { Parameters: [], NextToken: `token-${n}` } : undefined
    const { mw } = make(store, { DB: '/app/db/' })
    const o = await invoke(mw)
    expect(o.error).toMatchObject({ code: 'UNAVAILABLE', reasons: { DB: 'invalid_response' } })
    expect(store.count('GetParametersByPath')).toBe(100)
  })

  test('a repeated NextToken stops the paging at once', async () => {
    const store = new FakeStore()
    store.override = (call) =>
      call.operation === 'GetParametersByPath'
        ? { Parameters: [{ Name: '/app/db/host', Value: 'h' }], NextToken: 'same' }
        : undefined
    const { mw } = make(store, { DB: '/app/db/' })
    const o = await invoke(mw)
    expect(o.error).toMatchObject({ reasons: { DB: 'invalid_response' } })
    expect(store.count('GetParametersByPath')).toBe(2)
  })

  test('a path of 25 parameters in three pages is read whole', async () => {
    const store = new FakeStore()
    for (let i = 0; i < 25; i++) store.put(`/app/db/p${String(i).padStart(2, '0')}`, `v${i}`)
    const { mw } = make(store, { DB: '/app/db/' })
    const o = await invoke(mw)
    expect(Object.keys(o.values.DB as object)).toHaveLength(25)
    expect(store.count('GetParametersByPath')).toBe(3)
  })
})

describe('8. an answer ends stale service; a fault keeps it', () => {
  useFakeTime()
  // The first refresh point after a cold start: 300 s × (1 − 0.5 × (0.1 + 0.9 × 0.5)) = 217.5 s.
  const REFRESH = 217_500

  test.each([
    ['deleted', 'not_found', (store: FakeStore) => store.delete('/db/password')],
    ['access revoked', 'access_denied', (store: FakeStore) => store.denied.add('/db/password')],
  ] as const)('the input: a parameter %s is no longer served at the next refresh', async (_label, reason, inject) => {
    process.env.DB_PASSWORD = 'deploy-time'
    const store = new FakeStore()
    store.put('/db/password', 'old-password')
    const { mw } = make(store, { DB_PASSWORD: '/db/password' })
    await invoke(mw)
    inject(store)
    await advance(REFRESH)
    // This invocation starts the refresh in the background; the next one sees its answer.
    expect((await invoke(mw)).values.DB_PASSWORD).toBe('old-password')
    const o = await invoke(mw)
    expect([o.waited, o.values.DB_PASSWORD]).toEqual([false, 'deploy-time'])
    expect(mw.stats().keys.DB_PASSWORD).toMatchObject({ rung: 'env', reason })
    // Checked again on the normal schedule, not on the backoff: one call in the next cacheExpiry (at 283.5 s).
    const calls = store.count()
    for (let t = 0; t < 300_000; t += 1_000) {
      expect((await invoke(mw)).values.DB_PASSWORD).toBe('deploy-time')
      await advance(1_000)
    }
    expect(store.count() - calls).toBe(1)
  })

  test('without a deploy-time value the answer fails the invocation at once, naming it', async () => {
    const store = new FakeStore()
    store.put('/db/password', 'old-password')
    const { mw } = make(store, { DB_PASSWORD: '/db/password' })
    await invoke(mw)
    store.delete('/db/password')
    await advance(REFRESH)
    await invoke(mw)
    const o = await invoke(mw)
    expect(o.error).toMatchObject({ code: 'UNAVAILABLE', reasons: { DB_PASSWORD: 'not_found' } })
  })

  test('a fault keeps the last good value in service, and a re-created parameter comes back', async () => {
    const store = new FakeStore()
    store.put('/db/password', 'old-password')
    const { mw } = make(store, { DB_PASSWORD: '/db/password' })
    await invoke(mw)
    store.override = () => serviceError('ThrottlingException', 400)
    await advance(REFRESH)
    await invoke(mw)
    await advance(300_000)
    const o = await invoke(mw)
    expect([o.error, o.values.DB_PASSWORD]).toEqual([undefined, 'old-password'])
    expect(mw.stats().keys.DB_PASSWORD).toMatchObject({ rung: 'stale', reason: 'throttled' })
    store.override = undefined
    store.put('/db/password', 'new-password')
    await advance(60_000)
    await invoke(mw)
    expect((await invoke(mw)).values.DB_PASSWORD).toBe('new-password')
  })
})

describe('9. nothing a user passes in causes an unhandled rejection', () => {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  beforeEach(() => {
    unhandled.length = 0
    process.on('unhandledRejection', onUnhandled)
  })
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled)
  })
  const turn = () => new Promise((resolve) => setTimeout(resolve, 20))

  test('the input: an async transform on a non-JSON value — transform_failed, saying transforms must be synchronous', async () => {
    const store = new FakeStore()
    store.put('/limits', canary('not-json'))
    const { mw, logger } = make(store, {
      LIMITS: { name: '/limits', transform: async (raw: string) => JSON.parse(raw) },
    })
    let error: unknown
    try {
      await runBefore(mw)
    } catch (e) {
      error = e
    }
    await turn()
    expect(unhandled).toEqual([])
    expect(error).toMatchObject({ code: 'TRANSFORM_FAILED', reasons: { LIMITS: 'transform_failed' } })
    expect((error as Error).message).toContain('transforms must be synchronous')
    expectNoCanary(everythingShown(error))
    expectNoCanary(JSON.stringify(logger.lines))
  })

  test('an async transform that would succeed is refused all the same, on the env rung too', async () => {
    process.env.TOKEN = 'deploy-time'
    const store = new FakeStore()
    store.override = () => serviceError('InternalServerError', 500)
    const { mw } = make(store, { TOKEN: { name: '/token', transform: async (raw: string) => raw } })
    await expect(runBefore(mw)).rejects.toMatchObject({ reasons: { TOKEN: 'store_error' } })
    await turn()
    expect(unhandled).toEqual([])
  })

  test('the input: an async onChange that throws is caught and logged without the value', async () => {
    const store = new FakeStore()
    store.put('/token', canary('v1'))
    const { mw, logger } = make(
      store,
      {
        TOKEN: '/token',
      },
      {
        onChange: async () => {
          throw new Error(canary('in-onChange'))
        },
      },
    )
    await runBefore(mw)
    store.put('/token', canary('v2'))
    mw.invalidate()
    const { req } = await runBefore(mw)
    expect(req.context.TOKEN).toBe(canary('v2'))
    await turn()
    expect(unhandled).toEqual([])
    const failed = logger.lines.filter((line) => line.event.event === 'onChange_failed')
    expect(failed.map((line) => [line.level, line.event.keys, line.event.errorName])).toEqual([
      ['error', ['TOKEN'], 'Error'],
    ])
    expectNoCanary(JSON.stringify(logger.lines))
  })

  test('a thenable whose then() throws, from a transform or onChange, is handled too', async () => {
    const hostile = {
      // biome-ignore lint/suspicious/noThenProperty: the point of the test
      then() {
        throw new Error('then')
      },
    }
    const store = new FakeStore()
    store.put('/token', 'v1')
    const { mw, logger } = make(
      store,
      { TOKEN: '/token', T2: { name: '/token', transform: () => hostile, required: false } },
      { onChange: () => hostile },
    )
    await runBefore(mw)
    expect(mw.stats().keys.T2).toMatchObject({ reason: 'transform_failed' })
    store.put('/token', 'v2')
    mw.invalidate(['TOKEN'])
    await runBefore(mw)
    await turn()
    expect(unhandled).toEqual([])
    expect(logger.lines.some((line) => line.event.event === 'onChange_failed')).toBe(true)
  })
})

describe('10. refresh points are uniform over [0.1, 1] of the spread', () => {
  useFakeTime()

  test('the input: draws below 0.1 no longer bunch on one instant', async () => {
    // cacheExpiry 1 s, first spread min(0.5, 5 × 0.1): random 0.02 → 941 ms, random 0.07 → 918.5 ms (both 950 before).
    const store = new FakeStore()
    store.put('/token', 'v1')
    const a = make(
      store,
      { TOKEN: '/token' },
      { cacheExpiry: 1_000, clock: { now: () => Date.now(), random: () => 0.02 } },
    )
    const b = make(
      store,
      { TOKEN: '/token' },
      { cacheExpiry: 1_000, clock: { now: () => Date.now(), random: () => 0.07 } },
    )
    await invoke(a.mw)
    await invoke(b.mw)
    expect(a.mw.stats().storeCalls + b.mw.stats().storeCalls).toBe(2)
    await advance(930)
    await invoke(a.mw)
    await invoke(b.mw)
    expect([a.mw.stats().storeCalls, b.mw.stats().storeCalls]).toEqual([1, 2])
    await advance(12)
    await invoke(a.mw)
    expect(a.mw.stats().storeCalls).toBe(2)
  })
})

describe('the fake store answers as the wire does', () => {
  test('its own account is the one ARNs of own parameters name', () => {
    expect(arnOf('/x')).toBe(`arn:aws:ssm:us-east-1:${OWN_ACCOUNT}:parameter/x`)
  })
})
