import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import middy from '@middy/core'
import { type Outcome, SecretsError, type Source, type SourceRef, secrets } from '../src/index.js'
import {
  CANARY,
  canary,
  everythingShown,
  expectNoCanary,
  lambdaContext,
  manualClock,
  recordingLogger,
  runBefore,
} from './support/harness.js'

// A store of the user's own: the example's HTTP config service source, against a real HTTP server on 127.0.0.1.
const example = (file: string) =>
  pathToFileURL(new URL(`../examples/custom-store/${file}`, import.meta.url).pathname).href
const { httpConfigSource } = (await import(example('config-service.js'))) as {
  httpConfigSource: (baseUrl: string) => Source
}

const service = { values: new Map<string, string>(), status: 200, requests: 0 }
let server: Server
let baseUrl: string

beforeAll(async () => {
  server = createServer((request, response) => {
    service.requests++
    if (service.status !== 200) {
      response.writeHead(service.status).end()
      return
    }
    const names = new URL(request.url ?? '/', 'http://x').searchParams.getAll('name')
    const values = Object.fromEntries(
      names.flatMap((name) => (service.values.has(name) ? [[name, service.values.get(name)]] : [])),
    )
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ values }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})
beforeEach(() => {
  service.values.clear()
  service.status = 200
  service.requests = 0
})
afterEach(() => {
  delete process.env.GREETING
})

const setup = (fetchData: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const clock = manualClock()
  const logger = recordingLogger()
  const mw = secrets({
    fetchData: fetchData as Record<string, string>,
    stores: { config: httpConfigSource(baseUrl) },
    cacheExpiry: 1_000,
    jitter: 0,
    staleIfError: 10_000,
    logger,
    clock,
    ...extra,
  })
  return { mw, clock, logger }
}

describe('a store of your own gets the same ladder', () => {
  test('fresh → stale while the service fails → deploy-time env → an error naming key, entry and reason', async () => {
    service.values.set('app/greeting', canary('hello'))
    process.env.GREETING = canary('deploy-time')
    const { mw, clock, logger } = setup({ GREETING: 'config:app/greeting' })
    expect((await runBefore(mw)).req.context.GREETING).toBe(canary('hello'))
    expect(mw.stats().keys.GREETING?.rung).toBe('fresh')
    expect(mw.stats().storeCalls).toBe(1)

    service.status = 503
    clock.advance(1_000)
    expect((await runBefore(mw)).req.context.GREETING).toBe(canary('hello'))
    expect(mw.stats().keys.GREETING).toMatchObject({ rung: 'stale', reason: 'store_error' })

    clock.advance(10_000)
    expect((await runBefore(mw)).req.context.GREETING).toBe(canary('deploy-time'))
    expect(mw.stats().keys.GREETING?.rung).toBe('env')

    delete process.env.GREETING
    const bare = setup({ GREETING: 'config:app/greeting' })
    let error: unknown
    try {
      await runBefore(bare.mw)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(SecretsError)
    expect((error as SecretsError).reasons).toEqual({ GREETING: 'store_error' })
    expect((error as SecretsError).parameters).toEqual(['config:app/greeting'])
    expectNoCanary(everythingShown(error) + JSON.stringify(logger.lines) + JSON.stringify(mw.stats()))
  })

  test('recovers, refreshes a changed value, and mixes with Parameter Store-free maps of one call per round', async () => {
    service.values.set('app/a', 'a1')
    service.values.set('app/b', 'b1')
    const { mw, clock } = setup({ A: 'config:app/a', B: { name: 'config:app/b', transform: 'json', required: false } })
    service.values.set('app/b', '{"on":true}')
    const first = await runBefore(mw)
    expect(first.req.context).toMatchObject({ A: 'a1', B: { on: true } })
    expect(service.requests).toBe(1)
    service.values.set('app/a', 'a2')
    clock.advance(1_000)
    await runBefore(mw)
    expect((await runBefore(mw)).req.context.A).toBe('a2')
  })

  test('a missing name is not_found, and an entry ending in / stands for an object of values', async () => {
    const seen: SourceRef[] = []
    const many: Source = {
      calls: 0,
      async fetch(refs, _signal, out) {
        seen.push(...refs)
        for (const ref of refs) out.set(ref.id, { ok: true, raw: { host: 'h', 'nested/port': '5432' } })
      },
    }
    const mw = secrets({ fetchData: { DB: 'many:db/' }, stores: { many } })
    expect((await runBefore(mw)).req.context.DB).toEqual({ host: 'h', 'nested/port': '5432' })
    expect(seen).toEqual([
      { store: 'many', kind: 'path', id: 'many:db/', name: 'db/', entry: 'many:db/', pinned: false },
    ])

    const { mw: missing } = setup({ NOPE: 'config:app/nope' })
    await expect(runBefore(missing)).rejects.toMatchObject({ reasons: { NOPE: 'not_found' } })
  })
})

/** A source whose every answer is what the test says. */
const answering = (answer: (ref: SourceRef) => unknown): Source => ({
  calls: 0,
  async fetch(refs, _signal, out) {
    for (const ref of refs) out.set(ref.id, answer(ref) as Outcome)
  },
})

const reasonsOf = async (source: Source, fetchData: Record<string, string> = { K: 'odd:k' }) => {
  const mw = secrets({ fetchData, stores: { odd: source }, fallbackToEnv: false, fetchTimeout: 200, logger: {} })
  try {
    await runBefore(mw)
  } catch (error) {
    expectNoCanary(everythingShown(error) + JSON.stringify(mw.stats()))
    return { error: error as SecretsError, stats: mw.stats() }
  }
  throw new Error('expected a SecretsError')
}

describe("a store's answers are checked, whatever it does", () => {
  test.each<[string, Source, string]>([
    ['a number for a value', answering(() => ({ ok: true, raw: 42 })), 'invalid_response'],
    ['an object for a single value', answering(() => ({ ok: true, raw: { a: 'b' } })), 'invalid_response'],
    ['an unknown reason', answering(() => ({ ok: false, failure: { reason: 'because' } })), 'store_error'],
    ['no outcome object', answering(() => null), 'store_error'],
    [
      'a throwing getter',
      answering(() => ({
        get ok() {
          throw new Error(canary('getter'))
        },
      })),
      'invalid_response',
    ],
    [
      'a rejection quoting a value',
      {
        calls: 0,
        fetch: async () => {
          throw new Error(canary('rejected'))
        },
      },
      'store_error',
    ],
    [
      'a synchronous throw',
      {
        calls: 0,
        fetch: () => {
          throw new Error(canary('thrown'))
        },
      },
      'store_error',
    ],
    ['a fetch that never settles', { calls: 0, fetch: () => new Promise<void>(() => {}) }, 'timed_out'],
    ['no answer at all', { calls: 0, fetch: async () => {} }, 'timed_out'],
  ])('%s: %s', async (_name, source, reason) => {
    const { error } = await reasonsOf(source)
    expect(error.reasons).toEqual({ K: reason })
  })

  test("a failure's detail and message are dropped (they could quote a value); its reason, error name and status stay", async () => {
    const source = answering(() => ({
      ok: false,
      failure: {
        reason: 'access_denied',
        detail: canary('detail'),
        errorName: 'Forbidden',
        httpStatus: 403,
        message: CANARY,
      },
    }))
    const { error } = await reasonsOf(source)
    expect(error.reasons).toEqual({ K: 'access_denied' })
    expect(error.failures.K).toEqual({ reason: 'access_denied', errorName: 'Forbidden', httpStatus: 403 })
    const odd = await reasonsOf(
      answering(() => ({ ok: false, failure: { reason: 'throttled', errorName: canary('a b'), httpStatus: '429' } })),
    )
    expect(odd.error.failures.K).toEqual({ reason: 'throttled' })
  })

  test('answers for references it was not asked about are ignored; a path value is copied, not kept', async () => {
    const raw: Record<string, string> = { a: '1' }
    const source: Source = {
      calls: 0,
      async fetch(refs, _signal, out) {
        out.set('odd:other', { ok: true, raw: canary('stray') })
        for (const ref of refs) out.set(ref.id, { ok: true, raw })
      },
    }
    const mw = secrets({ fetchData: { P: 'odd:p/' }, stores: { odd: source } })
    const { req } = await runBefore(mw)
    raw.a = canary('mutated')
    expect(req.context.P).toEqual({ a: '1' })
  })

  test('a thrown error keeps its name, never its message', async () => {
    class VaultSealed extends Error {
      override name = 'VaultSealed'
    }
    const { error } = await reasonsOf({
      calls: 0,
      fetch: async () => {
        throw new VaultSealed(canary('sealed'))
      },
    })
    expect(error.failures.K).toEqual({ reason: 'store_error', errorName: 'VaultSealed' })
  })

  test('calls that are not a count show as 0; a throwing calls getter too', async () => {
    const mw = secrets({
      fetchData: { K: 'odd:k' },
      logger: {},
      stores: {
        odd: {
          get calls(): number {
            throw new Error('no')
          },
          fetch: async (refs, _signal, out) => {
            for (const ref of refs) out.set(ref.id, { ok: true, raw: 'v' })
          },
        },
      },
    })
    await runBefore(mw)
    expect(mw.stats().storeCalls).toBe(0)
  })
})

describe('the stores option is checked at construction', () => {
  const source = answering(() => ({ ok: true, raw: 'v' }))
  test.each<[unknown, string]>([
    [[], 'middy-secrets: stores must be an object of store name → source'],
    [
      { Vault: source },
      "middy-secrets: stores has a store named 'Vault': a store name is 1–32 of a-z 0-9 -, starting with a letter",
    ],
    [{ secretsmanager: source }, 'middy-secrets: stores.secretsmanager names a built-in store: pick another name'],
    [{ dynamodb: source }, 'middy-secrets: stores.dynamodb names a built-in store: pick another name'],
    [{ vault: {} }, 'middy-secrets: stores.vault must be a source: an object with fetch() and calls'],
    [{ vault: 'http://vault' }, 'middy-secrets: stores.vault must be a source: an object with fetch() and calls'],
  ])('%j', (stores, message) => {
    expect(() => secrets({ fetchData: { K: '/k' }, stores: stores as never })).toThrow(message)
  })

  test('an entry of a store not given names the known prefixes, the user stores included', () => {
    expect(() => secrets({ fetchData: { K: 'vault:k' }, stores: { config: source } })).toThrow(
      'middy-secrets: fetchData.K: "vault:k" starts with \'vault:\', which is not a prefix this package knows (known: config: for the config store, secretsmanager: for Secrets Manager, appconfig: for AppConfig, dynamodb: for DynamoDB; a Parameter Store name takes no prefix)',
    )
  })

  test('an entry naming nothing after the prefix, and a field of another store, are refused naming the key', () => {
    expect(() => secrets({ fetchData: { K: 'config:' }, stores: { config: source } })).toThrow(
      `middy-secrets: fetchData.K: "config:" names nothing after 'config:'`,
    )
    expect(() =>
      secrets({ fetchData: { K: { name: 'config:k', versionStage: 'AWSPREVIOUS' } }, stores: { config: source } }),
    ).toThrow(
      'middy-secrets: fetchData.K.versionStage applies to Secrets Manager secrets only (this entry is read by the config store)',
    )
  })

  test('a user store beside Parameter Store: one map, each entry to its own store', async () => {
    const mw = secrets({
      fetchData: { K: 'config:k', P: '/p' },
      stores: { config: source },
      awsClientOptions: { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 },
      logger: {},
    })
    const handler = middy(async () => 'ok').use(mw)
    // No SSM endpoint: the SSM key fails, the user's store serves its own.
    await expect(handler({}, lambdaContext() as never)).rejects.toMatchObject({ keys: ['P'] })
    expect(mw.stats().keys.K?.rung).toBe('fresh')
  })
})
