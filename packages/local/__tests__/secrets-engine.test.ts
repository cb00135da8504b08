import { SecretsEngine } from '../src/secrets-engine.js'
import { failure } from './support/errors.js'

type SecretValue = {
  ARN: string
  Name: string
  VersionId: string
  SecretString?: string
  SecretBinary?: string
  VersionStages: string[]
  CreatedDate: number
}
type BatchOut = {
  SecretValues: SecretValue[]
  Errors: { SecretId: string; ErrorCode: string; Message: string }[]
  NextToken?: string
}

const ARN_PREFIX = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:'
const TOKEN = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const get = (engine: SecretsEngine, input: Record<string, unknown>) =>
  engine.handle('GetSecretValue', input) as SecretValue
const batch = (engine: SecretsEngine, input: Record<string, unknown>) =>
  engine.handle('BatchGetSecretValue', input) as BatchOut

describe('construction', () => {
  test('defaults, seeded secrets and the ARN with its six-character suffix', () => {
    const engine = new SecretsEngine({ secrets: { 'prod/db': 'pw', cert: new Uint8Array([1, 2, 255]) } })
    expect(engine.region).toBe('us-east-1')
    expect(engine.accountId).toBe('123456789012')
    expect(engine.size).toBe(2)
    const db = engine.get('prod/db')
    expect(db).toMatchObject({ name: 'prod/db', value: 'pw', stages: ['AWSCURRENT'] })
    expect(db?.arn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:prod\/db-[A-Za-z0-9]{6}$/)
    expect(db?.versionId).toMatch(UUID)
    expect(engine.get('cert')?.value).toEqual(new Uint8Array([1, 2, 255]))
  })

  test('the seed makes ARNs and in-process version ids reproducible', () => {
    const make = (seed: number) => {
      const engine = new SecretsEngine({ seed, secrets: { a: '1', b: '2' } })
      return [engine.arnOf('a'), engine.arnOf('b'), engine.get('a')?.versionId, engine.put('a', 'x')]
    }
    expect(make(42)).toEqual(make(42))
    expect(make(42)[0]).not.toBe(make(43)[0])
    // Versions draw from their own sequence: adding one does not change the ARNs of secrets created later.
    const quiet = new SecretsEngine({ seed: 5, secrets: { a: '1' } })
    const busy = new SecretsEngine({ seed: 5, secrets: { a: '1' } })
    for (let i = 0; i < 5; i++) busy.put('a', `v${i}`)
    quiet.put('b', 'x')
    busy.put('b', 'x')
    expect(busy.arnOf('b')).toBe(quiet.arnOf('b'))
  })

  test('options set region, account and clock', () => {
    const engine = new SecretsEngine({ region: 'eu-west-1', accountId: '111122223333', now: () => 1_700_000_000_500 })
    const versionId = engine.put('s', 'v')
    expect(get(engine, { SecretId: 's' })).toEqual({
      ARN: expect.stringMatching(/^arn:aws:secretsmanager:eu-west-1:111122223333:secret:s-[A-Za-z0-9]{6}$/),
      Name: 's',
      VersionId: versionId,
      SecretString: 'v',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 1_700_000_000.5,
    })
    expect(engine.get('s')?.createdDate).toEqual(new Date(1_700_000_000_500))
  })

  test('a drawn version id that is taken is drawn again', () => {
    const drawn = new SecretsEngine({ seed: 9 })
    const first = drawn.put('s', 'a')
    const engine = new SecretsEngine({ seed: 9 })
    // The wire takes the client's token as the VersionId, without drawing: the next draw meets it.
    engine.handle('CreateSecret', { Name: 's', SecretString: 'a', ClientRequestToken: first })
    const second = engine.put('s', 'b')
    expect(second).not.toBe(first)
    expect(second).toMatch(UUID)
  })
})

