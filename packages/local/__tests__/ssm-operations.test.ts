// The SSM operations the AWS CLI and boto3 call besides the reads (SSM-FACTS.md, "operations a local store for
// development is expected to answer"), through the real SSMClient and its paginators.
import {
  AddTagsToResourceCommand,
  DeleteParameterCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersCommand,
  ListTagsForResourceCommand,
  PutParameterCommand,
  paginateDescribeParameters,
  paginateGetParameterHistory,
  RemoveTagsFromResourceCommand,
  SSMClient,
  UnlabelParameterVersionCommand,
} from '@aws-sdk/client-ssm'
import type { LocalParameterStore } from 'middy-secrets-local'
import { rejection } from './support/errors.js'
import { useStores } from './support/stores.js'

const ARN = 'arn:aws:ssm:us-east-1:123456789012:parameter'
const stores = useStores()
let store: LocalParameterStore
let client: SSMClient

beforeEach(async () => {
  store = await stores.start({
    parameters: {
      '/app/db/host': 'db.local',
      '/app/db/port': '5432',
      '/app/token': { value: 'CANARY-7f3a-token', type: 'SecureString' },
      '/app/hosts': { value: 'a,b', type: 'StringList' },
      '/other/x': 'x',
      flat: 'f',
    },
  })
  client = stores.client(SSMClient, store)
})

const describeNames = async (input: ConstructorParameters<typeof DescribeParametersCommand>[0] = {}) => {
  const names: string[] = []
  for await (const page of paginateDescribeParameters({ client, pageSize: 2 }, input)) {
    names.push(...(page.Parameters ?? []).map((p) => p.Name as string))
  }
  return names
}

describe('DescribeParameters (API reference: DescribeParameters, ParameterStringFilter)', () => {
  test('lists metadata, never values, in pages', async () => {
    const out = await client.send(new DescribeParametersCommand({ MaxResults: 2 }))
    expect(out.Parameters).toHaveLength(2)
    expect(out.NextToken).toEqual(expect.any(String))
    expect(out.Parameters?.[0]).toMatchObject({
      Name: '/app/db/host',
      ARN: `${ARN}/app/db/host`,
      Type: 'String',
      Version: 1,
      Tier: 'Standard',
      DataType: 'text',
    })
    expect(JSON.stringify(out)).not.toContain('db.local')
    expect(await describeNames()).toEqual([
      '/app/db/host',
      '/app/db/port',
      '/app/hosts',
      '/app/token',
      '/other/x',
      'flat',
    ])
    const secure = await client.send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Type', Values: ['SecureString'] }] }),
    )
    expect(secure.Parameters?.map((p) => [p.Name, p.KeyId])).toEqual([['/app/token', 'alias/aws/ssm']])
    expect(JSON.stringify(secure)).not.toContain('CANARY-7f3a')
  })

  test.each([
    [[{ Key: 'Name', Values: ['/app/db/host', 'flat'] }], ['/app/db/host', 'flat']],
    [[{ Key: 'Name', Option: 'BeginsWith', Values: ['/app/d'] }], ['/app/db/host', '/app/db/port']],
    [[{ Key: 'Name', Option: 'Contains', Values: ['host'] }], ['/app/db/host', '/app/hosts']],
    [
      [{ Key: 'Type', Option: 'BeginsWith', Values: ['String'] }],
      ['/app/db/host', '/app/db/port', '/app/hosts', '/other/x', 'flat'],
    ],
    [[{ Key: 'Path', Values: ['/app'] }], ['/app/hosts', '/app/token']],
    [
      [{ Key: 'Path', Option: 'Recursive', Values: ['/app'] }],
      ['/app/db/host', '/app/db/port', '/app/hosts', '/app/token'],
    ],
    [[{ Key: 'KeyId', Values: ['alias/aws/ssm'] }], ['/app/token']],
    [
      [
        { Key: 'Tier', Values: ['Standard'] },
        { Key: 'Name', Values: ['flat'] },
      ],
      ['flat'],
    ],
    [
      [
        { Key: 'DataType', Values: ['text'] },
        { Key: 'Path', Values: ['/other'] },
      ],
      ['/other/x'],
    ],
  ])('ParameterFilters %j', async (ParameterFilters, names) => {
    expect(await describeNames({ ParameterFilters })).toEqual(names)
  })

  test('the old Filters form, and tag filters', async () => {
    expect(await describeNames({ Filters: [{ Key: 'Type', Values: ['StringList'] }] })).toEqual(['/app/hosts'])
    await client.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: 'flat',
        Tags: [{ Key: 'team', Value: 'core' }],
      }),
    )
    expect(await describeNames({ ParameterFilters: [{ Key: 'tag:team', Values: ['core'] }] })).toEqual(['flat'])
    expect(await describeNames({ ParameterFilters: [{ Key: 'tag:team' }] })).toEqual(['flat'])
  })

  // ParameterStringFilter: "For DescribeParameters, all of the listed patterns are valid except Label"; the
  // DescribeParameters errors are InvalidFilterKey, InvalidFilterOption, InvalidFilterValue, InvalidNextToken.
  test.each([
    [{ ParameterFilters: [{ Key: 'Label', Values: ['x'] }] }, 'InvalidFilterKey'],
    [{ ParameterFilters: [{ Key: 'Colour', Values: ['x'] }] }, 'InvalidFilterKey'],
    [{ Filters: [{ Key: 'Path', Values: ['/a'] }] }, 'InvalidFilterKey'],
    [{ ParameterFilters: [{ Key: 'Path', Option: 'Equals', Values: ['/a'] }] }, 'InvalidFilterOption'],
    [{ ParameterFilters: [{ Key: 'Type', Option: 'Contains', Values: ['S'] }] }, 'InvalidFilterOption'],
    [{ ParameterFilters: [{ Key: 'Type' }] }, 'InvalidFilterValue'],
    [{ NextToken: 'not-a-token' }, 'InvalidNextToken'],
    [{ MaxResults: 51 }, 'ValidationException'],
  ])('refuses %j with %s', async (input, name) => {
    expect((await rejection(client.send(new DescribeParametersCommand(input as never)))).name).toBe(name)
  })
})

