// Secrets Manager operations tools expect (SSM-FACTS.md, Secrets Manager: "Other operations tools expect"), and
// SSM's bridge to Secrets Manager, through the real clients.
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  paginateListSecrets,
  RestoreSecretCommand,
  SecretsManagerClient,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager'
import { GetParameterCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm'
import type { LocalParameterStore } from 'middy-secrets-local'
import { rejection } from './support/errors.js'
import { useStores } from './support/stores.js'

const stores = useStores()
let store: LocalParameterStore
let sm: SecretsManagerClient
let ssm: SSMClient

beforeEach(async () => {
  store = await stores.start({ secrets: { 'prod/db': 'CANARY-7f3a-v1', 'prod/api': 'a', 'dev/db': 'd' } })
  sm = stores.client(SecretsManagerClient, store)
  ssm = stores.client(SSMClient, store)
})

describe('SSM reads /aws/reference/secretsmanager/<id> from the same store (SSM-FACTS.md; SSM user guide, referencing Secrets Manager secrets)', () => {
  test('GetParameter serves the secret, Name the full reference name', async () => {
    const out = await ssm.send(
      new GetParameterCommand({ Name: '/aws/reference/secretsmanager/prod/db', WithDecryption: true }),
    )
    expect(out.Parameter).toMatchObject({
      Name: '/aws/reference/secretsmanager/prod/db',
      Type: 'SecureString',
      Value: 'CANARY-7f3a-v1',
      Version: 0,
      ARN: store.secretsEngine.arnOf('prod/db'),
    })
    expect(out.Parameter?.Selector).toBeUndefined()
    expect(JSON.parse(out.Parameter?.SourceResult as string)).toMatchObject({
      Name: 'prod/db',
      VersionStages: ['AWSCURRENT'],
    })
  })

  test('with a :stage or :version-id selector, carried back in Selector', async () => {
    const v1 = store.secretsEngine.get('prod/db')?.versionId as string
    store.putSecret('prod/db', 'CANARY-7f3a-v2')
    const get = (Name: string) => ssm.send(new GetParameterCommand({ Name, WithDecryption: true }))
    const previous = await get('/aws/reference/secretsmanager/prod/db:AWSPREVIOUS')
    expect(previous.Parameter).toMatchObject({ Value: 'CANARY-7f3a-v1', Selector: ':AWSPREVIOUS' })
    const byId = await get(`/aws/reference/secretsmanager/prod/db:${v1}`)
    expect(byId.Parameter).toMatchObject({ Value: 'CANARY-7f3a-v1', Selector: `:${v1}` })
    expect((await get('/aws/reference/secretsmanager/prod/db')).Parameter?.Value).toBe('CANARY-7f3a-v2')
    expect((await rejection(get('/aws/reference/secretsmanager/prod/db:NOSUCH'))).name).toBe('ParameterVersionNotFound')
    expect((await rejection(get('/aws/reference/secretsmanager/nope'))).name).toBe('ParameterNotFound')
  })

  test('GetParameters mixes references and plain names; missing ones are InvalidParameters', async () => {
    store.put('/plain', 'p')
    const out = await ssm.send(
      new GetParametersCommand({
        Names: ['/aws/reference/secretsmanager/prod/api', '/plain', '/aws/reference/secretsmanager/nope'],
        WithDecryption: true,
      }),
    )
    expect(out.Parameters?.map((p) => [p.Name, p.Value])).toEqual([
      ['/aws/reference/secretsmanager/prod/api', 'a'],
      ['/plain', 'p'],
    ])
    expect(out.InvalidParameters).toEqual(['/aws/reference/secretsmanager/nope'])
  })

  test('WithDecryption is required, and nothing of the secret leaks in the refusal', async () => {
    const error = await rejection(ssm.send(new GetParameterCommand({ Name: '/aws/reference/secretsmanager/prod/db' })))
    expect(error.name).toBe('ValidationException')
    expect(JSON.stringify(error)).not.toContain('CANARY-7f3a')
  })
})

describe('DescribeSecret, ListSecrets, ListSecretVersionIds (API reference)', () => {
  test('DescribeSecret: metadata and stages, never the value', async () => {
    await sm.send(
      new CreateSecretCommand({
        Name: 'tagged',
        SecretString: 'x',
        Description: 'the db',
        Tags: [{ Key: 'team', Value: 'core' }],
      }),
    )
    const out = await sm.send(new DescribeSecretCommand({ SecretId: 'prod/db' }))
    expect(out).toMatchObject({ Name: 'prod/db', ARN: store.secretsEngine.arnOf('prod/db'), RotationEnabled: false })
    expect(Object.values(out.VersionIdsToStages ?? {})).toEqual([['AWSCURRENT']])
    expect(JSON.stringify(out)).not.toContain('CANARY-7f3a')
    const tagged = await sm.send(new DescribeSecretCommand({ SecretId: 'tagged' }))
    expect(tagged).toMatchObject({ Description: 'the db', Tags: [{ Key: 'team', Value: 'core' }] })
    expect((await rejection(sm.send(new DescribeSecretCommand({ SecretId: 'nope' })))).name).toBe(
      'ResourceNotFoundException',
    )
  })

  test('ListSecrets: paged by the paginator, filters, order, planned deletions', async () => {
    const names: string[] = []
    for await (const page of paginateListSecrets({ client: sm, pageSize: 2 }, {})) {
      names.push(...(page.SecretList ?? []).map((s) => s.Name as string))
    }
    expect(names).toEqual(['dev/db', 'prod/api', 'prod/db'])
    const filtered = await sm.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['prod/', '!prod/api'] }] }),
    )
    expect(filtered.SecretList?.map((s) => s.Name)).toEqual(['prod/db'])
    const desc = await sm.send(new ListSecretsCommand({ SortOrder: 'desc' }))
    expect(desc.SecretList?.map((s) => s.Name)).toEqual(['prod/db', 'prod/api', 'dev/db'])
    await sm.send(new DeleteSecretCommand({ SecretId: 'dev/db' }))
    expect((await sm.send(new ListSecretsCommand({}))).SecretList?.map((s) => s.Name)).toEqual(['prod/api', 'prod/db'])
    const all = await sm.send(new ListSecretsCommand({ IncludePlannedDeletion: true }))
    expect(all.SecretList?.find((s) => s.Name === 'dev/db')?.DeletedDate).toBeInstanceOf(Date)
    expect(JSON.stringify(all)).not.toContain('CANARY-7f3a')
    const bad = await rejection(sm.send(new ListSecretsCommand({ NextToken: 'garbage' })))
    expect(bad.name).toBe('InvalidNextTokenException')
  })

  test('ListSecretVersionIds: labelled versions, or all with IncludeDeprecated', async () => {
    for (let i = 2; i <= 4; i++) store.putSecret('prod/db', `CANARY-7f3a-v${i}`)
    const out = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'prod/db' }))
    expect(out.Versions?.map((v) => v.VersionStages)).toEqual([['AWSPREVIOUS'], ['AWSCURRENT']])
    const all = await sm.send(
      new ListSecretVersionIdsCommand({ SecretId: 'prod/db', IncludeDeprecated: true, MaxResults: 3 }),
    )
    expect(all.Versions).toHaveLength(3)
    expect(all.NextToken).toEqual(expect.any(String))
    const rest = await sm.send(
      new ListSecretVersionIdsCommand({
        SecretId: 'prod/db',
        IncludeDeprecated: true,
        MaxResults: 3,
        NextToken: all.NextToken,
      }),
    )
    expect(rest.Versions).toHaveLength(1)
    expect(rest.NextToken).toBeUndefined()
  })
})