describe('lookups', () => {
  const engine = new SecretsEngine({ secrets: { 'prod/db': 'pw', 'prod/db-extra': 'other' } })
  const arn = engine.arnOf('prod/db') as string

  test.each([
    ['name', 'prod/db'],
    ['full ARN', arn],
    ['partial ARN', `${ARN_PREFIX}prod/db`],
  ])('by %s', (_, id) => {
    expect(get(engine, { SecretId: id })).toMatchObject({ Name: 'prod/db', ARN: arn, SecretString: 'pw' })
    expect(engine.resolve(id)).toBe('prod/db')
  })

  test.each([
    ['an unknown name', 'prod/nope'],
    ['an ARN of another region', arn.replace('us-east-1', 'eu-west-1')],
    ['an ARN of another account', arn.replace('123456789012', '999999999999')],
    ['a full ARN with a wrong suffix', `${ARN_PREFIX}prod/db-ZZZZZZ`],
    ['a partial ARN of an unknown name', `${ARN_PREFIX}prod/nope`],
  ])('%s is ResourceNotFoundException', (_, id) => {
    const error = failure(() => get(engine, { SecretId: id }))
    expect(error.name).toBe('ResourceNotFoundException')
    expect(error.message).toBe("Secrets Manager can't find the specified secret.")
    expect(engine.resolve(id)).toBeUndefined()
    expect(engine.arnOf(id)).toBeUndefined()
    expect(engine.get(id)).toBeUndefined()
  })

  test('the SecretId is required and at most 2048 characters', () => {
    expect(failure(() => get(engine, {})).name).toBe('ValidationException')
    expect(failure(() => get(engine, { SecretId: '' })).message).toContain('greater than or equal to 1')
    expect(failure(() => get(engine, { SecretId: 'x'.repeat(2049) })).message).toContain('less than or equal to 2048')
    expect(failure(() => get(engine, { SecretId: 7 })).name).toBe('SerializationException')
  })
})

