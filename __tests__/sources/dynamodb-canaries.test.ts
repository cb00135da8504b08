/**
 * The canary sweep for DynamoDB: canary values sit in dynalite (an item, JSON, a partition) and in the deploy-time
 * environment; for every fault the proxy in front of dynalite can make (and the data faults: a deleted item, values
 * a transform rejects, two sort keys that write one variable) we drive a cold start, a recovery, a stale period, the
 * end of staleIfError and a second recovery, and capture everything a function could print. No canary may appear.
 */
import { inspect } from 'node:util'
import { SecretsError, secrets } from '../../src/index.js'
import { useDynalite } from '../support/dynalite.js'
import { type DynamoFault, startFaultProxy } from '../support/dynamo-faults.js'
import {
  CANARY,
  canary,
  eventually,
  everythingShown,
  expectNoCanary,
  manualClock,
  recordingLogger,
  request,
} from '../support/harness.js'

const d = useDynalite()
let proxy: Awaited<ReturnType<typeof startFaultProxy>>
const TABLE = 'canaries'
const PARTS = 'canary-parts'

beforeAll(async () => {
  await d.db.createTable(TABLE)
  await d.db.createTable(PARTS, { range: 'sk' })
  proxy = await startFaultProxy(String(d.db.clientOptions.endpoint))
})
afterAll(async () => {
  await proxy.close()
})

const EXPIRY = 10_000
const STALE_IF_ERROR = 30_000
const FETCH_TIMEOUT = 200

interface Ids {
  item: string
  json: string
  custom: string
  part: string
}

interface Fault {
  inject(n: Ids): void
  heal(n: Ids): void
}

const put = (table: string, id: string, value: string, sk?: string) =>
  proxy.write(() => d.db.putValue(table, id, value, sk))

const proxyFault = (kind: DynamoFault): Fault => ({
  inject: (n) => proxy.fault(kind, Object.values(n)),
  heal: () => proxy.clearFaults(),
})

const FAULTS: Record<string, Fault> = {
  throttle: proxyFault('throttle'),
  provisioned: proxyFault('provisioned'),
  'server-error': proxyFault('server-error'),
  'access-denied': proxyFault('access-denied'),
  reset: proxyFault('reset'),
  hang: proxyFault('hang'),
  // 200 with dynalite's real answer — every canary — inside an HTML page, or cut in half.
  malformed: proxyFault('malformed'),
  truncated: proxyFault('truncated'),
  'access denied for one item': {
    inject: (n) => proxy.fault('access-denied', [n.json]),
    heal: () => proxy.clearFaults(),
  },
  'deleted item': {
    inject: (n) => proxy.write(() => d.db.remove(TABLE, { id: n.item })),
    heal: (n) => put(TABLE, n.item, canary('item-back')),
  },
  'values a transform rejects': {
    inject: (n) => {
      put(TABLE, n.json, `{"password": "${canary('bad-json')}"`)
      put(TABLE, n.custom, canary('custom-rejected'))
    },
    heal: (n) => {
      put(TABLE, n.json, JSON.stringify({ password: canary('json-back') }))
      put(TABLE, n.custom, `{${canary('custom-back')}`)
    },
  },
  'sort keys that write one variable': {
    inject: (n) => {
      put(PARTS, n.part, canary('collide-1'), 'a-b')
      put(PARTS, n.part, canary('collide-2'), 'a_b')
    },
    heal: (n) => proxy.write(() => d.db.remove(PARTS, { id: n.part, sk: 'a_b' })),
  },
}

let worlds = 0
const COVERED = 'DC'
const BARE = 'DB'
const KEYS = ['ITEM', 'JSON', 'CUSTOM', 'PART'] as const

