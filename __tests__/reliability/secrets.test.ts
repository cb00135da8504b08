/**
 * No value ever leaves through a side door. Canary values sit in the store (String, SecureString, StringList, a
 * path, JSON) and in the deploy-time environment; for every fault kind the store can inject (and the data faults:
 * a deleted parameter, a value a transform rejects, a path collision) we drive a cold start, a stale period, the
 * end of staleIfError and the recovery, and capture everything a function could print: every logger line at all
 * four levels, every thrown error (message, stack, cause chain, JSON with own property names, util.inspect with
 * hidden fields), stats(), the middleware object itself. No canary may appear in any of it.
 */
import { inspect } from 'node:util'
import middy from '@middy/core'
import type { FaultKind, LocalParameterStore } from 'middy-secrets-local'
import { SecretsError, secrets } from '../../src/index.js'
import {
  CANARY,
  canary,
  eventually,
  everythingShown,
  expectNoCanary,
  lambdaContext,
  manualClock,
  recordingLogger,
  request,
  useStore,
} from '../support/harness.js'

const s = useStore()

const EXPIRY = 10_000
const STALE_IF_ERROR = 30_000
const FETCH_TIMEOUT = 200

interface Names {
  token: string
  secure: string
  list: string
  json: string
  custom: string
  db: string
}

interface Fault {
  inject(store: LocalParameterStore, n: Names): void
  heal(store: LocalParameterStore, n: Names): void
}

const storeFault = (kind: FaultKind, extra: { latencyMs?: number } = {}): Fault => ({
  inject: (store, n) => store.fault({ kind, names: Object.values(n), ...extra }),
  heal: (store) => store.clearFaults(),
})

const FAULTS: Record<string, Fault> = {
  throttle: storeFault('throttle'),
  'server-error': storeFault('server-error'),
  'access-denied': storeFault('access-denied'),
  'kms-denied': storeFault('kms-denied'),
  reset: storeFault('reset'),
  hang: storeFault('hang'),
  // 200 with the real response — every canary — inside an HTML page, or cut in half.
  malformed: storeFault('malformed'),
  truncated: storeFault('truncated'),
  latency: storeFault('latency', { latencyMs: 3 * FETCH_TIMEOUT }),
  'access denied for one name': {
    inject: (store, n) => store.fault({ kind: 'access-denied', names: [n.secure] }),
    heal: (store) => store.clearFaults(),
  },
  'deleted parameter': {
    inject: (store, n) => store.delete(n.token),
    heal: (store, n) => {
      store.put(n.token, canary('token-back'))
    },
  },
  'values a transform rejects': {
    inject: (store, n) => {
      store.put(n.json, `{"password": "${canary('bad-json')}"`)
      store.put(n.custom, canary('custom-rejected'))
    },
    heal: (store, n) => {
      store.put(n.json, JSON.stringify({ password: canary('json-back') }))
      store.put(n.custom, `{${canary('custom-back')}`)
    },
  },
  'path collision': {
    inject: (store, n) => {
      store.put(`${n.db}a-b`, canary('collide-1'))
      store.put(`${n.db}a_b`, canary('collide-2'))
    },
    heal: (store, n) => store.delete(`${n.db}a_b`),
  },
}

let worlds = 0
const COVERED = 'SC'
const BARE = 'SB'
const KEYS = ['TOKEN', 'SECURE', 'LIST', 'JSON', 'CUSTOM', 'DB'] as const

const plant = (): Names => {
  const base = `/sec/${++worlds}`
  const n: Names = {
    token: `${base}/token`,
    secure: `${base}/secure`,
    list: `${base}/list`,
    json: `${base}/json`,
    custom: `${base}/custom`,
    db: `${base}/db/`,
  }
  s.store.put(n.token, canary('token'))
  s.store.put(n.secure, canary('secure'), { type: 'SecureString' })
  s.store.put(n.list, `${canary('list-1')},${canary('list-2')}`, { type: 'StringList' })
  s.store.put(n.json, JSON.stringify({ password: canary('json') }))
  s.store.put(n.custom, `{${canary('custom')}`)
  s.store.put(`${n.db}host`, canary('db-host'))
  s.store.put(`${n.db}nested/password`, canary('db-password'))
  return n
}