describe('versions and staging labels', () => {
  test('a new value becomes AWSCURRENT, the old current AWSPREVIOUS, the older previous loses its label', () => {
    const engine = new SecretsEngine({ secrets: { s: 'v1' } })
    const v1 = engine.get('s')?.versionId as string
    const v2 = engine.put('s', 'v2')
    expect(engine.get('s')).toMatchObject({ value: 'v2', versionId: v2, stages: ['AWSCURRENT'] })
    expect(engine.get('s', { versionStage: 'AWSPREVIOUS' })).toMatchObject({ value: 'v1', versionId: v1 })
    const v3 = engine.put('s', 'v3')
    expect(get(engine, { SecretId: 's' })).toMatchObject({ SecretString: 'v3', VersionId: v3 })
    expect(get(engine, { SecretId: 's', VersionStage: 'AWSPREVIOUS' })).toMatchObject({
      SecretString: 'v2',
      VersionStages: ['AWSPREVIOUS'],
    })
    // v1 is deprecated: still readable by id, with no labels.
    expect(get(engine, { SecretId: 's', VersionId: v1 })).toMatchObject({ SecretString: 'v1', VersionStages: [] })
  })

  test('a version with other labels leaves AWSCURRENT where it is; labels move between versions', () => {
    const engine = new SecretsEngine({ secrets: { s: 'v1' } })
    const pending = engine.put('s', 'v2', { stages: ['AWSPENDING', 'AWSPENDING'] })
    expect(engine.get('s')?.value).toBe('v1')
    expect(engine.get('s', { versionStage: 'AWSPENDING' })).toMatchObject({
      versionId: pending,
      stages: ['AWSPENDING'],
    })
    const moved = engine.put('s', 'v3', { stages: ['AWSPENDING'] })
    expect(engine.get('s', { versionId: pending })?.stages).toEqual([])
    expect(engine.get('s', { versionStage: 'AWSPENDING' })?.versionId).toBe(moved)
  })

  test('AWSCURRENT and AWSPREVIOUS given together both land on the new version', () => {
    const engine = new SecretsEngine({ secrets: { s: 'v1' } })
    const v1 = engine.get('s')?.versionId as string
    engine.put('s', 'v2', { stages: ['AWSCURRENT', 'AWSPREVIOUS'] })
    expect(engine.get('s')?.stages).toEqual(['AWSCURRENT', 'AWSPREVIOUS'])
    expect(engine.get('s', { versionId: v1 })?.stages).toEqual([])
  })

  test('the first version of a secret is always AWSCURRENT', () => {
    const engine = new SecretsEngine()
    engine.put('s', 'v1', { stages: ['AWSPENDING'] })
    expect(engine.get('s')?.stages).toEqual(['AWSPENDING', 'AWSCURRENT'])
  })

  test('get() reads by id or label and agrees with both only when they match', () => {
    const engine = new SecretsEngine({ secrets: { s: 'v1' } })
    const v1 = engine.get('s')?.versionId as string
    engine.put('s', 'v2')
    expect(engine.get('s', { versionId: v1, versionStage: 'AWSPREVIOUS' })?.value).toBe('v1')
    expect(engine.get('s', { versionId: v1, versionStage: 'AWSCURRENT' })).toBeUndefined()
    expect(engine.get('s', { versionId: TOKEN })).toBeUndefined()
    expect(engine.get('s', { versionStage: 'AWSPENDING' })).toBeUndefined()
  })

  test('GetSecretValue: missing version or label, and an id and a label that disagree', () => {
    const engine = new SecretsEngine({ secrets: { s: 'v1' } })
    const v1 = engine.get('s')?.versionId as string
    engine.put('s', 'v2')
    expect(get(engine, { SecretId: 's', VersionId: v1, VersionStage: 'AWSPREVIOUS' }).SecretString).toBe('v1')
    const disagree = failure(() => get(engine, { SecretId: 's', VersionId: v1, VersionStage: 'AWSCURRENT' }))
    expect(disagree.name).toBe('InvalidParameterException')
    const stage = failure(() => get(engine, { SecretId: 's', VersionStage: 'AWSPENDING' }))
    expect(stage.name).toBe('ResourceNotFoundException')
    expect(stage.message).toBe("Secrets Manager can't find the specified secret value for staging label: AWSPENDING")
    const version = failure(() => get(engine, { SecretId: 's', VersionId: TOKEN }))
    expect(version.name).toBe('ResourceNotFoundException')
    expect(version.message).toBe(`Secrets Manager can't find the specified secret value for VersionId: ${TOKEN}`)
    expect(failure(() => get(engine, { SecretId: 's', VersionId: 'short' })).name).toBe('ValidationException')
    expect(failure(() => get(engine, { SecretId: 's', VersionStage: '' })).name).toBe('ValidationException')
  })

  test('deprecated versions beyond 100 are dropped, oldest first', () => {
    const engine = new SecretsEngine({ secrets: { s: 'v0' } })
    const first = engine.get('s')?.versionId as string
    const second = engine.put('s', 'v1')
    for (let i = 2; i <= 102; i++) engine.put('s', `v${i}`)
    // 103 versions: current, previous, 101 deprecated → the oldest deprecated one is gone.
    expect(engine.get('s', { versionId: first })).toBeUndefined()
    expect(engine.get('s', { versionId: second })?.value).toBe('v1')
  })

  test('put() checks its labels, the value size and the name', () => {
    const engine = new SecretsEngine()
    expect(failure(() => engine.put('s', 'v', { stages: [] })).name).toBe('ValidationException')
    expect(failure(() => engine.put('s', 'v', { stages: Array.from({ length: 21 }, (_, i) => `L${i}`) })).name).toBe(
      'ValidationException',
    )
    expect(failure(() => engine.put('s', 'v', { stages: ['x'.repeat(257)] })).name).toBe('ValidationException')
    expect(failure(() => engine.put('s', 'x'.repeat(65537))).name).toBe('ValidationException')
    expect(failure(() => engine.put('s', new Uint8Array(65537))).message).toContain("'secretBinary'")
    expect(failure(() => engine.put('bad name', 'v')).name).toBe('InvalidParameterException')
    expect(failure(() => engine.put('x'.repeat(513), 'v')).name).toBe('ValidationException')
    expect(engine.size).toBe(0)
    engine.put('x'.repeat(512), 'x'.repeat(65536))
    engine.put('a/b_c+d=e.f@g-h', new Uint8Array(65536))
    expect(engine.size).toBe(2)
  })

  test('values are copied in and out', () => {
    const engine = new SecretsEngine()
    const bytes = new Uint8Array([1, 2, 3])
    engine.put('b', bytes)
    bytes[0] = 9
    const out = engine.get('b')?.value as Uint8Array
    expect(out).toEqual(new Uint8Array([1, 2, 3]))
    out[1] = 9
    expect(engine.get('b')?.value).toEqual(new Uint8Array([1, 2, 3]))
  })
})

