import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  type SecretsManagerClientConfig,
} from '@aws-sdk/client-secrets-manager'
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { FaultSpec, LocalParameterStore } from '../src/index.js'
import { rejection } from './support/errors.js'
import { rawRequest, useStores } from './support/stores.js'

const stores = useStores()
const clientOf = (store: LocalParameterStore, extra: Partial<SecretsManagerClientConfig> = {}) =>
  stores.client(SecretsManagerClient, store, extra)
const ssmOf = (store: LocalParameterStore) => stores.client(SSMClient, store)

/** A raw Secrets Manager request to the store, bypassing the SDK. */
const raw = (store: LocalParameterStore, operation: string, body: string) =>
  rawRequest(store, body, { 'X-Amz-Target': `secretsmanager.${operation}` })

const get = (
  client: SecretsManagerClient,
  SecretId: string,
  extra: { VersionId?: string; VersionStage?: string } = {},
) => client.send(new GetSecretValueCommand({ SecretId, ...extra }))

const pad = (i: number) => String(i).padStart(2, '0')

describe('the store serves Secrets Manager next to SSM', () => {
  test('one port for both services; region and account from the store options', async () => {
    const store = await stores.start({
      region: 'eu-central-1',
      accountId: '111122223333',
      parameters: { '/p': 'param' },
      secrets: { 'prod/db': 'secret' },
    })
    const out = await get(clientOf(store), 'prod/db')
    expect(out.ARN).toMatch(/^arn:aws:secretsmanager:eu-central-1:111122223333:secret:prod\/db-[A-Za-z0-9]{6}$/)
    expect(out.SecretString).toBe('secret')
    expect((await ssmOf(store).send(new GetParametersCommand({ Names: ['/p'] }))).Parameters?.[0]?.Value).toBe('param')
    expect(store.secretsEngine.region).toBe('eu-central-1')
  })

  test('the seed makes ARNs reproducible across stores', async () => {
    const a = await stores.start({ seed: 42, secrets: { s: 'x' } })
    const b = await stores.start({ seed: 42, secrets: { s: 'x' } })
    const c = await stores.start({ seed: 43, secrets: { s: 'x' } })
    expect(a.secretsEngine.arnOf('s')).toBe(b.secretsEngine.arnOf('s'))
    expect(a.secretsEngine.arnOf('s')).not.toBe(c.secretsEngine.arnOf('s'))
    expect((await get(clientOf(a), 's')).ARN).toBe(b.secretsEngine.arnOf('s'))
  })
})

