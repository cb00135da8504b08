import { SSMClient } from '@aws-sdk/client-ssm'
import middy from '@middy/core'
import { classifyError } from '../src/classify.js'
import { secrets } from '../src/index.js'
import { parseRef } from '../src/parameter.js'
import { MAX_RESPONSE_BYTES } from '../src/response-limit.js'
import type { Outcome } from '../src/sources/source.js'
import { SsmSource } from '../src/sources/stores/ssm.js'
import { canary, expectNoCanary, lambdaContext, manualClock, recordingLogger, useStore } from './support/harness.js'
import { startScripted } from './support/scripted.js'

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

describe('issue 10’s wire inputs through the real SSMClient', () => {
  test('3: A readable, optional B denied: the first invocation serves A; only B is access_denied, with its ARN', async () => {
    s.store.put('/bots/superman/twitter-token', canary('twitter'))
    s.store.put('/other-team/key', canary('other'))
    s.store.fault({ kind: 'access-denied', names: ['/other-team/key'] })
    const { result, seen, mw } = await run(
      { A: '/bots/superman/twitter-token', B: { name: '/other-team/key', required: false } },
      { fallbackToEnv: false },
    )
    expect([result, seen.A, seen.B]).toEqual(['ok', canary('twitter'), undefined])
    expect(mw.stats().keys.B).toMatchObject({ rung: 'missing', reason: 'access_denied' })
    const source = new SsmSource(
      () => new SSMClient(s.clientOptions),
      await import('@aws-sdk/client-ssm'),
      classifyError,
    )
    const out = new Map<string, Outcome>()
    await source.fetch([parseRef('/other-team/key')], new AbortController().signal, out)
    expect(out.get('/other-team/key')).toMatchObject({
      ok: false,
      failure: { reason: 'access_denied', resourceArn: 'arn:aws:ssm:us-east-1:123456789012:parameter/other-team/key' },
    })
  })

  test.each([
    ['second', false],
    ['first', true],
  ])('4: own /foo and another account’s /foo by ARN, the other account’s result %s', async (_label, reversed) => {
    const SHARED = 'arn:aws:ssm:us-east-1:000000000000:parameter/foo'
    const own = { Name: '/foo', Value: 'own-foo', ARN: 'arn:aws:ssm:us-east-1:123456789012:parameter/foo' }
    const other = { Name: '/foo', Value: 'shared-foo', ARN: SHARED }
    const w = await startScripted(({ input }) => {
      const names = input.Names as string[]
      const results = [names.includes('/foo') ? own : undefined, names.includes(SHARED) ? other : undefined]
      return { Parameters: (reversed ? results.reverse() : results).filter(Boolean), InvalidParameters: [] }
    })
    try {
      const { seen } = await run({ OWN_FOO: '/foo', SHARED_FOO: SHARED }, { awsClientOptions: w.clientOptions })
      expect([seen.OWN_FOO, seen.SHARED_FOO]).toEqual(['own-foo', 'shared-foo'])
    } finally {
      await w.close()
    }
  })

  test.each(['{"Parameters":[null]}', '5', '{}', 'not json at all'])(
    '5: the call holding /app/k10 answers %s — only its names are invalid_response',
    async (body) => {
      const w = await startScripted(({ operation, input }) => {
        if (operation === 'GetParametersByPath') return { Parameters: [{ Name: '/app/db/host', Value: 'db.example' }] }
        const names = input.Names as string[]
        if (names.includes('/app/k10')) return { raw: body }
        return { Parameters: names.map((name) => ({ Name: name, Value: `v-${name}` })), InvalidParameters: [] }
      })
      try {
        // Ten names in one call, the eleventh (/app/k10, optional) in a second, the path paged apart.
        const fetchData: Record<string, unknown> = {}
        for (let i = 0; i < 10; i++) fetchData[`K${i}`] = `/app/k${i}`
        fetchData.K10 = { name: '/app/k10', required: false }
        fetchData.DB = '/app/db/'
        const { result, seen, mw } = await run(fetchData, { awsClientOptions: w.clientOptions })
        expect(result).toBe('ok')
        expect(seen).toMatchObject({ K0: 'v-/app/k0', K9: 'v-/app/k9', K10: undefined, DB: { host: 'db.example' } })
        expect(mw.stats().keys.K10).toMatchObject({ rung: 'missing', reason: 'invalid_response' })
        expect(w.requests.filter((r) => r.operation === 'GetParameters')).toHaveLength(2)
      } finally {
        await w.close()
      }
    },
  )

  test('7: a NextToken forever, on empty pages, ends after 100 calls with invalid_response', async () => {
    const w = await startScripted((_request, n) => ({ Parameters: [], NextToken: `token-${n}` }))
    process.env.ENDLESS = '{"fallback":"deploy-time"}'
    try {
      const { seen, mw } = await run({ ENDLESS: '/endless/' }, { awsClientOptions: w.clientOptions })
      expect(seen.ENDLESS).toEqual({ fallback: 'deploy-time' })
      expect(mw.stats().keys.ENDLESS).toMatchObject({ rung: 'env', reason: 'invalid_response' })
      expect(w.requests).toHaveLength(100)
    } finally {
      delete process.env.ENDLESS
      await w.close()
    }
  })

  const MB = 1024 * 1024
  test.each([
    ['with a Content-Length', true],
    ['streamed without one', false],
  ])('7: a 50 MB answer %s is refused as invalid_response before it is read whole', async (_label, declared) => {
    let written = 0
    const w = await startScripted(() => (res: import('node:http').ServerResponse) => {
      const chunk = Buffer.alloc(MB, 'a')
      chunk.write('{"Parameters":[{"Name":"/big","Value":"')
      res.writeHead(200, {
        'content-type': 'application/x-amz-json-1.1',
        ...(declared ? { 'content-length': String(50 * MB) } : {}),
      })
      const more = () => {
        while (written < 50 * MB && !res.destroyed) {
          written += chunk.length
          if (!res.write(chunk)) return void res.once('drain', more)
        }
        res.end()
      }
      res.on('close', () => {
        written = Math.min(written, 50 * MB)
      })
      more()
    })
    process.env.BIG = 'deploy-time'
    try {
      const { seen, mw } = await run({ BIG: '/big' }, { awsClientOptions: w.clientOptions })
      expect(seen.BIG).toBe('deploy-time')
      expect(mw.stats().keys.BIG).toMatchObject({ rung: 'env', reason: 'invalid_response' })
      expect(written).toBeLessThan(50 * MB)
    } finally {
      delete process.env.BIG
      await w.close()
    }
  })

  test(`7: an answer just under ${MAX_RESPONSE_BYTES / MB} MiB is read`, async () => {
    const value = 'x'.repeat(MAX_RESPONSE_BYTES - 200)
    const w = await startScripted(() => ({ Parameters: [{ Name: '/large', Value: value }], InvalidParameters: [] }))
    try {
      const { seen } = await run({ LARGE: '/large' }, { awsClientOptions: w.clientOptions })
      expect((seen.LARGE as string).length).toBe(value.length)
    } finally {
      await w.close()
    }
  })
})