describe('SecretBinary on the wire', () => {
  test('goes out as base64 and comes in from base64', () => {
    const engine = new SecretsEngine({ secrets: { b: new Uint8Array([0, 1, 254, 255]) } })
    const out = get(engine, { SecretId: 'b' })
    expect(out.SecretBinary).toBe(Buffer.from([0, 1, 254, 255]).toString('base64'))
    expect(out).not.toHaveProperty('SecretString')
    engine.handle('CreateSecret', { Name: 'c', SecretBinary: Buffer.from('hello').toString('base64') })
    expect(engine.get('c')?.value).toEqual(new Uint8Array(Buffer.from('hello')))
  })

  test('text that is not base64 is a SerializationException; both kinds of value an InvalidParameterException', () => {
    const engine = new SecretsEngine()
    for (const SecretBinary of ['abc', 'ab!=', '====']) {
      expect(failure(() => engine.handle('CreateSecret', { Name: 'c', SecretBinary })).name).toBe(
        'SerializationException',
      )
    }
    const both = failure(() => engine.handle('CreateSecret', { Name: 'c', SecretBinary: 'AA==', SecretString: 'x' }))
    expect(both.name).toBe('InvalidParameterException')
    expect(engine.size).toBe(0)
  })
})

describe('CreateSecret', () => {
  test('returns ARN, Name and VersionId (the ClientRequestToken when given)', () => {
    const engine = new SecretsEngine()
    const out = engine.handle('CreateSecret', { Name: 'n', SecretString: 'v', ClientRequestToken: TOKEN })
    expect(out).toEqual({ ARN: engine.arnOf('n'), Name: 'n', VersionId: TOKEN })
    const drawn = engine.handle('CreateSecret', { Name: 'm', SecretString: 'v' }) as { VersionId: string }
    expect(drawn.VersionId).toMatch(UUID)
  })

  test('an existing name is ResourceExistsException', () => {
    const engine = new SecretsEngine({ secrets: { n: 'v' } })
    const error = failure(() => engine.handle('CreateSecret', { Name: 'n', SecretString: 'w' }))
    expect(error.name).toBe('ResourceExistsException')
    expect(error.message).toBe('The operation failed because the secret n already exists.')
    expect(engine.get('n')?.value).toBe('v')
  })

  test('without a value the secret has no version until PutSecretValue, whose first version is current', () => {
    const engine = new SecretsEngine()
    expect(engine.handle('CreateSecret', { Name: 'n' })).toEqual({ ARN: engine.arnOf('n'), Name: 'n' })
    expect(failure(() => get(engine, { SecretId: 'n' })).message).toContain('staging label: AWSCURRENT')
    expect(engine.get('n')).toBeUndefined()
    const put = engine.handle('PutSecretValue', {
      SecretId: 'n',
      SecretString: 'v',
      VersionStages: ['AWSPENDING'],
    }) as { VersionStages: string[] }
    expect(put.VersionStages).toEqual(['AWSPENDING', 'AWSCURRENT'])
  })

  test('checks its input', () => {
    const engine = new SecretsEngine()
    expect(failure(() => engine.handle('CreateSecret', {})).name).toBe('ValidationException')
    expect(failure(() => engine.handle('CreateSecret', { Name: 'a b' })).name).toBe('InvalidParameterException')
    expect(failure(() => engine.handle('CreateSecret', { Name: 'n', ClientRequestToken: 'x' })).name).toBe(
      'ValidationException',
    )
    expect(
      failure(() => engine.handle('CreateSecret', { Name: 'n', ClientRequestToken: 'x'.repeat(65) })).message,
    ).toContain('less than or equal to 64')
  })
})