describe('GetParameterHistory (API reference: GetParameterHistory)', () => {
  test('every version with its labels, paged; SecureStrings hidden without decryption', async () => {
    for (const value of ['CANARY-7f3a-2', 'CANARY-7f3a-3']) {
      await client.send(new PutParameterCommand({ Name: '/app/token', Value: value, Overwrite: true }))
    }
    store.label('/app/token', 2, ['prod', 'blue'])
    const versions: unknown[] = []
    for await (const page of paginateGetParameterHistory(
      { client, pageSize: 2 },
      { Name: '/app/token', WithDecryption: true },
    )) {
      versions.push(...(page.Parameters ?? []).map((p) => [p.Version, p.Value, p.Labels, p.Type]))
    }
    expect(versions).toEqual([
      [1, 'CANARY-7f3a-token', [], 'SecureString'],
      [2, 'CANARY-7f3a-2', ['prod', 'blue'], 'SecureString'],
      [3, 'CANARY-7f3a-3', [], 'SecureString'],
    ])
    const hidden = await client.send(new GetParameterHistoryCommand({ Name: `${ARN}/app/token` }))
    expect(hidden.Parameters).toHaveLength(3)
    expect(JSON.stringify(hidden)).not.toContain('CANARY-7f3a')
  })

  test('a missing parameter, a selector, a bad token', async () => {
    expect((await rejection(client.send(new GetParameterHistoryCommand({ Name: '/nope' })))).name).toBe(
      'ParameterNotFound',
    )
    expect((await rejection(client.send(new GetParameterHistoryCommand({ Name: '/app/token:1' })))).name).toBe(
      'ParameterNotFound',
    )
    expect(
      (await rejection(client.send(new GetParameterHistoryCommand({ Name: '/app/token', NextToken: 'x' })))).name,
    ).toBe('InvalidNextToken')
  })
})

describe('DeleteParameters (API reference: DeleteParameters)', () => {
  test('deletes up to 10; the rest come back in InvalidParameters', async () => {
    const out = await client.send(
      new DeleteParametersCommand({ Names: ['/app/db/host', '/nope', `${ARN}/flat`, 'flat'] }),
    )
    expect(out.DeletedParameters).toEqual(['/app/db/host', 'flat'])
    // "You can't enter the Amazon Resource Name (ARN) for a parameter, only the parameter name itself."
    expect(out.InvalidParameters).toEqual(['/nope', `${ARN}/flat`])
    expect(store.engine.get('/app/db/host')).toBeUndefined()
    const eleven = Array.from({ length: 11 }, (_, i) => `/n${i}`)
    expect((await rejection(client.send(new DeleteParametersCommand({ Names: eleven })))).name).toBe(
      'ValidationException',
    )
  })

  // DeleteParameter API reference, Name: "You can't enter the Amazon Resource Name (ARN) for a parameter".
  test('DeleteParameter refuses an ARN as ParameterNotFound and deletes nothing', async () => {
    for (const Name of [`${ARN}/app/db/port`, `${ARN}/flat`, `${ARN}/app/db/port:1`]) {
      expect((await rejection(client.send(new DeleteParameterCommand({ Name })))).name).toBe('ParameterNotFound')
    }
    expect(store.engine.size).toBe(6)
    await client.send(new DeleteParameterCommand({ Name: '/app/db/port' }))
    expect(store.engine.size).toBe(5)
  })
})

