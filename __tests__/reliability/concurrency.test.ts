/**
 * Overlapping invocations: one fetch per round however many invocations wait on it (single flight), and two
 * middleware instances with the same keys but different parameters, in one process, never see each other's
 * values — on `context`, or in `process.env` with setToEnv — while their invocations and refreshes interleave.
 */
import middy from '@middy/core'
import { secrets } from '../../src/index.js'
import {
  eventually,
  lambdaContext,
  manualClock,
  recordingLogger,
  request,
  runBefore,
  useStore,
} from '../support/harness.js'

const s = useStore()

const CONCURRENT = 100
const EXPIRY = 1_000

describe('single flight', () => {
  const world = (n: number, tag: string, extra: Record<string, unknown> = {}) => {
    const names = Array.from({ length: n }, (_, i) => `/cc/${tag}/${n}/p${i}`)
    names.forEach((name, i) => {
      s.store.put(name, `v1-${i}`)
    })
    const clock = manualClock()
    const mw = secrets({
      fetchData: Object.fromEntries(names.map((name, i) => [`K${i}`, name])),
      awsClientOptions: s.clientOptions,
      cacheExpiry: EXPIRY,
      jitter: 0,
      logger: recordingLogger(),
      clock,
      ...extra,
    })
    const all = () => Promise.all(Array.from({ length: CONCURRENT }, () => runBefore(mw)))
    const rotate = (v: string) => {
      names.forEach((name, i) => {
        s.store.put(name, `${v}-${i}`)
      })
    }
    const expectAll = (results: Awaited<ReturnType<typeof all>>, v: string) => {
      for (const { req } of results) {
        for (let i = 0; i < n; i++) expect(req.context[`K${i}`]).toBe(`${v}-${i}`)
      }
    }
    return { mw, clock, all, rotate, expectAll, perRound: Math.ceil(n / 10) }
  }

  test.each([1, 10, 25, 60])('%i keys: 100 overlapping invocations share one fetch per round', async (n) => {
    const w = world(n, 'sf')
    // Cold start: the prefetch and 100 invocations that all wait on it.
    const cold = await w.all()
    expect(cold.every((r) => r.waited)).toBe(true)
    w.expectAll(cold, 'v1')
    expect(s.store.calls.GetParameters).toBe(w.perRound)
    // Warm: nobody waits, nothing is fetched.
    const warm = await w.all()
    expect(warm.some((r) => r.waited)).toBe(false)
    expect(s.store.calls.GetParameters).toBe(w.perRound)
    // Expired: the first invocation starts the round, the 99 others join it.
    w.rotate('v2')
    w.clock.advance(EXPIRY)
    const expired = await w.all()
    expect(expired.every((r) => r.waited)).toBe(true)
    w.expectAll(expired, 'v2')
    expect(s.store.calls.GetParameters).toBe(2 * w.perRound)
    expect(w.mw.stats().storeCalls).toBe(2 * w.perRound)
  })

  test('with disablePrefetch the first of 100 overlapping invocations starts the one fetch', async () => {
    const w = world(25, 'lazy', { disablePrefetch: true })
    expect(s.store.calls.total).toBe(0)
    w.expectAll(await w.all(), 'v1')
    expect(s.store.calls.GetParameters).toBe(w.perRound)
  })

  test('near expiry 100 overlapping invocations start one background refresh and none waits', async () => {
    const w = world(25, 'near', { jitter: 0.1 })
    await w.all()
    w.rotate('v2')
    // The first refresh point after a cold start is at 75 % of the expiry (random 0.5).
    w.clock.advance(0.8 * EXPIRY)
    const near = await w.all()
    expect(near.some((r) => r.waited)).toBe(false)
    w.expectAll(near, 'v1')
    await eventually(() => w.mw.stats().keys.K0?.ageMs === 0)
    expect(s.store.calls.GetParameters).toBe(2 * w.perRound)
    w.expectAll(await w.all(), 'v2')
    expect(s.store.calls.GetParameters).toBe(2 * w.perRound)
  })

  test('in an outage 100 overlapping invocations make one failing round and are all served stale', async () => {
    const w = world(25, 'outage')
    await w.all()
    s.store.fault({ kind: 'server-error' })
    w.clock.advance(EXPIRY)
    const stale = await w.all()
    w.expectAll(stale, 'v1')
    expect(w.mw.stats().keys.K0).toMatchObject({ rung: 'stale', reason: 'store_error' })
    expect(s.store.calls.GetParameters).toBe(2 * w.perRound)
  })
})