describe('PutSecretValue', () => {
  test('adds a version and answers with its labels', () => {
    const engine = new SecretsEngine({ secrets: { n: 'v1' } })
    const arn = engine.arnOf('n')
    const out = engine.handle('PutSecretValue', { SecretId: arn, SecretString: 'v2', ClientRequestToken: TOKEN })
    expect(out).toEqual({ ARN: arn, Name: 'n', VersionId: TOKEN, VersionStages: ['AWSCURRENT'] })
    const drawn = engine.handle('PutSecretValue', { SecretId: 'n', SecretString: 'v3' }) as { VersionId: string }
    expect(drawn.VersionId).toMatch(UUID)
  })

  test('a ClientRequestToken sent again: the same value is a no-op, another value is refused', () => {
    const engine = new SecretsEngine({ secrets: { n: 'v1' } })
    const put = (SecretString: string) =>
      engine.handle('PutSecretValue', { SecretId: 'n', SecretString, ClientRequestToken: TOKEN })
    put('v2')
    engine.put('n', 'v3')
    expect(put('v2')).toEqual({ ARN: engine.arnOf('n'), Name: 'n', VersionId: TOKEN, VersionStages: ['AWSPREVIOUS'] })
    expect(engine.get('n')?.value).toBe('v3')
    expect(failure(() => put('other')).name).toBe('ResourceExistsException')
    const binary = Buffer.from([1, 2]).toString('base64')
    const putBinary = (SecretBinary: string) =>
      engine.handle('PutSecretValue', { SecretId: 'n', SecretBinary, ClientRequestToken: TOKEN.replace('a', 'b') })
    putBinary(binary)
    expect(putBinary(binary)).toMatchObject({ VersionStages: ['AWSCURRENT'] })
    expect(failure(() => putBinary(Buffer.from([1, 3]).toString('base64'))).name).toBe('ResourceExistsException')
  })

  test('checks its input', () => {
    const engine = new SecretsEngine({ secrets: { n: 'v1' } })
    expect(failure(() => engine.handle('PutSecretValue', { SecretId: 'n' })).message).toBe(
      'You must provide either SecretString or SecretBinary.',
    )
    expect(failure(() => engine.handle('PutSecretValue', { SecretId: 'nope', SecretString: 'x' })).name).toBe(
      'ResourceNotFoundException',
    )
    expect(
      failure(() => engine.handle('PutSecretValue', { SecretId: 'n', SecretString: 'x', VersionStages: [] })).name,
    ).toBe('ValidationException')
    expect(
      failure(() => engine.handle('PutSecretValue', { SecretId: 'n', SecretString: 'x', VersionStages: 'L' })).name,
    ).toBe('SerializationException')
  })
})