describe('UnlabelParameterVersion (API reference: UnlabelParameterVersion)', () => {
  test('removes labels from a version; labels it does not carry are InvalidLabels', async () => {
    store.put('/app/db/host', 'db2')
    store.label('/app/db/host', 1, ['old', 'keep'])
    const out = await client.send(
      new UnlabelParameterVersionCommand({ Name: '/app/db/host', ParameterVersion: 1, Labels: ['old', 'nope'] }),
    )
    expect(out).toMatchObject({ RemovedLabels: ['old'], InvalidLabels: ['nope'] })
    const get = (Name: string) => client.send(new GetParameterCommand({ Name }))
    expect((await rejection(get('/app/db/host:old'))).name).toBe('ParameterVersionNotFound')
    expect((await get('/app/db/host:keep')).Parameter?.Value).toBe('db.local')
    expect(
      (
        await rejection(
          client.send(
            new UnlabelParameterVersionCommand({ Name: '/app/db/host', ParameterVersion: 9, Labels: ['keep'] }),
          ),
        )
      ).name,
    ).toBe('ParameterVersionNotFound')
    expect(
      (
        await rejection(
          client.send(new UnlabelParameterVersionCommand({ Name: '/nope', ParameterVersion: 1, Labels: ['keep'] })),
        )
      ).name,
    ).toBe('ParameterNotFound')
  })
})

describe('tags (API reference: AddTagsToResource, ListTagsForResource, RemoveTagsFromResource)', () => {
  test('add, overwrite, list and remove', async () => {
    const tags = (ResourceId: string) =>
      client.send(new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId })).then((o) => o.TagList)
    await client.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: '/app/db/host',
        Tags: [
          { Key: 'team', Value: 'core' },
          { Key: 'env', Value: 'dev' },
        ],
      }),
    )
    await client.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: '/app/db/host',
        Tags: [{ Key: 'env', Value: 'prod' }],
      }),
    )
    expect(await tags('/app/db/host')).toEqual([
      { Key: 'team', Value: 'core' },
      { Key: 'env', Value: 'prod' },
    ])
    await client.send(
      new RemoveTagsFromResourceCommand({ ResourceType: 'Parameter', ResourceId: '/app/db/host', TagKeys: ['team'] }),
    )
    expect(await tags('/app/db/host')).toEqual([{ Key: 'env', Value: 'prod' }])
    expect(await tags('flat')).toEqual([])
  })

  test('PutParameter with Tags on create; with Overwrite refused', async () => {
    await client.send(
      new PutParameterCommand({ Name: '/t/new', Value: 'v', Type: 'String', Tags: [{ Key: 'k', Value: 'v' }] }),
    )
    const listed = await client.send(
      new ListTagsForResourceCommand({ ResourceType: 'Parameter', ResourceId: '/t/new' }),
    )
    expect(listed.TagList).toEqual([{ Key: 'k', Value: 'v' }])
    const both = await rejection(
      client.send(
        new PutParameterCommand({ Name: '/t/new', Value: 'v2', Overwrite: true, Tags: [{ Key: 'k', Value: 'v' }] }),
      ),
    )
    expect(both.name).toBe('ValidationException')
  })

  test.each([
    [{ ResourceType: 'Document', ResourceId: 'flat' }, 'InvalidResourceType'],
    [{ ResourceType: 'Parameter', ResourceId: '/nope' }, 'InvalidResourceId'],
  ])('refuses %j with %s', async (input, name) => {
    expect((await rejection(client.send(new ListTagsForResourceCommand(input as never)))).name).toBe(name)
  })

  test('at most 50 tags; no aws: keys', async () => {
    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }))
    await client.send(new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: 'flat', Tags: fifty }))
    const addTag = (Key: string) =>
      rejection(
        client.send(
          new AddTagsToResourceCommand({ ResourceType: 'Parameter', ResourceId: 'flat', Tags: [{ Key, Value: 'v' }] }),
        ),
      )
    expect((await addTag('k50')).name).toBe('TooManyTagsError')
    expect((await addTag('aws:x')).name).toBe('InvalidParameterValue')
  })
})

test('GetParameters still answers alphabetically after deletes and tags (a regression guard for the new state)', async () => {
  await client.send(new DeleteParametersCommand({ Names: ['/app/db/port'] }))
  const out = await client.send(new GetParametersCommand({ Names: ['flat', '/app/db/port', '/app/db/host'] }))
  expect(out.Parameters?.map((p) => p.Name)).toEqual(['/app/db/host', 'flat'])
  expect(out.InvalidParameters).toEqual(['/app/db/port'])
})
