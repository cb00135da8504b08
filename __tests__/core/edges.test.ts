/**
 * The core's edges that no store produces on purpose: a source that breaks its contract, hostile errors from
 * onChange, denials without a readable message, path pages of the wrong shape.
 */
import { Cache } from '../../src/core/cache.js'
import { classifyError } from '../../src/errors.js'
import { secrets } from '../../src/index.js'
import { resolveOptions } from '../../src/options.js'
import { createPrepare } from '../../src/prepare.js'
import type { Outcome, Source } from '../../src/sources/source.js'
import { FakeStore, fakeClock, invoke, serviceError, useFakeTime } from '../support/fake.js'
import { recordingLogger } from '../support/harness.js'

const cacheOver = (source: Source, extra: Record<string, unknown> = {}) => {
  const logger = recordingLogger()
  const opts = resolveOptions({
    fetchData: { A: '/a', B: { name: '/b', required: false } },
    clock: fakeClock(),
    logger,
    ...extra,
  })
  const cache = new Cache(opts, source, createPrepare(false), (level, message, event) =>
    logger[level]?.(message, event),
  )
  return { cache, logger }
}

describe('a source that breaks its contract', () => {
  useFakeTime()

  test('one that rejects after answering a reference: the answer stands, the rest fail with the reason', async () => {
    const source: Source = {
      calls: 1,
      fetch: async (_refs, _signal, out: Map<string, Outcome>) => {
        out.set('/a', { ok: true, raw: 'a' })
        throw serviceError('InternalServerError', 500)
      },
    }
    const { cache } = cacheOver(source)
    const waiting = cache.resolve({})
    await waiting
    expect(cache.values).toEqual(['a', undefined])
    expect(cache.stats().keys).toMatchObject({ A: { rung: 'fresh' }, B: { rung: 'missing', reason: 'store_error' } })
  })

  test('one that throws before returning a promise: every reference fails, nothing is left unhandled', async () => {
    const source: Source = {
      calls: 0,
      fetch: () => {
        throw new Error('broken')
      },
    }
    const { cache } = cacheOver(source)
    await expect(cache.resolve({})).rejects.toMatchObject({ code: 'UNAVAILABLE', reasons: { A: 'unreachable' } })
  })

  test('a context without getRemainingTimeInMillis waits up to fetchTimeout', async () => {
    const store = new FakeStore()
    store.put('/a', 'a')
    store.latencyMs = 1_500
    const mw = secrets({ fetchData: { A: '/a' }, AwsClient: store.Client, clock: fakeClock(), logger: {} })
    const request = { event: {}, context: {} as Record<string, unknown>, internal: {} }
    const out = mw.before(request as never)
    expect(out).toBeInstanceOf(Promise)
    await invoke({ before: () => out })
    expect(request.context.A).toBe('a')
  })
})

describe('onChange errors that fight back', () => {
  useFakeTime()

  test('an error whose name getter throws is logged without a name', async () => {
    const store = new FakeStore()
    store.put('/a', 'v1')
    const logger = recordingLogger()
    const hostile = Object.defineProperty({}, 'name', {
      get() {
        throw new Error('no')
      },
    })
    const mw = secrets({
      fetchData: { A: '/a' },
      AwsClient: store.Client,
      clock: fakeClock(),
      logger,
      onChange: () => Promise.reject(hostile),
    })
    await invoke(mw)
    store.put('/a', 'v2')
    mw.invalidate()
    expect((await invoke(mw)).values.A).toBe('v2')
    const failed = logger.lines.filter((line) => line.event.event === 'onChange_failed')
    expect(failed.map((line) => line.event.errorName)).toEqual([undefined])
  })
})

describe('denials and pages of the wrong shape', () => {
  useFakeTime()

  test('a denial without a message keeps no ARN; other failures are as classified', () => {
    expect(classifyError({ name: 'AccessDeniedException' })).toEqual({
      reason: 'access_denied',
      errorName: 'AccessDeniedException',
    })
    expect(classifyError({ name: 'AccessDeniedException', message: 'no resource named' }).resourceArn).toBeUndefined()
    expect(classifyError(serviceError('ThrottlingException', 400)).reason).toBe('throttled')
  })

  test.each([
    ['an entry whose Value is not a string', { Parameters: [{ Name: '/app/db/host', Value: 5 }] }],
    ['an entry outside the path', { Parameters: [{ Name: '/elsewhere/host', Value: 'h' }] }],
    ['a NextToken that is not a string', { Parameters: [], NextToken: 5 }],
    ['no Parameters at all', {}],
  ])('a path page with %s is invalid_response', async (_label, page) => {
    const store = new FakeStore()
    store.override = () => page
    const mw = secrets({
      fetchData: { DB: { name: '/app/db/', required: false } },
      AwsClient: store.Client,
      clock: fakeClock(),
      logger: {},
    })
    await invoke(mw)
    expect(mw.stats().keys.DB).toMatchObject({ rung: 'missing', reason: 'invalid_response' })
  })

  test('a path that answers with an error is that error', async () => {
    const store = new FakeStore()
    store.override = () => serviceError('ThrottlingException', 400)
    const mw = secrets({
      fetchData: { DB: { name: '/app/db/', required: false } },
      AwsClient: store.Client,
      clock: fakeClock(),
      logger: {},
    })
    await invoke(mw)
    expect(mw.stats().keys.DB).toMatchObject({ reason: 'throttled' })
  })

  test('Secrets Manager: a whole batch throttled fails its secrets with throttled, without splitting it', async () => {
    const store = new FakeStore()
    store.secrets.set('s/a', 'a')
    store.override = (call) =>
      call.operation === 'BatchGetSecretValue' ? serviceError('ThrottlingException', 400) : undefined
    const mw = secrets({
      fetchData: { A: { name: 'secretsmanager:s/a', required: false } },
      secretsManager: { AwsClient: store.Client, batch: true },
      clock: fakeClock(),
      logger: {},
    })
    await invoke(mw)
    expect(mw.stats().keys.A).toMatchObject({ reason: 'throttled' })
    expect(store.count('GetSecretValue')).toBe(0)
  })
})