describe('deletion', () => {
  test('ForceDeleteWithoutRecovery removes the secret at once; the name can be used again, with a new ARN', () => {
    const engine = new SecretsEngine({ secrets: { n: 'v' }, now: () => 2_000_000 })
    const arn = engine.arnOf('n')
    expect(engine.handle('DeleteSecret', { SecretId: 'n', ForceDeleteWithoutRecovery: true })).toEqual({
      ARN: arn,
      Name: 'n',
      DeletionDate: 2000,
    })
    expect(engine.size).toBe(0)
    expect(failure(() => get(engine, { SecretId: 'n' })).name).toBe('ResourceNotFoundException')
    engine.put('n', 'again')
    expect(engine.arnOf('n')).not.toBe(arn)
    expect(engine.resolve(arn as string)).toBeUndefined()
  })

  test('a recovery window makes the secret unusable until it ends, then it is gone', () => {
    let clock = 0
    const engine = new SecretsEngine({ secrets: { n: 'v', other: 'o' }, now: () => clock })
    const arn = engine.arnOf('n')
    const out = engine.handle('DeleteSecret', { SecretId: 'n', RecoveryWindowInDays: 7 })
    expect(out).toEqual({ ARN: arn, Name: 'n', DeletionDate: 7 * 86_400 })
    const marked = failure(() => get(engine, { SecretId: 'n' }))
    expect(marked.name).toBe('InvalidRequestException')
    expect(marked.message).toMatch(/marked for deletion/)
    expect(failure(() => engine.put('n', 'w')).name).toBe('InvalidRequestException')
    expect(failure(() => engine.handle('PutSecretValue', { SecretId: 'n', SecretString: 'w' })).name).toBe(
      'InvalidRequestException',
    )
    expect(failure(() => engine.handle('CreateSecret', { Name: 'n', SecretString: 'w' })).message).toMatch(
      /already scheduled for deletion/,
    )
    expect(failure(() => engine.handle('DeleteSecret', { SecretId: 'n' })).name).toBe('InvalidRequestException')
    expect(batch(engine, { SecretIdList: ['n', 'other'] })).toMatchObject({
      SecretValues: [{ Name: 'other' }],
      Errors: [{ SecretId: 'n', ErrorCode: 'InvalidRequestException' }],
    })
    expect(batch(engine, { Filters: [{ Key: 'name', Values: [''] }] }).SecretValues.map((s) => s.Name)).toEqual([
      'other',
    ])
    expect(engine.size).toBe(2)
    clock = 7 * 86_400_000 - 1
    expect(engine.resolve('n')).toBe('n')
    clock += 1
    expect(engine.resolve('n')).toBeUndefined()
    expect(engine.size).toBe(1)
    expect(failure(() => get(engine, { SecretId: 'n' })).name).toBe('ResourceNotFoundException')
  })

  test('the default window is 30 days; a scheduled secret can still be force-deleted', () => {
    const engine = new SecretsEngine({ secrets: { n: 'v' }, now: () => 0 })
    expect(engine.handle('DeleteSecret', { SecretId: 'n' })).toMatchObject({ DeletionDate: 30 * 86_400 })
    engine.handle('DeleteSecret', { SecretId: 'n', ForceDeleteWithoutRecovery: true })
    expect(engine.size).toBe(0)
  })

  test('checks its input', () => {
    const engine = new SecretsEngine({ secrets: { n: 'v' } })
    const del = (input: Record<string, unknown>) => failure(() => engine.handle('DeleteSecret', input))
    expect(del({ SecretId: 'n', ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 }).name).toBe(
      'InvalidParameterException',
    )
    expect(del({ SecretId: 'n', RecoveryWindowInDays: 6 }).name).toBe('InvalidParameterException')
    expect(del({ SecretId: 'n', RecoveryWindowInDays: 31 }).name).toBe('InvalidParameterException')
    expect(del({ SecretId: 'nope' }).name).toBe('ResourceNotFoundException')
    expect(engine.size).toBe(1)
  })

  // SSM-FACTS.md (Secrets Manager): "DeleteSecret with ForceDeleteWithoutRecovery on a secret that does not exist
  // does not fail (no ResourceNotFoundException); tools call it in teardown."
  test('ForceDeleteWithoutRecovery on a missing secret succeeds, by name or ARN (SSM-FACTS.md)', () => {
    const engine = new SecretsEngine({ secrets: { n: 'v' }, now: () => 1_700_000_000_000 })
    expect(engine.handle('DeleteSecret', { SecretId: 'nope', ForceDeleteWithoutRecovery: true })).toEqual({
      ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:nope',
      Name: 'nope',
      DeletionDate: 1_700_000_000,
    })
    // The rest of the kind: a missing secret named by ARN, one already force-deleted, and twice in a row.
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-AbCdEf'
    expect(engine.handle('DeleteSecret', { SecretId: arn, ForceDeleteWithoutRecovery: true })).toMatchObject({
      ARN: arn,
      Name: 'gone-AbCdEf',
    })
    engine.handle('DeleteSecret', { SecretId: 'n', ForceDeleteWithoutRecovery: true })
    expect(engine.handle('DeleteSecret', { SecretId: 'n', ForceDeleteWithoutRecovery: true })).toMatchObject({
      Name: 'n',
    })
    expect(engine.size).toBe(0)
    // Without the force flag a missing secret is still ResourceNotFoundException.
    expect(failure(() => engine.handle('DeleteSecret', { SecretId: 'n' })).name).toBe('ResourceNotFoundException')
  })

  test('delete() in process: at once, by name or ARN; ResourceNotFoundException if none', () => {
    const engine = new SecretsEngine({ secrets: { a: '1', b: '2' } })
    engine.delete('a')
    engine.delete(engine.arnOf('b') as string)
    expect(engine.size).toBe(0)
    expect(failure(() => engine.delete('a')).name).toBe('ResourceNotFoundException')
  })
})