describe('RestoreSecret, UpdateSecret, UpdateSecretVersionStage (API reference)', () => {
  test('RestoreSecret cancels a scheduled deletion', async () => {
    await sm.send(new DeleteSecretCommand({ SecretId: 'prod/api', RecoveryWindowInDays: 7 }))
    expect((await rejection(sm.send(new GetSecretValueCommand({ SecretId: 'prod/api' })))).name).toBe(
      'InvalidRequestException',
    )
    expect(await sm.send(new RestoreSecretCommand({ SecretId: 'prod/api' }))).toMatchObject({ Name: 'prod/api' })
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'prod/api' }))).SecretString).toBe('a')
  })

  test('UpdateSecret: a new current version and a description', async () => {
    const out = await sm.send(
      new UpdateSecretCommand({ SecretId: 'prod/db', SecretString: 'CANARY-7f3a-new', Description: 'd' }),
    )
    expect(out.VersionId).toEqual(expect.any(String))
    expect(store.secretsEngine.get('prod/db')?.value).toBe('CANARY-7f3a-new')
    expect(store.secretsEngine.get('prod/db', { versionStage: 'AWSPREVIOUS' })?.value).toBe('CANARY-7f3a-v1')
    expect((await sm.send(new DescribeSecretCommand({ SecretId: 'prod/db' }))).Description).toBe('d')
  })

  test('UpdateSecretVersionStage moves AWSCURRENT back (a rollback), with AWSPREVIOUS following', async () => {
    const v1 = store.secretsEngine.get('prod/db')?.versionId as string
    const v2 = store.putSecret('prod/db', 'CANARY-7f3a-v2')
    const missingFrom = await rejection(
      sm.send(
        new UpdateSecretVersionStageCommand({ SecretId: 'prod/db', VersionStage: 'AWSCURRENT', MoveToVersionId: v1 }),
      ),
    )
    expect(missingFrom.name).toBe('InvalidParameterException')
    await sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: 'prod/db',
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: v1,
        RemoveFromVersionId: v2,
      }),
    )
    expect(store.secretsEngine.get('prod/db')?.value).toBe('CANARY-7f3a-v1')
    expect(store.secretsEngine.get('prod/db', { versionStage: 'AWSPREVIOUS' })?.versionId).toBe(v2)
    // A custom label: attached, then removed.
    await sm.send(
      new UpdateSecretVersionStageCommand({ SecretId: 'prod/db', VersionStage: 'blue', MoveToVersionId: v2 }),
    )
    expect(store.secretsEngine.get('prod/db', { versionStage: 'blue' })?.versionId).toBe(v2)
    await sm.send(
      new UpdateSecretVersionStageCommand({ SecretId: 'prod/db', VersionStage: 'blue', RemoveFromVersionId: v2 }),
    )
    expect(store.secretsEngine.get('prod/db', { versionStage: 'blue' })).toBeUndefined()
  })
})

test('DeleteSecret --force-delete-without-recovery on a missing secret succeeds over the wire (SSM-FACTS.md)', async () => {
  const out = await sm.send(new DeleteSecretCommand({ SecretId: 'never-was', ForceDeleteWithoutRecovery: true }))
  expect(out.Name).toBe('never-was')
  expect(store.secretsEngine.size).toBe(3)
  await sm.send(new PutSecretValueCommand({ SecretId: 'prod/api', SecretString: 'b' }))
})
