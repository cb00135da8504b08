import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import {
  canary,
  eventually,
  everythingShown,
  expectNoCanary,
  rounds,
  runBefore,
  setupWith,
  useStore,
} from './support/harness.js'
import { startScripted } from './support/scripted.js'

const s = useStore()

const setup = setupWith(s)

describe('Secrets Manager through the real SecretsManagerClient', () => {
  test('one GetSecretValue per secret, all at once; JSON secrets parsed on request', async () => {
    s.store.putSecret('sm/db', JSON.stringify({ user: 'app', password: canary('sm-db') }))
    s.store.putSecret('sm/token', canary('sm-token'))
    const { mw } = setup({ DB: { name: 'secretsmanager:sm/db', transform: 'json' }, TOKEN: 'secretsmanager:sm/token' })
    const { req } = await runBefore(mw)
    expect(req.context.DB).toEqual({ user: 'app', password: canary('sm-db') })
    expect(req.context.TOKEN).toBe(canary('sm-token'))
    expect(s.store.calls.GetSecretValue).toBe(2)
    expect(mw.stats().storeCalls).toBe(2)
  })

  test('a rotation: AWSCURRENT follows the new value, versionStage AWSPREVIOUS the old one', async () => {
    s.store.putSecret('sm/rotating', 'first')
    const { mw, clock } = setup({
      NOW: 'secretsmanager:sm/rotating',
      BEFORE: { name: 'secretsmanager:sm/rotating', versionStage: 'AWSPREVIOUS', required: false },
    })
    const cold = await runBefore(mw)
    expect([cold.req.context.NOW, cold.req.context.BEFORE]).toEqual(['first', undefined])
    s.store.putSecret('sm/rotating', 'second')
    clock.advance(1_000)
    const { req } = await runBefore(mw)
    expect([req.context.NOW, req.context.BEFORE]).toEqual(['second', 'first'])
  })

  test('by ARN, and a binary secret as base64', async () => {
    s.store.putSecret('sm/binary', new Uint8Array([1, 2, 3, 250]))
    const arn = s.store.secretsEngine.arnOf('sm/binary') as string
    const { mw } = setup({ BIN: arn, PARTIAL: `secretsmanager:${arn.slice(0, -7)}` })
    const { req } = await runBefore(mw)
    expect(req.context.BIN).toBe(Buffer.from([1, 2, 3, 250]).toString('base64'))
    expect(req.context.PARTIAL).toBe(req.context.BIN)
  })

  test('batch: up to 20 ids per BatchGetSecretValue; a missing one is not found; stages go alone', async () => {
    const fetchData: Record<string, unknown> = {}
    for (let i = 0; i < 25; i++) {
      s.store.putSecret(`sm/batch/${i}`, canary(`batch-${i}`))
      fetchData[`S${i}`] = `secretsmanager:sm/batch/${i}`
    }
    const arn = s.store.secretsEngine.arnOf('sm/batch/3') as string
    fetchData.BY_ARN = arn
    fetchData.BY_PARTIAL_ARN = `secretsmanager:${arn.slice(0, -7)}`
    fetchData.GONE = { name: 'secretsmanager:sm/batch/never', required: false }
    fetchData.PREVIOUS = { name: 'secretsmanager:sm/batch/0', versionStage: 'AWSPREVIOUS', required: false }
    const { mw } = setup(fetchData, { secretsManager: { batch: true }, fallbackToEnv: false })
    const { req } = await runBefore(mw)
    for (let i = 0; i < 25; i++) expect(req.context[`S${i}`]).toBe(canary(`batch-${i}`))
    expect([req.context.BY_ARN, req.context.BY_PARTIAL_ARN]).toEqual([canary('batch-3'), canary('batch-3')])
    expect(s.store.calls.BatchGetSecretValue).toBe(2)
    expect(s.store.calls.GetSecretValue).toBe(1)
    for (const r of s.store.requests) {
      const ids = (r.input as { SecretIdList?: string[] }).SecretIdList
      if (ids) expect(ids.length).toBeLessThanOrEqual(20)
    }
    expect(mw.stats().keys.GONE).toMatchObject({ rung: 'missing', reason: 'not_found' })
  })

  test('batch: a role without secretsmanager:BatchGetSecretValue falls back to GetSecretValue per secret', async () => {
    s.store.putSecret('sm/action/a', 'a')
    s.store.putSecret('sm/action/b', 'b')
    s.store.fault({ kind: 'access-denied', operations: ['BatchGetSecretValue'] })
    const { mw, clock } = setup(
      { SM_A: 'secretsmanager:sm/action/a', SM_B: 'secretsmanager:sm/action/b' },
      { secretsManager: { batch: true }, fallbackToEnv: false },
    )
    // The refused batch is split at once, in the same round: the first invocation is served.
    const { req } = await runBefore(mw)
    expect([req.context.SM_A, req.context.SM_B]).toEqual(['a', 'b'])
    expect([s.store.calls.BatchGetSecretValue, s.store.calls.GetSecretValue]).toEqual([1, 2])
    // …and from then on each secret goes alone.
    clock.advance(1_000)
    await runBefore(mw)
    expect([s.store.calls.BatchGetSecretValue, s.store.calls.GetSecretValue]).toEqual([1, 4])
  })

  test('the same ladder: stale while Secrets Manager fails, then the deploy-time variable, else an error', async () => {
    s.store.putSecret('sm/ladder', canary('sm-ladder'))
    const { mw, clock, logger } = setup({ SM_LADDER: 'secretsmanager:sm/ladder' }, { staleIfError: 5_000 })
    await runBefore(mw)
    s.store.fault({ kind: 'server-error', operations: ['GetSecretValue'] })
    clock.advance(1_000)
    const stale = await runBefore(mw)
    expect(stale.req.context.SM_LADDER).toBe(canary('sm-ladder'))
    expect(mw.stats().keys.SM_LADDER).toMatchObject({ rung: 'stale', reason: 'store_error' })
    clock.advance(6_000)
    let error: unknown
    try {
      await runBefore(mw)
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'UNAVAILABLE', keys: ['SM_LADDER'], parameters: ['secretsmanager:sm/ladder'] })
    expectNoCanary(everythingShown(error))
    expectNoCanary(JSON.stringify(logger.lines))
  })

  test('a secret scheduled for deletion is an answer: stale service ends at the next refresh, as for a deleted one', async () => {
    // A deploy-time variable, set before the middleware is made (as Lambda sets it before init).
    process.env.SM_SCHEDULED = 'deploy-time'
    try {
      for (const batch of [false, true]) {
        const name = `sm/scheduled-${batch}`
        s.store.putSecret(name, canary('sm-scheduled'))
        const { mw, clock } = setup({ SM_SCHEDULED: `secretsmanager:${name}` }, { secretsManager: { batch } })
        expect((await runBefore(mw)).req.context.SM_SCHEDULED).toBe(canary('sm-scheduled'))
        const client = new SecretsManagerClient(s.clientOptions)
        await client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }))
        client.destroy()
        clock.advance(1_500)
        // staleIfError (a day by default) would keep serving a fault's last good value: not an answer's.
        const after = await runBefore(mw)
        expect(after.req.context.SM_SCHEDULED).toBe('deploy-time')
        expect(mw.stats().keys.SM_SCHEDULED).toMatchObject({ rung: 'env', reason: 'not_found' })
      }
    } finally {
      delete process.env.SM_SCHEDULED
    }
  })

  test('one map, both stores: each reference goes to its own, in one round', async () => {
    s.store.put('/mixed/param', 'from-ssm')
    s.store.putSecret('mixed/secret', 'from-secrets-manager')
    const { mw, clock, logger } = setup({ P: '/mixed/param', S: 'secretsmanager:mixed/secret' })
    const { req } = await runBefore(mw)
    expect([req.context.P, req.context.S]).toEqual(['from-ssm', 'from-secrets-manager'])
    expect([s.store.calls.GetParameters, s.store.calls.GetSecretValue]).toEqual([1, 1])
    expect(mw.stats().storeCalls).toBe(2)
    s.store.put('/mixed/param', 'rotated')
    clock.advance(1_000)
    expect((await runBefore(mw)).req.context.P).toBe('rotated')
    await eventually(() => rounds(logger) === 2)
  })
})