describe('two instances with the same keys and different parameters', () => {
  const ENV = ['TOKEN', 'DB_HOST', 'DB_USER', 'DB_PORT']
  afterEach(() => {
    for (const name of ENV) delete process.env[name]
  })

  // superman reads host and user under its path, batman host and port: each must see only its own.
  const pair = () => {
    let version = 0
    const put = () => {
      version++
      s.store.put('/cc/superman/token', `superman-token-${version}`)
      s.store.put('/cc/superman/db/host', `superman-host-${version}`)
      s.store.put('/cc/superman/db/user', `superman-user-${version}`)
      s.store.put('/cc/batman/token', `batman-token-${version}`)
      s.store.put('/cc/batman/db/host', `batman-host-${version}`)
      s.store.put('/cc/batman/db/port', `batman-port-${version}`)
    }
    put()
    const clock = manualClock()
    const make = (name: 'superman' | 'batman') => ({
      name,
      mw: secrets({
        fetchData: { TOKEN: `/cc/${name}/token`, DB: `/cc/${name}/db/` },
        setToEnv: true,
        awsClientOptions: s.clientOptions,
        cacheExpiry: EXPIRY,
        jitter: 0.1,
        logger: recordingLogger(),
        clock,
      }),
    })
    return { clock, rotate: put, instances: [make('superman'), make('batman')] as const }
  }

  const own = (name: string, context: Record<string, unknown>) => {
    const db = context.DB as Record<string, string>
    expect(String(context.TOKEN)).toMatch(new RegExp(`^${name}-token-\\d+$`))
    expect(Object.values(db).every((v) => v.startsWith(`${name}-`))).toBe(true)
    expect(Object.keys(db).sort()).toEqual(name === 'superman' ? ['host', 'user'] : ['host', 'port'])
  }

  /** The variables of this instance hold its own values (TOKEN and DB_HOST are both instances' names). */
  const envIsOwn = (name: string, context: Record<string, unknown>) => {
    const db = context.DB as Record<string, string>
    const extra = name === 'superman' ? 'DB_USER' : 'DB_PORT'
    expect([name, process.env.TOKEN, process.env.DB_HOST, process.env[extra]]).toEqual([
      name,
      context.TOKEN,
      db.host,
      name === 'superman' ? db.user : db.port,
    ])
  }

  // First in the file: the deploy-time value of a variable is what it held before this package first wrote it.
  test('a variable only the other instance sets is not visible to this one', async () => {
    const { instances } = pair()
    const [superman, batman] = instances
    process.env.DB_USER = 'deploy-time-user'
    await runBefore(superman.mw)
    // batman's invocation: superman's DB_USER must not be there (deploy-time value back).
    await runBefore(batman.mw)
    expect([process.env.DB_USER, process.env.DB_PORT]).toEqual(['deploy-time-user', expect.stringMatching(/^batman-/)])
    // superman's invocation: batman's DB_PORT must not be there (it was unset at deploy time).
    await runBefore(superman.mw)
    expect([process.env.DB_USER, process.env.DB_PORT]).toEqual([expect.stringMatching(/^superman-/), undefined])
  })

  test('interleaved one after another, with refreshes and rotations landing in between', async () => {
    const { clock, rotate, instances } = pair()
    let seed = 7
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
      return seed / 2 ** 31
    }
    for (let i = 0; i < 300; i++) {
      const inst = instances[random() < 0.5 ? 0 : 1]
      clock.advance(Math.floor(random() * 300))
      if (i % 37 === 0) rotate()
      const { req } = await runBefore(inst.mw)
      own(inst.name, req.context)
      envIsOwn(inst.name, req.context)
      // Real time for a round started by this invocation to land before the other instance runs.
      if (i % 3 === 0) await new Promise((resolve) => setTimeout(resolve, 1))
    }
    for (const { mw } of instances) expect(mw.stats().keys.TOKEN?.rung).toBe('fresh')
  })

  test('interleaved concurrently: context always its own; process.env its own whenever the hook returns', async () => {
    const { clock, rotate, instances } = pair()
    for (const { mw } of instances) await runBefore(mw) // the prefetch landed: each round below starts afresh
    let synchronous = 0
    let waited = 0
    for (let round = 0; round < 5; round++) {
      rotate()
      clock.advance(EXPIRY) // expired: the first invocations of each instance wait, the others join
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const inst = instances[i % 2]!
          // Half join the round in flight; the other half arrive once it landed, while the other instance's
          // invocations may still be waiting on theirs.
          if (i >= 100) {
            await eventually(() => inst.mw.stats().keys.TOKEN?.ageMs === 0)
            for (let k = 0; k < i % 7; k++) await new Promise((resolve) => setImmediate(resolve))
          }
          const req = request()
          const out = inst.mw.before?.(req as never)
          // A hook that returns at once has set process.env for this invocation: check it before anything runs.
          if (!(out instanceof Promise)) {
            synchronous++
            envIsOwn(inst.name, req.context)
          } else waited++
          await out
          own(inst.name, req.context)
        }),
      )
    }
    expect([synchronous > 0, waited > 0]).toEqual([true, true])
  })

  test('two middy handlers invoked concurrently each see their own values after awaiting', async () => {
    const { rotate, instances } = pair()
    rotate()
    const handlers = instances.map(({ name, mw }) =>
      middy()
        .use(mw)
        .handler(async (_event: unknown, context: any) => {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 3))
          own(name, context)
          return name
        }),
    )
    const results = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, i) => handlers[i % 2]!({}, lambdaContext() as never)),
    )
    expect(results.filter((r) => r === 'superman')).toHaveLength(CONCURRENT / 2)
    // One prefetch round each, shared by all 50 invocations: a GetParameters and a GetParametersByPath.
    expect(s.store.calls.total).toBe(2 * 2)
  })
})