describe('GetSecretValue over the wire', () => {
  test('by name, full ARN and partial ARN, with every field the SDK knows', async () => {
    const store = await stores.start({ secrets: { 'prod/db': '{"password":"p"}' }, now: () => 1_700_000_000_250 })
    const client = clientOf(store)
    const arn = store.secretsEngine.arnOf('prod/db') as string
    const byName = await get(client, 'prod/db')
    expect(byName).toMatchObject({
      ARN: arn,
      Name: 'prod/db',
      VersionId: store.secretsEngine.get('prod/db')?.versionId,
      SecretString: '{"password":"p"}',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: new Date(1_700_000_000_250),
    })
    expect(byName.SecretBinary).toBeUndefined()
    expect(byName.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect((await get(client, arn)).SecretString).toBe('{"password":"p"}')
    expect((await get(client, arn.slice(0, -7))).SecretString).toBe('{"password":"p"}')
  })

  test('a missing secret, label or version is ResourceNotFoundException', async () => {
    const store = await stores.start({ secrets: { s: 'v' } })
    const client = clientOf(store)
    const missing = await rejection(get(client, 'nope'))
    expect(missing.name).toBe('ResourceNotFoundException')
    expect(missing.message).toBe("Secrets Manager can't find the specified secret.")
    expect(missing.$metadata.httpStatusCode).toBe(400)
    const stage = await rejection(get(client, 's', { VersionStage: 'AWSPREVIOUS' }))
    expect(stage.name).toBe('ResourceNotFoundException')
    expect(stage.message).toBe("Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS")
    const version = await rejection(get(client, 's', { VersionId: '00000000-0000-4000-8000-000000000000' }))
    expect(version.name).toBe('ResourceNotFoundException')
  })

  test('rotation: AWSCURRENT moves to the new value, AWSPREVIOUS to the old one; both readable by stage and id', async () => {
    const store = await stores.start({ secrets: { s: 'v1' } })
    const client = clientOf(store)
    const v1 = (await get(client, 's')).VersionId as string
    const v2 = store.putSecret('s', 'v2')
    expect(await get(client, 's')).toMatchObject({ SecretString: 'v2', VersionId: v2, VersionStages: ['AWSCURRENT'] })
    expect(await get(client, 's', { VersionStage: 'AWSPREVIOUS' })).toMatchObject({
      SecretString: 'v1',
      VersionId: v1,
      VersionStages: ['AWSPREVIOUS'],
    })
    // Over the wire too: the SDK's ClientRequestToken becomes the VersionId.
    const put = await client.send(new PutSecretValueCommand({ SecretId: 's', SecretString: 'v3' }))
    expect(put.VersionStages).toEqual(['AWSCURRENT'])
    expect((await get(client, 's')).VersionId).toBe(put.VersionId)
    expect((await get(client, 's', { VersionStage: 'AWSPREVIOUS' })).VersionId).toBe(v2)
    expect(await get(client, 's', { VersionId: v1 })).toMatchObject({ SecretString: 'v1', VersionStages: [] })
    expect((await get(client, 's', { VersionId: v2, VersionStage: 'AWSPREVIOUS' })).SecretString).toBe('v2')
    const disagree = await rejection(get(client, 's', { VersionId: v2, VersionStage: 'AWSCURRENT' }))
    expect(disagree.name).toBe('InvalidParameterException')
  })

  test('a pending version leaves AWSCURRENT alone', async () => {
    const store = await stores.start({ secrets: { s: 'v1' } })
    const client = clientOf(store)
    store.putSecret('s', 'next', { stages: ['AWSPENDING'] })
    expect((await get(client, 's')).SecretString).toBe('v1')
    expect((await get(client, 's', { VersionStage: 'AWSPENDING' })).SecretString).toBe('next')
  })

  test('SecretBinary round-trips as bytes', async () => {
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255])
    const store = await stores.start({ secrets: { bin: bytes } })
    const client = clientOf(store)
    const out = await get(client, 'bin')
    expect(out.SecretString).toBeUndefined()
    expect(out.SecretBinary).toEqual(bytes)
    await client.send(new PutSecretValueCommand({ SecretId: 'bin', SecretBinary: new Uint8Array([7, 8]) }))
    expect(store.secretsEngine.get('bin')?.value).toEqual(new Uint8Array([7, 8]))
  })
})