describe('issue 10’s wire inputs through the real SecretsManagerClient', () => {
  test.each(['{"SecretValues":{}}', '{"SecretValues":[null]}', '{}', '5'])(
    '5: the batch holding app/s20 answers %s — only its secrets are invalid_response',
    async (body) => {
      const w = await startScripted(({ input }) => {
        const ids = input.SecretIdList as string[]
        if (ids.includes('app/s20')) return { raw: body }
        return {
          SecretValues: ids.map((id) => ({ Name: id, ARN: `arn:x:${id}`, SecretString: `v-${id}` })),
          Errors: [],
        }
      })
      try {
        const fetchData: Record<string, unknown> = {}
        for (let i = 0; i < 21; i++) fetchData[`S${i}`] = { name: `secretsmanager:app/s${i}`, required: false }
        const { mw } = setup(fetchData, { awsClientOptions: w.clientOptions, secretsManager: { batch: true } })
        const { req } = await runBefore(mw)
        expect([req.context.S0, req.context.S19, req.context.S20]).toEqual(['v-app/s0', 'v-app/s19', undefined])
        expect(mw.stats().keys.S20).toMatchObject({ rung: 'missing', reason: 'invalid_response' })
        expect(mw.stats().keys.S0).toMatchObject({ rung: 'fresh', reason: undefined })
      } finally {
        await w.close()
      }
    },
  )

  test('7: a 50 MB GetSecretValue answer is refused as invalid_response before it is read whole', async () => {
    const w = await startScripted(() => (res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': String(50 * 1024 * 1024) })
      res.write('{"SecretString":"')
    })
    process.env.SM_BIG = 'deploy-time'
    try {
      const { mw } = setup({ SM_BIG: 'secretsmanager:big' }, { awsClientOptions: w.clientOptions })
      const { req } = await runBefore(mw)
      expect(req.context.SM_BIG).toBe('deploy-time')
      expect(mw.stats().keys.SM_BIG).toMatchObject({ rung: 'env', reason: 'invalid_response' })
    } finally {
      delete process.env.SM_BIG
      await w.close()
    }
  })

  test('4: a batch answer with duplicates and an unasked-for secret: each secret gets its own value', async () => {
    const w = await startScripted(({ input }) => ({
      SecretValues: [
        ...(input.SecretIdList as string[]).map((id) => ({
          Name: id,
          ARN: `arn:x:${id}-abcdef`,
          SecretString: `v-${id}`,
        })),
        { Name: 'app/a', ARN: 'arn:x:app/a-abcdef', SecretString: 'duplicate' },
        { Name: 'app/unasked', ARN: 'arn:x:app/unasked-abcdef', SecretString: 'unasked' },
      ],
      Errors: [],
    }))
    try {
      const { mw } = setup(
        { A: 'secretsmanager:app/a', B: 'secretsmanager:app/b' },
        { awsClientOptions: w.clientOptions, secretsManager: { batch: true } },
      )
      const { req } = await runBefore(mw)
      expect([req.context.A, req.context.B]).toEqual(['v-app/a', 'v-app/b'])
    } finally {
      await w.close()
    }
  })
})
