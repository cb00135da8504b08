import middy from '@middy/core'
import { secrets } from '../src/index.js'
import { canary, expectNoCanary, lambdaContext, manualClock, recordingLogger, useStore } from './support/harness.js'

const s = useStore()

const run = async (fetchData: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const logger = recordingLogger()
  const mw = secrets({
    fetchData: fetchData as Record<string, string>,
    awsClientOptions: s.clientOptions,
    logger,
    clock: manualClock(),
    ...extra,
  })
  let seen: Record<string, unknown> = {}
  const handler = middy(async (_event: unknown, context: any) => {
    seen = context
    return 'ok'
  }).use(mw)
  const result = await handler({}, lambdaContext())
  return { result, seen, mw, logger }
}

describe('the SSM source through the real SSMClient', () => {
  test('25 names go out as 3 GetParameters calls', async () => {
    const fetchData: Record<string, string> = {}
    for (let i = 0; i < 25; i++) {
      s.store.put(`/batch/p${String(i).padStart(2, '0')}`, canary(`batch-${i}`))
      fetchData[`P${i}`] = `/batch/p${String(i).padStart(2, '0')}`
    }
    const { seen, mw } = await run(fetchData)
    expect(s.store.calls.GetParameters).toBe(3)
    expect(s.store.requests.map((r) => (r.input as { Names: string[] }).Names.length).sort()).toEqual([10, 10, 5])
    for (let i = 0; i < 25; i++) expect(seen[`P${i}`]).toBe(canary(`batch-${i}`))
    expect(mw.stats().storeCalls).toBe(3)
  })

  test('the calls of a round go out at once, not one after another', async () => {
    const fetchData: Record<string, unknown> = {}
    for (let i = 0; i < 25; i++) fetchData[`P${i}`] = { name: `/batch/p${String(i).padStart(2, '0')}`, required: false }
    fetchData.PATH = { name: '/batch/', required: false }
    // No call is ever answered: the store sees all four only if they were sent without waiting on each other.
    s.store.fault({ kind: 'hang' })
    const { mw } = await run(fetchData, { fetchTimeout: 300, fallbackToEnv: false })
    expect(s.store.calls.GetParameters).toBe(3)
    expect(s.store.calls.GetParametersByPath).toBe(1)
    expect(mw.stats().keys.P0).toMatchObject({ rung: 'missing', reason: 'timed_out' })
  })

  test('every request asks for decryption, and a name asked by two keys is fetched once', async () => {
    s.store.put('/shared/db-url', canary('db'), { type: 'SecureString' })
    const { seen } = await run({ A: '/shared/db-url', B: '/shared/db-url', N: { name: '/shared/db-url' } })
    expect([seen.A, seen.B, seen.N]).toEqual([canary('db'), canary('db'), canary('db')])
    expect(s.store.requests).toHaveLength(1)
    expect(s.store.requests[0]?.input).toMatchObject({ Names: ['/shared/db-url'], WithDecryption: true })
  })

  test('a path of 21 parameters takes 3 pages; nested names are relative', async () => {
    for (let i = 0; i < 20; i++) s.store.put(`/paged/p${String(i).padStart(2, '0')}`, canary(`page-${i}`))
    s.store.put('/paged/nested/port', '5432')
    const { seen } = await run({ ALL: '/paged/' })
    expect(s.store.calls.GetParametersByPath).toBe(3)
    const all = seen.ALL as Record<string, string>
    expect(Object.keys(all)).toHaveLength(21)
    expect(all.p07).toBe(canary('page-7'))
    expect(all['nested/port']).toBe('5432')
    for (const r of s.store.requests)
      expect(r.input).toMatchObject({ Path: '/paged', MaxResults: 10, WithDecryption: true, Recursive: true })
  })

  test('best-effort paging: short and empty pages with a NextToken lose nothing', async () => {
    for (let i = 0; i < 21; i++) s.store.put(`/besteffort/p${String(i).padStart(2, '0')}`, canary(`be-${i}`))
    s.store.bestEffortPaging = true
    const { seen } = await run({ ALL: '/besteffort/' })
    expect(Object.keys(seen.ALL as object)).toHaveLength(21)
    expect(s.store.calls.GetParametersByPath).toBeGreaterThan(3)
  })

  test('recursive false reads only direct children', async () => {
    s.store.put('/tree/a', '1')
    s.store.put('/tree/sub/b', '2')
    const { seen } = await run({ DIRECT: { name: '/tree/', recursive: false }, DEEP: '/tree/' })
    expect(seen.DIRECT).toEqual({ a: '1' })
    expect(seen.DEEP).toEqual({ a: '1', 'sub/b': '2' })
  })

  test('versions, labels and ARNs are matched back by name and selector', async () => {
    s.store.put('/sel/flag', 'v1')
    s.store.put('/sel/flag', 'v2')
    s.store.put('/sel/flag', 'v3')
    s.store.label('/sel/flag', 1, ['prod'])
    const arn = `arn:aws:ssm:us-east-1:123456789012:parameter/sel/flag`
    const { seen } = await run({
      LATEST: '/sel/flag',
      V2: '/sel/flag:2',
      PROD: '/sel/flag:prod',
      BY_ARN: arn,
      BY_ARN_V1: `${arn}:1`,
    })
    expect(seen).toMatchObject({ LATEST: 'v3', V2: 'v2', PROD: 'v1', BY_ARN: 'v3', BY_ARN_V1: 'v1' })
    // A name and an ARN that SSM answers with the same Name and Selector never share a call: two calls.
    expect(s.store.calls.GetParameters).toBe(2)
    for (const r of s.store.requests) {
      const names = (r.input as { Names: string[] }).Names
      expect(names.includes('/sel/flag') && names.includes(arn)).toBe(false)
    }
  })

  test('a StringList comes as the raw string unless transformed', async () => {
    s.store.put('/list/hosts', 'a.example,b.example', { type: 'StringList' })
    const { seen } = await run({ RAW: '/list/hosts', LIST: { name: '/list/hosts', transform: 'stringList' } })
    expect(seen.RAW).toBe('a.example,b.example')
    expect(seen.LIST).toEqual(['a.example', 'b.example'])
  })

  test('a batch denied because of one name is split at once, in the same round: the other names are served', async () => {
    const fetchData: Record<string, string> = {}
    for (let i = 0; i < 4; i++) {
      s.store.put(`/deny/p${i}`, canary(`deny-${i}`))
      fetchData[`P${i}`] = `/deny/p${i}`
    }
    s.store.fault({ kind: 'access-denied', names: ['/deny/p2'] })
    const clock = manualClock()
    const logger = recordingLogger()
    const mw = secrets({ fetchData, awsClientOptions: s.clientOptions, logger, clock, fallbackToEnv: false })
    const handler = middy(async (_e: unknown, c: any) => [c.P0, c.P1, c.P3]).use(mw)
    // The first invocation already: only /deny/p2 is denied, the others are read.
    await expect(handler({}, lambdaContext())).rejects.toMatchObject({
      keys: ['P2'],
      reasons: { P2: 'access_denied' },
    })
    expect(mw.stats().keys.P0).toMatchObject({ rung: 'fresh', reason: undefined })
    // One denied batch, then one call per name.
    expect(s.store.calls.GetParameters).toBe(5)
    // A denial is an answer: asked again on the normal schedule (cacheExpiry), /deny/p2 alone, the others batched.
    clock.advance(300_000)
    s.store.clearFaults()
    await expect(handler({}, lambdaContext())).resolves.toEqual([canary('deny-0'), canary('deny-1'), canary('deny-3')])
    expect(s.store.calls.GetParameters).toBe(7)
    expectNoCanary(JSON.stringify(logger.lines))
  })

  test('unknown names, versions and labels are not found', async () => {
    s.store.put('/nf/exists', 'x')
    const { mw, result } = await run(
      {
        GONE: { name: '/nf/never', required: false },
        V9: { name: '/nf/exists:9', required: false },
        LBL: { name: '/nf/exists:nolabel', required: false },
        EMPTY: { name: '/nf/empty-path/', required: false },
      },
      { fallbackToEnv: false },
    )
    expect(result).toBe('ok')
    const stats = mw.stats().keys
    for (const key of ['GONE', 'V9', 'LBL', 'EMPTY'])
      expect(stats[key]).toMatchObject({ rung: 'missing', reason: 'not_found' })
  })
})
