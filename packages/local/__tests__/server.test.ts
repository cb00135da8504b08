import { connect } from 'node:net'
import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  type GetParametersByPathCommandOutput,
  GetParametersCommand,
  LabelParameterVersionCommand,
  PutParameterCommand,
  SSMClient,
  type SSMClientConfig,
} from '@aws-sdk/client-ssm'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { LocalParameterStore } from '../src/index.js'
import { rejection } from './support/errors.js'
import { rawRequest, useStores } from './support/stores.js'

const ARN = 'arn:aws:ssm:us-east-1:123456789012:parameter'

const stores = useStores()
const clientOf = (store: LocalParameterStore, extra: Partial<SSMClientConfig> = {}) =>
  stores.client(SSMClient, store, extra)

const target = (operation: string) => ({ 'X-Amz-Target': `AmazonSSM.${operation}` })

/** Proves the store still answers normally. */
const stillServes = async (store: LocalParameterStore) => {
  const out = await clientOf(store).send(new GetParametersCommand({ Names: ['/alive'] }))
  expect(out.InvalidParameters).toEqual(['/alive'])
}

/** Pages a listing to its end over the wire. */
const listAll = async (client: SSMClient, input: { Path: string; Recursive?: boolean; MaxResults?: number }) => {
  const pages: NonNullable<GetParametersByPathCommandOutput['Parameters']>[] = []
  let NextToken: string | undefined
  do {
    const out = await client.send(new GetParametersByPathCommand({ ...input, WithDecryption: true, NextToken }))
    pages.push(out.Parameters ?? [])
    NextToken = out.NextToken
  } while (NextToken)
  return pages
}

const pad = (i: number) => String(i).padStart(2, '0')