describe('BatchGetSecretValue by SecretIdList', () => {
  const names = Array.from({ length: 20 }, (_, i) => `app/s${String(i).padStart(2, '0')}`)
  const engine = new SecretsEngine({ secrets: Object.fromEntries(names.map((n) => [n, `value-${n}`])) })

  test('20 ids: every value, in the order asked, each shaped as GetSecretValue answers', () => {
    const ids = [...names].reverse()
    const out = batch(engine, { SecretIdList: ids })
    expect(out.Errors).toEqual([])
    expect(out.SecretValues.map((s) => s.Name)).toEqual(ids)
    expect(out.SecretValues[0]).toEqual(get(engine, { SecretId: ids[0] }))
  })

  test('ids that cannot be read come back in Errors; the call succeeds', () => {
    engine.handle('CreateSecret', { Name: 'app/empty' })
    const out = batch(engine, { SecretIdList: ['app/s00', 'app/missing', `${ARN_PREFIX}app/s01`, 'app/empty'] })
    expect(out.SecretValues.map((s) => s.Name)).toEqual(['app/s00', 'app/s01'])
    expect(out.Errors).toEqual([
      {
        SecretId: 'app/missing',
        ErrorCode: 'ResourceNotFoundException',
        Message: "Secrets Manager can't find the specified secret.",
      },
      {
        SecretId: 'app/empty',
        ErrorCode: 'ResourceNotFoundException',
        Message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
      },
    ])
  })

  test('the same secret asked for twice comes back once', () => {
    const arn = engine.arnOf('app/s00') as string
    const out = batch(engine, { SecretIdList: ['app/s00', arn, 'app/s00', 'gone', 'gone'] })
    expect(out.SecretValues).toHaveLength(1)
    expect(out.Errors).toHaveLength(1)
  })

  test('0 or more than 20 ids, an id too long, or paging options are refused', () => {
    const refused = (input: Record<string, unknown>) => failure(() => batch(engine, input))
    expect(refused({ SecretIdList: [] }).message).toContain('greater than or equal to 1')
    const tooMany = refused({ SecretIdList: [...names, 'app/one-more'] })
    expect(tooMany.name).toBe('ValidationException')
    expect(tooMany.message).toContain("'secretIdList'")
    expect(tooMany.message).toContain('less than or equal to 20')
    expect(refused({ SecretIdList: ['x'.repeat(2049)] }).name).toBe('ValidationException')
    expect(refused({ SecretIdList: ['a'], MaxResults: 5 }).name).toBe('InvalidParameterException')
    expect(refused({ SecretIdList: ['a'], NextToken: 't' }).name).toBe('InvalidParameterException')
    expect(refused({ SecretIdList: ['a'], Filters: [] }).name).toBe('InvalidParameterException')
    expect(refused({}).name).toBe('InvalidParameterException')
    expect(refused({ SecretIdList: [1] }).name).toBe('SerializationException')
  })
})