const plant = (): Ids => {
  const base = `w${++worlds}`
  const n: Ids = { item: `${base}-item`, json: `${base}-json`, custom: `${base}-custom`, part: `${base}-part` }
  put(TABLE, n.item, canary('item'))
  put(TABLE, n.json, JSON.stringify({ password: canary('json') }))
  put(TABLE, n.custom, `{${canary('custom')}`)
  put(PARTS, n.part, canary('part-host'), 'host')
  put(PARTS, n.part, canary('part-password'), 'nested/password')
  return n
}

const fetchData = (prefix: string, n: Ids) => ({
  [`${prefix}_ITEM`]: `dynamodb:${TABLE}/${n.item}`,
  [`${prefix}_JSON`]: { name: `dynamodb:${TABLE}/${n.json}`, transform: 'json' as const },
  // A careless transform whose error quotes the value.
  [`${prefix}_CUSTOM`]: {
    name: `dynamodb:${TABLE}/${n.custom}`,
    transform: (raw: string) => {
      if (!raw.startsWith('{')) throw new Error(`not an object: ${raw}`)
      return raw
    },
  },
  [`${prefix}_PART`]: `dynamodb:${PARTS}/${n.part}/`,
})

beforeAll(() => {
  for (const key of KEYS) {
    process.env[`${COVERED}_${key}`] =
      key === 'PART'
        ? JSON.stringify({ host: canary('env-part') })
        : key === 'JSON'
          ? '{"v":1}'
          : key === 'CUSTOM'
            ? `{${canary('env-custom')}`
            : canary(`env-${key}`)
  }
})
afterAll(() => {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith(`${COVERED}_`) || name.startsWith(`${BARE}_`)) delete process.env[name]
  }
})

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

const printed = (thing: unknown): string =>
  [
    inspect(thing),
    inspect(thing, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
    JSON.stringify(thing),
    JSON.stringify({ ...(thing as object) }),
  ].join('\n')

const lastFetched = (logger: ReturnType<typeof recordingLogger>): number =>
  (logger.lines.filter((l) => l.event.event === 'fetched').at(-1)?.event.storeCalls as number | undefined) ?? 0

describe('no canary in any log line, error or stats, whatever DynamoDB does', () => {
  test.each(Object.keys(FAULTS))('%s', async (name) => {
    const fault = FAULTS[name]!
    const n = plant()
    const clock = manualClock()
    const captured: string[] = []
    const errors: unknown[] = []
    let served = 0
    const make = (prefix: string) => {
      const logger = recordingLogger()
      const changes: string[][] = []
      const mw = secrets({
        fetchData: fetchData(prefix, n),
        setToEnv: true,
        dynamodb: { awsClientOptions: { ...d.db.clientOptions, endpoint: proxy.endpoint } },
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
    const instances = [make(COVERED), make(BARE)]
    const invoke = async (inst: (typeof instances)[number]) => {
      const req = request()
      try {
        await inst.mw.before?.(req as never)
      } catch (error) {
        errors.push(error)
        captured.push(shown(error))
      }
      captured.push(printed(req.context), printed(req.internal), printed(req))
      if (inst === instances[0] && String(req.context[`${COVERED}_ITEM`]).includes(CANARY)) served++
      captured.push(shown(inst.mw.stats()))
      await eventually(() => inst.mw.stats().storeCalls === lastFetched(inst.logger))
    }
    const step = async (advance: number) => {
      clock.advance(advance)
      await Promise.all(instances.map(invoke))
    }

    fault.inject(n)
    await step(0) // cold start under the fault
    await step(0)
    fault.heal(n)
    await step(60_000) // past any backoff: recovered
    await step(EXPIRY / 2)
    fault.inject(n)
    await step(EXPIRY) // expired: stale
    await step(1_000)
    await step(STALE_IF_ERROR) // past staleIfError: env, or a SecretsError
    await step(60_000)
    fault.heal(n)
    await step(60_000)
    await step(1_000)

    expect(errors.length).toBeGreaterThan(0)
    expect(errors.every((error) => error instanceof SecretsError)).toBe(true)
    for (const inst of instances) {
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
    expect(process.env[`${COVERED}_ITEM`]).toContain(CANARY)
  })
})