describe('lifecycle', () => {
  test('clientConfig before start() throws a clear error', () => {
    const store = new LocalParameterStore()
    expect(() => store.clientConfig).toThrow(/start\(\)/)
  })

  test('start() listens on 127.0.0.1 and returns fake credentials; starting again changes nothing', async () => {
    const store = new LocalParameterStore({ region: 'eu-central-1' })
    stores.closeAfter(store)
    const [config, again] = await Promise.all([store.start(), store.start()])
    expect(config.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(config.region).toBe('eu-central-1')
    expect(config.credentials.accessKeyId).toMatch(/FAKE/)
    expect(config.credentials.secretAccessKey).toMatch(/fake/)
    expect(again).toEqual(config)
    expect(await store.start()).toEqual(config)
    expect(store.clientConfig).toEqual(config)
  })

  test('close() is idempotent, and a closed store can start again on the same port', async () => {
    const store = await stores.start({ parameters: { '/a': 'x' } })
    const client = clientOf(store)
    const { endpoint } = store.clientConfig
    await Promise.all([store.close(), store.close()])
    await store.close()
    const down = await rejection(client.send(new GetParameterCommand({ Name: '/a' })))
    expect(down.message).toMatch(/ECONNREFUSED/)
    await store.start()
    expect(store.clientConfig.endpoint).toBe(endpoint)
    const out = await client.send(new GetParameterCommand({ Name: '/a' }))
    expect(out.Parameter?.Value).toBe('x')
  })

  test('close() on a store never started resolves; start() then close() in a row works', async () => {
    await new LocalParameterStore().close()
    const store = new LocalParameterStore()
    const starting = store.start()
    await store.close()
    await starting
    await store.close()
    await expect(store.start()).resolves.toEqual(store.clientConfig)
    await store.close()
  })

  test('close() cuts a hung request and resolves promptly', async () => {
    const store = await stores.start()
    store.fault({ kind: 'hang' })
    const client = clientOf(store)
    const pending = rejection(client.send(new GetParametersCommand({ Names: ['/a'] })))
    while (store.calls.total === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    await store.close()
    const error = await pending
    expect(error.message).toMatch(/socket hang up|ECONNRESET/)
  })

  test('close() cancels a response waiting on latency', async () => {
    const store = await stores.start({ latencyMs: 60_000 })
    const pending = rejection(clientOf(store).send(new GetParametersCommand({ Names: ['/a'] })))
    while (store.calls.total === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    await store.close()
    expect((await pending).message).toMatch(/socket hang up|ECONNRESET/)
  })
})

describe('GetParameters over the wire', () => {
  test('versions, labels and selectors come back with Selector and Version, sorted by name', async () => {
    const store = await stores.start({ parameters: { '/app/db': 'v1', '/app/api': 'api' } })
    expect(store.put('/app/db', 'v2')).toBe(2)
    store.put('/app/db', 'v3')
    store.label('/app/db', 1, ['prod'])
    const out = await clientOf(store).send(
      new GetParametersCommand({ Names: ['/app/db:prod', '/app/db:2', '/app/db', '/app/api'], WithDecryption: true }),
    )
    expect(out.InvalidParameters).toEqual([])
    expect(out.Parameters?.map((p) => [p.Name, p.Selector, p.Version, p.Value])).toEqual([
      ['/app/api', undefined, 1, 'api'],
      ['/app/db', undefined, 3, 'v3'],
      ['/app/db', ':2', 2, 'v2'],
      ['/app/db', ':prod', 1, 'v1'],
    ])
    const [api] = out.Parameters ?? []
    expect(api?.ARN).toBe(`${ARN}/app/api`)
    expect(api?.DataType).toBe('text')
    expect(api?.Type).toBe('String')
    expect(api?.LastModifiedDate).toBeInstanceOf(Date)
  })

  test('ARNs resolve to the plain name; unknown names, versions and labels are InvalidParameters', async () => {
    const store = await stores.start({ parameters: { '/a/b': 'ab', flat: 'f' } })
    const names = [`${ARN}/a/b`, `${ARN}/flat:1`, '/a/b:7', '/a/b:blue', '/missing', `${ARN}/a/missing`]
    const out = await clientOf(store).send(new GetParametersCommand({ Names: names }))
    expect(out.Parameters?.map((p) => [p.Name, p.Selector, p.Value])).toEqual([
      ['/a/b', undefined, 'ab'],
      ['flat', ':1', 'f'],
    ])
    expect(out.InvalidParameters).toEqual(names.slice(2))
  })

  test('at most 10 names per call: 25 names take 3 calls', async () => {
    const names = Array.from({ length: 25 }, (_, i) => `/n/${pad(i)}`)
    const store = await stores.start({ parameters: Object.fromEntries(names.map((n) => [n, `v${n}`])) })
    const client = clientOf(store)
    const error = await rejection(client.send(new GetParametersCommand({ Names: names.slice(0, 11) })))
    expect(error.name).toBe('ValidationException')
    expect(error.message).toBe(
      "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10",
    )
    store.resetCalls()
    const batches = [names.slice(0, 10), names.slice(10, 20), names.slice(20)]
    const outs = await Promise.all(batches.map((Names) => client.send(new GetParametersCommand({ Names }))))
    expect(outs.flatMap((o) => o.Parameters ?? []).map((p) => p.Name)).toEqual(names)
    expect(store.calls.GetParameters).toBe(3)
  })

  test('StringList and SecureString', async () => {
    const store = await stores.start({
      parameters: {
        '/t/list': { value: 'a,b,c', type: 'StringList' },
        '/t/secret': { value: 'hunter2', type: 'SecureString' },
      },
    })
    const client = clientOf(store)
    const plain = await client.send(new GetParametersCommand({ Names: ['/t/list', '/t/secret'], WithDecryption: true }))
    expect(plain.Parameters?.map((p) => [p.Type, p.Value])).toEqual([
      ['StringList', 'a,b,c'],
      ['SecureString', 'hunter2'],
    ])
    const hidden = await client.send(
      new GetParametersCommand({ Names: ['/t/list', '/t/secret'], WithDecryption: false }),
    )
    expect(hidden.Parameters?.[0]?.Value).toBe('a,b,c')
    expect(hidden.Parameters?.[1]?.Value).toMatch(/^AQICAH/)
    expect(hidden.Parameters?.[1]?.Value).not.toContain('hunter2')
  })
})

describe('GetParametersByPath over the wire', () => {
  test('21 parameters page as 10, 10, 1', async () => {
    const store = await stores.start()
    for (let i = 0; i < 21; i++) store.put(`/p/${pad(i)}`, `v${i}`)
    const pages = await listAll(clientOf(store), { Path: '/p', MaxResults: 10 })
    expect(pages.map((p) => p.length)).toEqual([10, 10, 1])
    expect(pages.flat().map((p) => p.Value)).toEqual(Array.from({ length: 21 }, (_, i) => `v${i}`))
    expect(store.calls.GetParametersByPath).toBe(3)
  })

  test('best-effort paging: short and empty pages still carry a NextToken; every item comes once', async () => {
    const store = await stores.start({ seed: 3 })
    expect(store.bestEffortPaging).toBe(false)
    store.bestEffortPaging = true
    expect(store.engine.bestEffortPaging).toBe(true)
    for (let i = 0; i < 21; i++) store.put(`/p/${pad(i)}`, `v${i}`)
    const client = clientOf(store)
    const sizes: number[] = []
    for (let run = 0; run < 8; run++) {
      const pages = await listAll(client, { Path: '/p', MaxResults: 10 })
      expect(pages.flat().map((p) => p.Name)).toEqual(Array.from({ length: 21 }, (_, i) => `/p/${pad(i)}`))
      // Every page but the last came with a token, whatever its size.
      sizes.push(...pages.slice(0, -1).map((p) => p.length))
    }
    expect(sizes).toContain(0)
    expect(sizes.some((n) => n > 0 && n < 10)).toBe(true)
  })

  test('Recursive false lists direct children only; true everything below', async () => {
    const store = await stores.start({ parameters: { '/r/a': '1', '/r/b/c': '2', '/r/b/d/e': '3', '/rr': 'x' } })
    const client = clientOf(store)
    expect((await listAll(client, { Path: '/r' })).flat().map((p) => p.Name)).toEqual(['/r/a'])
    expect((await listAll(client, { Path: '/r/', Recursive: true })).flat().map((p) => p.Name)).toEqual([
      '/r/a',
      '/r/b/c',
      '/r/b/d/e',
    ])
    const error = await rejection(client.send(new GetParametersByPathCommand({ Path: '/r', MaxResults: 11 })))
    expect(error.name).toBe('ValidationException')
    // GetParametersByPath API reference, errors: "InvalidNextToken: The specified token isn't valid."
    const token = await rejection(client.send(new GetParametersByPathCommand({ Path: '/r', NextToken: 'bogus' })))
    expect(token.name).toBe('InvalidNextToken')
  })
})

describe('other operations over the wire', () => {
  test('PutParameter, LabelParameterVersion, GetParameter, DeleteParameter', async () => {
    const store = await stores.start()
    const client = clientOf(store)
    expect(await client.send(new PutParameterCommand({ Name: '/o/a', Value: 'one', Type: 'String' }))).toMatchObject({
      Version: 1,
      Tier: 'Standard',
    })
    const exists = await rejection(client.send(new PutParameterCommand({ Name: '/o/a', Value: 'two' })))
    expect(exists.name).toBe('ParameterAlreadyExists')
    await client.send(new PutParameterCommand({ Name: '/o/a', Value: 'two', Overwrite: true }))
    const reserved = await rejection(client.send(new PutParameterCommand({ Name: '/aws/x', Value: 'v' })))
    expect(reserved.name).toBe('ValidationException')
    expect(reserved.message).toMatch(/aws/)
    const labelled = await client.send(
      new LabelParameterVersionCommand({ Name: '/o/a', ParameterVersion: 1, Labels: ['prod', '1bad'] }),
    )
    expect(labelled).toMatchObject({ InvalidLabels: ['1bad'], ParameterVersion: 1 })
    const got = await client.send(new GetParameterCommand({ Name: '/o/a:prod' }))
    expect(got.Parameter).toMatchObject({ Name: '/o/a', Value: 'one', Version: 1, Selector: ':prod' })
    expect((await rejection(client.send(new GetParameterCommand({ Name: '/o/a:3' })))).name).toBe(
      'ParameterVersionNotFound',
    )
    await client.send(new DeleteParameterCommand({ Name: '/o/a' }))
    expect((await rejection(client.send(new GetParameterCommand({ Name: '/o/a' })))).name).toBe('ParameterNotFound')
    expect((await rejection(client.send(new DeleteParameterCommand({ Name: '/o/a' })))).name).toBe('ParameterNotFound')
    expect(store.engine.size).toBe(0)
  })

  test('in-process put, label and delete are visible to the next request', async () => {
    const store = await stores.start()
    const client = clientOf(store)
    store.put('/i/a', 'x', { type: 'SecureString' })
    store.put('/i/a', 'y')
    store.label('/i/a', 1, ['old'])
    const out = await client.send(new GetParametersCommand({ Names: ['/i/a', '/i/a:old'], WithDecryption: true }))
    expect(out.Parameters?.map((p) => [p.Type, p.Value])).toEqual([
      ['SecureString', 'y'],
      ['SecureString', 'x'],
    ])
    expect(() => store.put('/i/a', 'z', { overwrite: false })).toThrow(/already exists/)
    store.delete('/i/a')
    expect((await client.send(new GetParametersCommand({ Names: ['/i/a'] }))).InvalidParameters).toEqual(['/i/a'])
  })

  test('responses carry x-amzn-RequestId, which the SDK reports', async () => {
    const store = await stores.start({ parameters: { '/a': 'x' } })
    const out = await clientOf(store).send(new GetParametersCommand({ Names: ['/a'] }))
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
    const response = await rawRequest(store, '{"Names":["/a"]}', target('GetParameters'))
    expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/)
    expect(response.headers['content-type']).toBe('application/x-amz-json-1.1')
  })
})

describe('faults seen through the SDK', () => {
  const parameters = {
    '/f/a': 'alpha',
    '/f/b': 'bravo',
    '/f/secret': { value: 'hunter2', type: 'SecureString' as const },
  }

  test.each([
    ['throttle', 'ThrottlingException', 400, /^Rate exceeded$/],
    ['server-error', 'InternalServerError', 500, /internal/],
    ['access-denied', 'AccessDeniedException', 400, /not authorized to perform: ssm:GetParameters on resource/],
    ['kms-denied', 'AccessDeniedException', 400, /kms:Decrypt.*AWSKMS/],
  ] as const)('%s → %s', async (kind, name, status, message) => {
    const store = await stores.start({ parameters })
    store.fault({ kind, count: 1 })
    const client = clientOf(store)
    const error = await rejection(client.send(new GetParametersCommand({ Names: ['/f/a'] })))
    expect(error.name).toBe(name)
    expect(error.$metadata.httpStatusCode).toBe(status)
    expect(error.message).toMatch(message)
    expect((await client.send(new GetParametersCommand({ Names: ['/f/a'] }))).Parameters).toHaveLength(1)
    expect(store.calls.GetParameters).toBe(2)
  })

  test('reset: the connection is cut without a response', async () => {
    const store = await stores.start({ parameters })
    store.fault({ kind: 'reset', count: 1 })
    const error = await rejection(clientOf(store).send(new GetParametersCommand({ Names: ['/f/a'] })))
    expect(error.$metadata?.httpStatusCode).toBeUndefined()
    expect(error.message).toMatch(/ECONNRESET|socket hang up/)
    await stillServes(store)
  })

  test('hang: no answer, so the client times out', async () => {
    const store = await stores.start({ parameters })
    store.fault({ kind: 'hang', count: 1 })
    const client = clientOf(store, {
      requestHandler: new NodeHttpHandler({ requestTimeout: 200, throwOnRequestTimeout: true }),
    })
    const error = await rejection(client.send(new GetParametersCommand({ Names: ['/f/a'] })))
    expect(error.name).toBe('TimeoutError')
    await stillServes(store)
  })

  test('hang: an abort signal also ends the wait', async () => {
    const store = await stores.start({ parameters })
    store.fault({ kind: 'hang', operations: ['GetParameter'] })
    const controller = new AbortController()
    const pending = rejection(
      clientOf(store).send(new GetParameterCommand({ Name: '/f/a' }), { abortSignal: controller.signal }),
    )
    while (store.calls.total === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    expect((await pending).name).toBe('AbortError')
  })

  test('malformed: a 200 that is not JSON, yet holds the real values', async () => {
    const store = await stores.start({ parameters })
    store.fault({ kind: 'malformed' })
    const error = await rejection(
      clientOf(store).send(new GetParametersCommand({ Names: ['/f/secret'], WithDecryption: true })),
    )
    expect(error.name).toBe('SyntaxError')
    expect(error.$metadata.httpStatusCode).toBe(200)
    const response = await rawRequest(store, '{"Names":["/f/secret"],"WithDecryption":true}', target('GetParameters'))
    expect(response.status).toBe(200)
    expect(() => JSON.parse(response.body)).toThrow()
    expect(response.body).toMatch(/^<html>/)
    expect(response.body).toContain('hunter2')
  })

  test('truncated: the real JSON cut in half, with a matching Content-Length', async () => {
    const store = await stores.start({ parameters })
    const whole = (await rawRequest(store, '{"Names":["/f/a","/f/b"]}', target('GetParameters'))).body
    store.fault({ kind: 'truncated' })
    const error = await rejection(clientOf(store).send(new GetParametersCommand({ Names: ['/f/a', '/f/b'] })))
    expect(error.name).toBe('SyntaxError')
    const response = await rawRequest(store, '{"Names":["/f/a","/f/b"]}', target('GetParameters'))
    expect(response.status).toBe(200)
    expect(response.body.length).toBe(Math.floor(whole.length / 2))
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body))
    expect(whole.startsWith(response.body)).toBe(true)
  })

  test('latency: store-wide and per fault, settable at any time', async () => {
    const store = await stores.start({ parameters, latencyMs: 5 })
    expect(store.latencyMs).toBe(5)
    const client = clientOf(store)
    store.latencyMs = 0
    store.fault({ kind: 'latency', latencyMs: 80, operations: ['GetParameter'] })
    const start = performance.now()
    const out = await client.send(new GetParameterCommand({ Name: '/f/a' }))
    expect(out.Parameter?.Value).toBe('alpha')
    expect(performance.now() - start).toBeGreaterThanOrEqual(70)
    await stillServes(store)
  })

  test('names and operations filters: only matching requests fail', async () => {
    const store = await stores.start({ parameters })
    store.fault({ kind: 'access-denied', names: ['/f/b'], operations: ['GetParameters', 'GetParametersByPath'] })
    const client = clientOf(store)
    expect((await client.send(new GetParametersCommand({ Names: ['/f/a'] }))).Parameters).toHaveLength(1)
    const denied = await rejection(client.send(new GetParametersCommand({ Names: ['/f/a', `${ARN}/f/b:1`] })))
    expect(denied.name).toBe('AccessDeniedException')
    expect(denied.message).toContain(`${ARN}/f/b`)
    const byPath = await rejection(client.send(new GetParametersByPathCommand({ Path: '/f' })))
    expect(byPath.name).toBe('AccessDeniedException')
    expect((await client.send(new GetParameterCommand({ Name: '/f/b' }))).Parameter?.Value).toBe('bravo')
    store.clearFaults()
    expect((await client.send(new GetParametersCommand({ Names: ['/f/b'] }))).Parameters).toHaveLength(1)
  })

  test('a faulted write does not happen', async () => {
    const store = await stores.start({ parameters })
    store.fault({ kind: 'throttle', operations: ['PutParameter'], count: 1 })
    const client = clientOf(store)
    const error = await rejection(client.send(new PutParameterCommand({ Name: '/f/a', Value: 'new', Overwrite: true })))
    expect(error.name).toBe('ThrottlingException')
    expect(store.engine.get('/f/a')?.version).toBe(1)
    expect(store.calls.PutParameter).toBe(1)
  })

  test('fault() refuses an unusable spec', async () => {
    const store = await stores.start()
    expect(() => store.fault({ kind: 'latency' })).toThrow(TypeError)
  })
})

describe('observation', () => {
  test('calls and requests count every request, faulted ones included; resetCalls clears them', async () => {
    let clock = 1000
    const store = await stores.start({ parameters: { '/a': 'x' }, now: () => clock++ })
    expect(store.calls).toEqual({
      total: 0,
      GetParameters: 0,
      GetParametersByPath: 0,
      GetParameter: 0,
      PutParameter: 0,
      LabelParameterVersion: 0,
      DeleteParameter: 0,
      DeleteParameters: 0,
      DescribeParameters: 0,
      GetParameterHistory: 0,
      UnlabelParameterVersion: 0,
      AddTagsToResource: 0,
      ListTagsForResource: 0,
      RemoveTagsFromResource: 0,
      GetSecretValue: 0,
      BatchGetSecretValue: 0,
      CreateSecret: 0,
      PutSecretValue: 0,
      DeleteSecret: 0,
      DescribeSecret: 0,
      ListSecrets: 0,
      ListSecretVersionIds: 0,
      RestoreSecret: 0,
      UpdateSecret: 0,
      UpdateSecretVersionStage: 0,
      StartConfigurationSession: 0,
      GetLatestConfiguration: 0,
    })
    const client = clientOf(store)
    await client.send(new GetParametersCommand({ Names: ['/a'], WithDecryption: true }))
    store.fault({ kind: 'server-error', count: 1 })
    await rejection(client.send(new GetParameterCommand({ Name: '/a' })))
    await client.send(new GetParametersByPathCommand({ Path: '/' }))
    await rawRequest(store, '{}', target('CreateDocument'))
    const calls = store.calls
    expect(calls).toMatchObject({
      total: 4,
      GetParameters: 1,
      GetParameter: 1,
      GetParametersByPath: 1,
      CreateDocument: 1,
    })
    // A snapshot: mutating it changes nothing.
    calls.total = 99
    expect(store.calls.total).toBe(4)
    expect(store.requests).toEqual([
      { operation: 'GetParameters', input: { Names: ['/a'], WithDecryption: true }, at: expect.any(Number) },
      { operation: 'GetParameter', input: { Name: '/a' }, at: expect.any(Number) },
      { operation: 'GetParametersByPath', input: { Path: '/' }, at: expect.any(Number) },
      { operation: 'CreateDocument', input: {}, at: expect.any(Number) },
    ])
    const times = store.requests.map((r) => r.at)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(times[0]).toBeGreaterThan(1000)
    store.resetCalls()
    expect(store.calls.total).toBe(0)
    expect(store.calls.GetParameters).toBe(0)
    expect(store.calls.CreateDocument).toBeUndefined()
    expect(store.requests).toEqual([])
  })

  test('an operation named like an Object.prototype member counts as itself', async () => {
    const store = await stores.start()
    await rawRequest(store, '{}', target('constructor'))
    await rawRequest(store, '{}', target('constructor'))
    await rawRequest(store, '{}', target('__proto__'))
    expect(store.calls.constructor).toBe(2)
    expect(Object.hasOwn(store.calls, '__proto__')).toBe(true)
    expect(store.calls.total).toBe(3)
  })
})

describe('bad requests get AWS-shaped errors and the store keeps serving', () => {
  test('a body that is not JSON', async () => {
    const store = await stores.start()
    const response = await rawRequest(store, '{"Names": [', target('GetParameters'))
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body)).toEqual({ __type: 'SerializationException', message: expect.any(String) })
    expect(response.headers['x-amzn-requestid']).toEqual(expect.any(String))
    expect(store.requests).toEqual([{ operation: 'GetParameters', input: undefined, at: expect.any(Number) }])
    await stillServes(store)
  })

  test.each([
    ['Names a string', '{"Names":"/a"}', 'SerializationException'],
    ['a JSON array body', '[1,2]', 'SerializationException'],
    ['WithDecryption a number', '{"Names":["/a"],"WithDecryption":1}', 'SerializationException'],
    ['an empty body', '', 'ValidationException'],
  ])('%s', async (_, body, type) => {
    const store = await stores.start()
    const response = await rawRequest(store, body, target('GetParameters'))
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body).__type).toBe(type)
    await stillServes(store)
  })

  test('an unknown or missing target, or another method', async () => {
    const store = await stores.start()
    for (const [headers, method] of [
      [target('CreateDocument'), 'POST'],
      [{ 'X-Amz-Target': 'secretsmanager.RotateSecret' }, 'POST'],
      [{ 'X-Amz-Target': 'AmazonSSMx.GetParameters' }, 'POST'],
      [{}, 'POST'],
      [target('GetParameters'), 'PUT'],
    ] as const) {
      const response = await rawRequest(store, '{}', headers, method)
      expect(response.status).toBe(400)
      expect(JSON.parse(response.body).__type).toBe('UnknownOperationException')
    }
    expect(store.calls.total).toBe(5)
    await stillServes(store)
  })

  test('a body over 1 MiB', async () => {
    const store = await stores.start()
    const body = JSON.stringify({ Names: ['/a'], Padding: 'x'.repeat(1024 * 1024) })
    const response = await rawRequest(store, body, target('GetParameters'))
    expect(response.status).toBe(413)
    expect(JSON.parse(response.body)).toEqual({ __type: 'RequestEntityTooLargeException', message: expect.any(String) })
    await stillServes(store)
  })

  test('a client that leaves mid-body is ignored', async () => {
    const store = await stores.start()
    const url = new URL(store.clientConfig.endpoint)
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          'POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: AmazonSSM.GetParameters\r\nContent-Length: 100\r\n\r\n{"Na',
        )
        setTimeout(() => socket.destroy(), 20)
      })
      socket.on('close', () => resolve())
    })
    await stillServes(store)
    expect(store.calls.total).toBe(1)
  })

  test('an unexpected engine failure is a 500 InternalServerError', async () => {
    const store = await stores.start()
    store.engine.handle = () => {
      throw new Error('boom')
    }
    const error = await rejection(clientOf(store).send(new GetParametersCommand({ Names: ['/a'] })))
    expect(error.name).toBe('InternalServerError')
    expect(error.$metadata.httpStatusCode).toBe(500)
    expect(error.message).not.toContain('boom')
  })
})