const fetchData = (n: Names) => ({
  TOKEN: n.token,
  SECURE: n.secure,
  LIST: { name: n.list, transform: 'stringList' as const },
  JSON: { name: n.json, transform: 'json' as const },
  // A careless transform whose error quotes the value.
  CUSTOM: {
    name: n.custom,
    transform: (raw: string) => {
      if (!raw.startsWith('{')) throw new Error(`not an object: ${raw}`)
      return raw
    },
  },
  DB: n.db,
})

const prefixed = (prefix: string, n: Names) =>
  Object.fromEntries(Object.entries(fetchData(n)).map(([key, spec]) => [`${prefix}_${key}`, spec]))

// Deploy-time values are secrets too: the covered instance falls back to these.
beforeAll(() => {
  for (const key of KEYS) {
    process.env[`${COVERED}_${key}`] =
      key === 'DB' ? JSON.stringify({ host: canary('env-db') }) : key === 'JSON' ? '{"v":1}' : canary(`env-${key}`)
    if (key === 'CUSTOM') process.env[`${COVERED}_${key}`] = `{${canary('env-custom')}`
  }
})
afterAll(() => {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith(`${COVERED}_`) || name.startsWith(`${BARE}_`)) delete process.env[name]
  }
})

/** Everything a function could print about a thing, every way a logger might print it. */
const shown = (thing: unknown): string =>
  [
    everythingShown(thing),
    inspect(thing, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
    (() => {
      try {
        return JSON.stringify(thing)
      } catch {
        return ''
      }
    })(),
  ].join('\n')

/** How a handler or middleware prints a context or request: console.log, util.inspect with hidden fields, JSON. */
const printed = (thing: unknown): string =>
  [
    inspect(thing),
    inspect(thing, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
    JSON.stringify(thing),
    JSON.stringify({ ...(thing as object) }),
  ].join('\n')

const lastFetched = (logger: ReturnType<typeof recordingLogger>): number =>
  (logger.lines.filter((l) => l.event.event === 'fetched').at(-1)?.event.storeCalls as number | undefined) ?? 0

describe('no canary in any log line, error or stats, whatever the fault', () => {
  test.each(Object.keys(FAULTS))('%s', async (name) => {
    const fault = FAULTS[name]!
    const n = plant()
    const clock = manualClock()
    const captured: string[] = []
    const errors: unknown[] = []
    const make = (prefix: string) => {
      const logger = recordingLogger()
      const changes: string[][] = []
      const mw = secrets({
        fetchData: prefixed(prefix, n),
        setToEnv: true,
        awsClientOptions: s.clientOptions,
        cacheExpiry: EXPIRY,
        staleIfError: STALE_IF_ERROR,
        fetchTimeout: FETCH_TIMEOUT,
        jitter: 0,
        clock,
        logger,
        onChange: (keys) => changes.push(keys),
      })
      return { mw, logger, changes }
    }
    const invoke = async (inst: ReturnType<typeof make>) => {
      const req = request()
      try {
        await inst.mw.before?.(req as never)
      } catch (error) {
        errors.push(error)
        captured.push(shown(error))
      }
      // What a handler or a middleware would print of the context and the request (util.inspect's opt-in
      // `getters: true` reads values as the handler does, so it is not among them).
      captured.push(printed(req.context), printed(req.internal), printed(req))
      if (inst === instances[0] && String(req.context[`${COVERED}_TOKEN`]).includes(CANARY)) served++
      captured.push(shown(inst.mw.stats()))
      await eventually(() => inst.mw.stats().storeCalls === lastFetched(inst.logger))
    }
    const step = async (advance: number) => {
      clock.advance(advance)
      await Promise.all(instances.map(invoke))
    }

    let served = 0
    fault.inject(s.store, n)
    const instances = [make(COVERED), make(BARE)]
    await step(0) // cold start under the fault
    await step(0)
    fault.heal(s.store, n)
    await step(60_000) // past any backoff: recovered
    await step(EXPIRY / 2)
    fault.inject(s.store, n)
    await step(EXPIRY) // expired: stale
    await step(1_000)
    await step(STALE_IF_ERROR) // past staleIfError: env, or a SecretsError
    await step(60_000)
    fault.heal(s.store, n)
    await step(60_000)
    await step(1_000)

    // The failure path was taken: something was degraded, and the bare instance failed at least once.
    expect(errors.length).toBeGreaterThan(0)
    expect(errors.every((error) => error instanceof SecretsError)).toBe(true)
    for (const inst of instances) {
      // Degraded service, or (an answer ends stale service at once) a required key with no value at all.
      expect(
        inst.logger.lines.some(
          (l) => (l.level === 'warn' && l.event.event === 'degraded') || l.event.event === 'unavailable',
        ),
      ).toBe(true)
      captured.push(shown(inst.logger.lines), inst.logger.lines.map((l) => l.message).join('\n'))
      captured.push(shown(inst.changes), shown(inst.mw))
    }
    expectNoCanary(captured.join('\n'))
    // The canaries were there to leak: the covered instance served them, on context and in process.env.
    expect(served).toBeGreaterThan(0)
    expect(process.env[`${COVERED}_TOKEN`]).toContain(CANARY)
  })
})

describe('errors thrown through middy', () => {
  test('the SecretsError middy rejects with carries no value, nor does its onError request', async () => {
    const n = plant()
    s.store.fault({ kind: 'malformed', names: Object.values(n) })
    const seen: unknown[] = []
    const handler = middy()
      .use(
        secrets({
          fetchData: prefixed(BARE, n),
          awsClientOptions: s.clientOptions,
          logger: recordingLogger(),
          fetchTimeout: FETCH_TIMEOUT,
        }),
      )
      .onError(async (req) => {
        seen.push(req.error)
      })
      .handler(async () => 'unreachable')
    const error = await handler({}, lambdaContext() as never).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SecretsError)
    expect((error as SecretsError).reasons).toMatchObject({ SB_TOKEN: 'invalid_response' })
    expectNoCanary(shown(error) + shown(seen))
  })
})

describe('the default logger', () => {
  const LEVELS = ['debug', 'info', 'log', 'warn', 'error'] as const
  const originals = Object.fromEntries(LEVELS.map((level) => [level, console[level]]))
  const lines: unknown[][] = []
  beforeEach(() => {
    for (const level of LEVELS) {
      console[level] = (...args: unknown[]) => {
        lines.push([level, ...args])
      }
    }
  })
  afterEach(() => {
    for (const level of LEVELS) console[level] = originals[level] as (typeof console)[typeof level]
    lines.length = 0
  })

  test.each(['malformed', 'truncated', 'kms-denied', 'values a transform rejects'])(
    'prints warnings and errors to the console, never a value: %s',
    async (name) => {
      const fault = FAULTS[name]!
      const n = plant()
      const clock = manualClock()
      const mws = [COVERED, BARE].map((prefix) =>
        secrets({
          fetchData: prefixed(prefix, n),
          awsClientOptions: s.clientOptions,
          cacheExpiry: EXPIRY,
          staleIfError: STALE_IF_ERROR,
          fetchTimeout: FETCH_TIMEOUT,
          jitter: 0,
          clock,
        }),
      )
      const errors: unknown[] = []
      const run = async () => {
        for (const mw of mws) {
          try {
            await mw.before?.(request() as never)
          } catch (error) {
            errors.push(error)
          }
          // The default logger's lines are not counted; let any round land before time moves.
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
      }
      await run()
      fault.inject(s.store, n)
      clock.advance(EXPIRY)
      await run()
      clock.advance(STALE_IF_ERROR + 60_000)
      await run()
      expect(lines.some(([level]) => level === 'warn')).toBe(true)
      expect(lines.some(([level]) => level === 'error')).toBe(true)
      expect(errors.length).toBeGreaterThan(0)
      expectNoCanary(lines.map((line) => inspect(line, { depth: Number.POSITIVE_INFINITY })).join('\n'))
      expectNoCanary(errors.map(shown).join('\n'))
    },
  )
})