describe('writes over the wire and in process', () => {
  test('CreateSecret, PutSecretValue and DeleteSecret', async () => {
    const store = await stores.start()
    const client = clientOf(store)
    const created = await client.send(new CreateSecretCommand({ Name: 'app/key', SecretString: 'k1' }))
    expect(created.ARN).toBe(store.secretsEngine.arnOf('app/key'))
    expect(created.VersionId).toMatch(/^[0-9a-f-]{36}$/)
    const exists = await rejection(client.send(new CreateSecretCommand({ Name: 'app/key', SecretString: 'k' })))
    expect(exists.name).toBe('ResourceExistsException')
    await client.send(new PutSecretValueCommand({ SecretId: 'app/key', SecretString: 'k2' }))
    expect(store.secretsEngine.get('app/key', { versionStage: 'AWSPREVIOUS' })?.value).toBe('k1')
    const scheduled = await client.send(new DeleteSecretCommand({ SecretId: 'app/key', RecoveryWindowInDays: 7 }))
    expect(scheduled.DeletionDate).toBeInstanceOf(Date)
    expect((await rejection(get(client, 'app/key'))).name).toBe('InvalidRequestException')
    await client.send(new DeleteSecretCommand({ SecretId: 'app/key', ForceDeleteWithoutRecovery: true }))
    expect((await rejection(get(client, 'app/key'))).name).toBe('ResourceNotFoundException')
  })

  test('putSecret creates or adds a version and returns its VersionId; deleteSecret removes at once', async () => {
    const store = await stores.start()
    const client = clientOf(store)
    const first = store.putSecret('s', 'a')
    expect((await get(client, 's')).VersionId).toBe(first)
    const second = store.putSecret('s', new Uint8Array([1]))
    expect((await get(client, 's')).VersionId).toBe(second)
    store.deleteSecret('s')
    expect((await rejection(get(client, 's'))).name).toBe('ResourceNotFoundException')
    expect(() => store.deleteSecret('s')).toThrow(/can't find the specified secret/)
  })
})

describe('BatchGetSecretValue over the wire', () => {
  const names = Array.from({ length: 21 }, (_, i) => `batch/s${pad(i)}`)
  const secrets = Object.fromEntries(names.map((n) => [n, `value-${n}`]))

  test('20 ids in one call', async () => {
    const store = await stores.start({ secrets })
    const out = await clientOf(store).send(new BatchGetSecretValueCommand({ SecretIdList: names.slice(0, 20) }))
    expect(out.Errors).toEqual([])
    expect(out.SecretValues?.map((s) => [s.Name, s.SecretString])).toEqual(
      names.slice(0, 20).map((n) => [n, `value-${n}`]),
    )
    expect(out.SecretValues?.[0]).toMatchObject({
      ARN: store.secretsEngine.arnOf(names[0] as string),
      VersionStages: ['AWSCURRENT'],
      CreatedDate: expect.any(Date),
    })
    expect(store.calls.BatchGetSecretValue).toBe(1)
  })

  test('a missing id comes back in Errors; the call succeeds', async () => {
    const store = await stores.start({ secrets })
    const arn = store.secretsEngine.arnOf('batch/s01') as string
    const out = await clientOf(store).send(
      new BatchGetSecretValueCommand({ SecretIdList: ['batch/s00', 'batch/missing', arn] }),
    )
    expect(out.SecretValues?.map((s) => s.Name)).toEqual(['batch/s00', 'batch/s01'])
    expect(out.Errors).toEqual([
      {
        SecretId: 'batch/missing',
        ErrorCode: 'ResourceNotFoundException',
        Message: "Secrets Manager can't find the specified secret.",
      },
    ])
  })

  test('more than 20 ids is a ValidationException; ids and Filters together an InvalidParameterException', async () => {
    const store = await stores.start({ secrets })
    const client = clientOf(store)
    const tooMany = await rejection(client.send(new BatchGetSecretValueCommand({ SecretIdList: names })))
    expect(tooMany.name).toBe('ValidationException')
    expect(tooMany.$metadata.httpStatusCode).toBe(400)
    const both = await rejection(
      client.send(
        new BatchGetSecretValueCommand({ SecretIdList: ['batch/s00'], Filters: [{ Key: 'name', Values: ['b'] }] }),
      ),
    )
    expect(both.name).toBe('InvalidParameterException')
  })

  test('Filters page with MaxResults and NextToken', async () => {
    const store = await stores.start({ secrets: { ...secrets, 'other/x': 'x' } })
    const client = clientOf(store)
    const seen: string[] = []
    let NextToken: string | undefined
    let calls = 0
    do {
      const out = await client.send(
        new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: ['batch/'] }], MaxResults: 8, NextToken }),
      )
      seen.push(...(out.SecretValues ?? []).map((s) => s.Name as string))
      NextToken = out.NextToken
      calls++
    } while (NextToken)
    expect(seen).toEqual(names)
    expect(calls).toBe(3)
  })
})