describe('BatchGetSecretValue by Filters', () => {
  const engine = new SecretsEngine({
    secrets: { 'prod/a': '1', 'prod/b': '2', 'prod/c': '3', 'dev/a': '4', 'Prod/x': '5', 'prod/deleted': '6' },
  })
  engine.handle('CreateSecret', { Name: 'prod/empty' })
  engine.handle('DeleteSecret', { SecretId: 'prod/deleted' })
  const names = (input: Record<string, unknown>) => batch(engine, input).SecretValues.map((s) => s.Name)
  const byName = (...Values: string[]) => ({ Key: 'name', Values })

  test('a name filter is a case-sensitive prefix; ! excludes; filters combine with AND, values with OR', () => {
    expect(names({ Filters: [byName('prod/')] })).toEqual(['prod/a', 'prod/b', 'prod/c'])
    expect(names({ Filters: [byName('prod/a', 'dev/')] })).toEqual(['dev/a', 'prod/a'])
    expect(names({ Filters: [byName('prod/', '!prod/b')] })).toEqual(['prod/a', 'prod/c'])
    expect(names({ Filters: [byName('!prod/')] })).toEqual(['Prod/x', 'dev/a'])
    expect(names({ Filters: [byName('prod/'), byName('!prod/c')] })).toEqual(['prod/a', 'prod/b'])
    expect(names({ Filters: [] })).toEqual(['Prod/x', 'dev/a', 'prod/a', 'prod/b', 'prod/c'])
    expect(batch(engine, { Filters: [byName('prod/')] }).Errors).toEqual([])
  })

  test('MaxResults pages with a NextToken, in name order', () => {
    const pages: string[][] = []
    let NextToken: string | undefined
    do {
      const out = batch(engine, { Filters: [byName('prod/')], MaxResults: 2, NextToken })
      pages.push(out.SecretValues.map((s) => s.Name))
      NextToken = out.NextToken
    } while (NextToken)
    expect(pages).toEqual([['prod/a', 'prod/b'], ['prod/c']])
  })

  test('a token that is not one, or from another filter, is InvalidNextTokenException', () => {
    const { NextToken } = batch(engine, { Filters: [byName('prod/')], MaxResults: 1 })
    expect(failure(() => batch(engine, { Filters: [byName('dev/')], NextToken })).name).toBe(
      'InvalidNextTokenException',
    )
    expect(failure(() => batch(engine, { Filters: [byName('prod/')], NextToken: '%%' })).name).toBe(
      'InvalidNextTokenException',
    )
  })

  test('checks its filters', () => {
    const refused = (input: Record<string, unknown>) => failure(() => batch(engine, input))
    expect(refused({ Filters: [byName('p')], MaxResults: 0 }).name).toBe('ValidationException')
    expect(refused({ Filters: [byName('p')], MaxResults: 21 }).name).toBe('ValidationException')
    expect(refused({ Filters: [{ Key: 'colour', Values: ['x'] }] }).message).toContain('enum value set')
    expect(refused({ Filters: [{ Key: 'name' }] }).name).toBe('ValidationException')
    expect(refused({ Filters: [byName(...Array.from({ length: 11 }, (_, i) => `v${i}`))] }).name).toBe(
      'ValidationException',
    )
    expect(refused({ Filters: [byName('x'.repeat(513))] }).name).toBe('ValidationException')
    expect(refused({ Filters: Array.from({ length: 11 }, () => byName('p')) }).name).toBe('ValidationException')
    expect(refused({ Filters: [{ Values: ['x'] }] }).name).toBe('ValidationException')
    expect(refused({ Filters: ['name'] }).name).toBe('SerializationException')
  })
})

test('an unknown operation, or a body that is not an object', () => {
  const engine = new SecretsEngine()
  expect(failure(() => engine.handle('RotateSecret', {})).name).toBe('UnknownOperationException')
  expect(failure(() => engine.handle('GetSecretValue', [1])).name).toBe('SerializationException')
  expect(failure(() => engine.handle('GetSecretValue', undefined)).name).toBe('ValidationException')
})