describe('faults on Secrets Manager requests', () => {
  test.each([
    ['throttle', 'ThrottlingException', 400, /^Rate exceeded$/],
    ['server-error', 'InternalServiceError', 500, /server side/],
    [
      'access-denied',
      'AccessDeniedException',
      400,
      /not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:s-[A-Za-z0-9]{6} because/,
    ],
    ['kms-denied', 'DecryptionFailure', 400, /^Secrets Manager can't decrypt the protected secret text/],
  ] as const)('%s → %s', async (kind, name, status, message) => {
    const store = await stores.start({ secrets: { s: 'v' } })
    store.fault({ kind, count: 1 })
    const client = clientOf(store)
    const error = await rejection(get(client, 's'))
    expect(error.name).toBe(name)
    expect(error.$metadata.httpStatusCode).toBe(status)
    expect(error.message).toMatch(message)
    expect((await get(client, 's')).SecretString).toBe('v')
    expect(store.calls.GetSecretValue).toBe(2)
  })

  test('throttling and IAM refusing the action fail a whole BatchGetSecretValue call; KMS fails each secret', async () => {
    const store = await stores.start({ secrets: { a: '1', b: '2' } })
    const client = clientOf(store)
    const batch = () => client.send(new BatchGetSecretValueCommand({ SecretIdList: ['a', 'b'] }))
    store.fault({ kind: 'throttle', operations: ['BatchGetSecretValue'], count: 1 })
    expect((await rejection(batch())).name).toBe('ThrottlingException')
    store.fault({ kind: 'access-denied', operations: ['BatchGetSecretValue'], count: 1 })
    expect((await rejection(batch())).name).toBe('AccessDeniedException')
    store.fault({ kind: 'kms-denied', operations: ['BatchGetSecretValue'], count: 1 })
    const out = await batch()
    expect(out.SecretValues).toEqual([])
    expect(out.Errors?.map((e) => [e.SecretId, e.ErrorCode])).toEqual([
      ['a', 'DecryptionFailure'],
      ['b', 'DecryptionFailure'],
    ])
    // The rule was spent by that one call.
    expect((await batch()).SecretValues?.map((v) => v.SecretString)).toEqual(['1', '2'])
  })

  test('reset cuts the connection; malformed and truncated answer 200 with a body that does not parse', async () => {
    const store = await stores.start({ secrets: { s: 'canary-value' } })
    const client = clientOf(store)
    store.fault({ kind: 'reset', count: 1 })
    expect((await rejection(get(client, 's'))).message).toMatch(/ECONNRESET|socket hang up/)
    store.fault({ kind: 'malformed', count: 1 })
    const malformed = await rejection(get(client, 's'))
    expect(malformed.name).toBe('SyntaxError')
    expect(malformed.$metadata.httpStatusCode).toBe(200)
    store.fault({ kind: 'truncated', count: 1 })
    expect((await rejection(get(client, 's'))).name).toBe('SyntaxError')
    store.fault({ kind: 'malformed', count: 1 })
    const response = await raw(store, 'GetSecretValue', '{"SecretId":"s"}')
    expect(response.status).toBe(200)
    expect(response.body).toMatch(/^<html>.*canary-value/)
    expect((await get(client, 's')).SecretString).toBe('canary-value')
  })

  test('hang: no answer, so the client times out', async () => {
    const store = await stores.start({ secrets: { s: 'v' } })
    store.fault({ kind: 'hang', operations: ['GetSecretValue'], count: 1 })
    const client = clientOf(store, {
      requestHandler: new NodeHttpHandler({ requestTimeout: 200, throwOnRequestTimeout: true }),
    })
    expect((await rejection(get(client, 's'))).name).toBe('TimeoutError')
    expect((await get(client, 's')).SecretString).toBe('v')
  })

  test.each([
    ['the name', (_arn: string) => 's1'],
    ['the full ARN', (arn: string) => arn],
    ['the partial ARN', (arn: string) => arn.slice(0, -7)],
  ])('names: a rule given %s matches a request by name, full ARN or partial ARN', async (_, ruleName) => {
    const store = await stores.start({ secrets: { s1: 'one', s2: 'two' } })
    const arn = store.secretsEngine.arnOf('s1') as string
    store.fault({ kind: 'access-denied', names: [ruleName(arn)] })
    const client = clientOf(store)
    for (const id of ['s1', arn, arn.slice(0, -7)]) {
      const error = await rejection(get(client, id))
      expect(error.name).toBe('AccessDeniedException')
      expect(error.message).toContain(`resource: ${arn} because`)
    }
    expect((await get(client, 's2')).SecretString).toBe('two')
  })

  test('names: any id of a SecretIdList; a name applies to both services, a secret ARN only to secrets', async () => {
    const store = await stores.start({ parameters: { s1: 'param', arn: 'p' }, secrets: { s1: 'one', s2: 'two' } })
    store.fault({ kind: 'throttle', names: ['s1', store.secretsEngine.arnOf('s2') as string] })
    const client = clientOf(store)
    const ssm = ssmOf(store)
    const batch = (SecretIdList: string[]) => client.send(new BatchGetSecretValueCommand({ SecretIdList }))
    expect((await rejection(batch(['s0', 's1']))).name).toBe('ThrottlingException')
    expect((await rejection(batch(['s2']))).name).toBe('ThrottlingException')
    expect((await batch(['s0'])).Errors).toHaveLength(1)
    expect((await rejection(ssm.send(new GetParametersCommand({ Names: ['s1'] })))).name).toBe('ThrottlingException')
    expect((await ssm.send(new GetParametersCommand({ Names: ['arn'] }))).Parameters).toHaveLength(1)
  })

  test('operations: a rule for one operation leaves the others alone, across services', async () => {
    const store = await stores.start({ parameters: { '/p': 'x' }, secrets: { s: 'v' } })
    store.fault({ kind: 'throttle', operations: ['BatchGetSecretValue', 'GetParameters'] })
    const client = clientOf(store)
    expect((await get(client, 's')).SecretString).toBe('v')
    const error = await rejection(client.send(new BatchGetSecretValueCommand({ SecretIdList: ['s'] })))
    expect(error.name).toBe('ThrottlingException')
  })

  test('a faulted write does not happen', async () => {
    const store = await stores.start({ secrets: { s: 'v1' } })
    const spec: FaultSpec = { kind: 'server-error', operations: ['PutSecretValue'], count: 1 }
    store.fault(spec)
    const client = clientOf(store)
    await rejection(client.send(new PutSecretValueCommand({ SecretId: 's', SecretString: 'v2' })))
    expect(store.secretsEngine.get('s')?.value).toBe('v1')
  })
})

describe('observation and bad requests', () => {
  test('calls and requests count Secrets Manager operations by name, with SSM ones in total', async () => {
    const store = await stores.start({ parameters: { '/p': 'x' }, secrets: { s: 'v' } })
    expect(store.calls).toMatchObject({
      total: 0,
      GetSecretValue: 0,
      BatchGetSecretValue: 0,
      CreateSecret: 0,
      PutSecretValue: 0,
      DeleteSecret: 0,
      GetParameters: 0,
    })
    const client = clientOf(store)
    await get(client, 's')
    store.fault({ kind: 'throttle', count: 1 })
    await rejection(get(client, 's'))
    await client.send(new BatchGetSecretValueCommand({ SecretIdList: ['s', 'nope'] }))
    await ssmOf(store).send(new GetParametersCommand({ Names: ['/p'] }))
    expect(store.calls).toMatchObject({ total: 4, GetSecretValue: 2, BatchGetSecretValue: 1, GetParameters: 1 })
    expect(store.requests).toEqual([
      { operation: 'GetSecretValue', input: { SecretId: 's' }, at: expect.any(Number) },
      { operation: 'GetSecretValue', input: { SecretId: 's' }, at: expect.any(Number) },
      { operation: 'BatchGetSecretValue', input: { SecretIdList: ['s', 'nope'] }, at: expect.any(Number) },
      { operation: 'GetParameters', input: { Names: ['/p'] }, at: expect.any(Number) },
    ])
    store.resetCalls()
    expect(store.calls.GetSecretValue).toBe(0)
  })

  test('an unknown secretsmanager operation is UnknownOperationException, counted under its name', async () => {
    const store = await stores.start()
    const response = await raw(store, 'RotateSecret', '{}')
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body)).toEqual({ __type: 'UnknownOperationException', message: expect.any(String) })
    expect(store.calls.RotateSecret).toBe(1)
  })

  test('a body that is not JSON is a SerializationException', async () => {
    const store = await stores.start()
    const response = await raw(store, 'GetSecretValue', '{"SecretId":')
    expect(response.status).toBe(400)
    expect(JSON.parse(response.body).__type).toBe('SerializationException')
  })

  test('an unexpected engine failure is a 500 InternalServiceError that does not leak its message', async () => {
    const store = await stores.start()
    store.secretsEngine.handle = () => {
      throw new Error('boom')
    }
    const error = await rejection(get(clientOf(store), 's'))
    expect(error.name).toBe('InternalServiceError')
    expect(error.$metadata.httpStatusCode).toBe(500)
    expect(error.message).not.toContain('boom')
  })
})
