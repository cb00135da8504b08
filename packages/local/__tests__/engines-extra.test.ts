// The edges of the new operations and of seed files, in process (the wire is covered by *-operations.test.ts).
import fc from 'fast-check'
import { OPERATIONS, ParameterEngine, SECRETS_OPERATIONS, SecretsEngine, SsmServiceError } from 'middy-secrets-local'
import { applySeed } from '../src/state.js'
import { failure } from './support/errors.js'

describe('tags (AddTagsToResource API reference: Tag key 1–128, value 0–256)', () => {
  const engine = new ParameterEngine({ parameters: { '/t': 'v' } })
  const add = (Tags: unknown) => () =>
    engine.handle('AddTagsToResource', { ResourceType: 'Parameter', ResourceId: '/t', Tags })
  test.each([
    ['a key too long', [{ Key: 'k'.repeat(129), Value: 'v' }], 'ValidationException'],
    ['an empty key', [{ Key: '', Value: 'v' }], 'ValidationException'],
    ['a key with a bad character', [{ Key: 'a*b', Value: 'v' }], 'ValidationException'],
    ['a value too long', [{ Key: 'k', Value: 'v'.repeat(257) }], 'ValidationException'],
    ['an aws: key', [{ Key: 'AWS:x', Value: 'v' }], 'InvalidParameterValue'],
    ['a missing value', [{ Key: 'k' }], 'ValidationException'],
  ])('refuses %s', (_, tags, name) => {
    expect(failure(add(tags)).name).toBe(name)
  })

  test('removing an aws: key is refused too; an empty value is a value', () => {
    expect(
      failure(() =>
        engine.handle('RemoveTagsFromResource', { ResourceType: 'Parameter', ResourceId: '/t', TagKeys: ['aws:x'] }),
      ).name,
    ).toBe('InvalidParameterValue')
    add([{ Key: 'empty', Value: '' }])()
    expect(engine.handle('ListTagsForResource', { ResourceType: 'Parameter', ResourceId: '/t' })).toEqual({
      TagList: [{ Key: 'empty', Value: '' }],
    })
  })
})

describe('filters', () => {
  const engine = new ParameterEngine({ parameters: { '/f/a': 'a', '/f/b/c': 'c', top: 't' } })
  const names = (ParameterFilters: unknown) =>
    (engine.handle('DescribeParameters', { ParameterFilters }) as { Parameters: { Name: string }[] }).Parameters.map(
      (p) => p.Name,
    )
  test('Path "/" one level is the root names only; Name matches with or without the leading slash', () => {
    expect(names([{ Key: 'Path', Values: ['/'] }])).toEqual([])
    expect(names([{ Key: 'Path', Option: 'Recursive', Values: ['/'] }])).toEqual(['/f/a', '/f/b/c'])
    expect(names([{ Key: 'Name', Values: ['f/a'] }])).toEqual(['/f/a'])
    expect(names([{ Key: 'KeyId', Values: ['alias/aws/ssm'] }])).toEqual([])
  })
  test('tag filters are not GetParametersByPath filters (ParameterStringFilter API reference)', () => {
    const error = failure(() =>
      engine.handle('GetParametersByPath', { Path: '/f', ParameterFilters: [{ Key: 'tag:x', Values: ['y'] }] }),
    )
    expect(error.name).toBe('InvalidFilterKey')
  })
  test('Filters and ParameterFilters together are refused', () => {
    expect(
      failure(() =>
        engine.handle('DescribeParameters', {
          Filters: [{ Key: 'Name', Values: ['x'] }],
          ParameterFilters: [{ Key: 'Name', Values: ['x'] }],
        }),
      ).name,
    ).toBe('ValidationException')
  })
})

describe('PutParameter metadata', () => {
  test('Description kept across versions; DataType aws:ec2:image needs a String', () => {
    const engine = new ParameterEngine()
    engine.handle('PutParameter', { Name: '/d', Value: 'v', Type: 'String', Description: 'about d' })
    engine.handle('PutParameter', { Name: '/d', Value: 'v2', Overwrite: true })
    const history = engine.handle('GetParameterHistory', { Name: '/d' }) as { Parameters: { Description?: string }[] }
    expect(history.Parameters.map((p) => p.Description)).toEqual(['about d', 'about d'])
    expect(
      failure(() =>
        engine.handle('PutParameter', { Name: '/i', Value: 'ami-1', Type: 'SecureString', DataType: 'aws:ec2:image' }),
      ).name,
    ).toBe('ValidationException')
    expect(
      failure(() =>
        engine.handle('PutParameter', { Name: '/l', Value: 'v', Type: 'String', Description: 'x'.repeat(1025) }),
      ).name,
    ).toBe('ValidationException')
  })
  test('annotate: description and data type of one version, checked', () => {
    const engine = new ParameterEngine({ parameters: { '/a': 'ami-1' } })
    engine.annotate('/a', 1, { description: 'an image', dataType: 'aws:ec2:image' })
    const out = engine.handle('DescribeParameters', {}) as { Parameters: Record<string, unknown>[] }
    expect(out.Parameters[0]).toMatchObject({ Description: 'an image', DataType: 'aws:ec2:image' })
    expect(failure(() => engine.annotate('/a', 2, {})).name).toBe('ParameterVersionNotFound')
    expect(failure(() => engine.annotate('/a', 1, { dataType: 'aws:s3' })).name).toBe('ValidationException')
  })
})

describe('Secrets Manager edges', () => {
  const made = () => {
    const engine = new SecretsEngine({ secrets: { a: '1' } })
    engine.handle('CreateSecret', {
      Name: 'b',
      SecretString: '2',
      Description: 'Payments DB',
      Tags: [{ Key: 'Team', Value: 'Billing' }],
    })
    return engine
  }
  const list = (engine: SecretsEngine, input: Record<string, unknown>) =>
    (engine.handle('ListSecrets', input) as { SecretList: { Name: string }[] }).SecretList.map((s) => s.Name)

  test('ListSecrets filters: description, tag-key, all (case-insensitive), regions match nothing', () => {
    const engine = made()
    expect(list(engine, { Filters: [{ Key: 'description', Values: ['Payments'] }] })).toEqual(['b'])
    expect(list(engine, { Filters: [{ Key: 'tag-key', Values: ['Team'] }] })).toEqual(['b'])
    expect(list(engine, { Filters: [{ Key: 'all', Values: ['billing'] }] })).toEqual(['b'])
    expect(list(engine, { Filters: [{ Key: 'primary-region', Values: ['us'] }] })).toEqual([])
    expect(failure(() => engine.handle('ListSecrets', { SortOrder: 'up' })).name).toBe('ValidationException')
    expect(failure(() => engine.handle('ListSecrets', { MaxResults: 101 })).name).toBe('ValidationException')
    expect(failure(() => engine.handle('ListSecrets', { MaxResults: 0 })).name).toBe('ValidationException')
  })

  test('a token from one listing is refused by another', () => {
    const engine = made()
    const first = engine.handle('ListSecrets', { MaxResults: 1 }) as { NextToken: string }
    expect(
      failure(() => engine.handle('ListSecrets', { MaxResults: 1, SortOrder: 'desc', NextToken: first.NextToken }))
        .name,
    ).toBe('InvalidNextTokenException')
    expect(
      failure(() => engine.handle('ListSecretVersionIds', { SecretId: 'a', NextToken: first.NextToken })).name,
    ).toBe('InvalidNextTokenException')
  })

  test('UpdateSecretVersionStage refuses what AWS refuses', () => {
    const engine = made()
    const v1 = engine.get('a')?.versionId as string
    const v2 = engine.put('a', 'x')
    const move = (input: Record<string, unknown>) =>
      failure(() => engine.handle('UpdateSecretVersionStage', { SecretId: 'a', ...input }))
    expect(move({ VersionStage: 'AWSCURRENT', RemoveFromVersionId: v2 }).name).toBe('InvalidParameterException')
    expect(move({ VersionStage: 'AWSCURRENT', MoveToVersionId: v1, RemoveFromVersionId: v1 }).name).toBe(
      'InvalidParameterException',
    )
    expect(move({ VersionStage: 'blue', MoveToVersionId: 'f'.repeat(32) }).name).toBe('ResourceNotFoundException')
    expect(move({ VersionStage: 'blue', RemoveFromVersionId: 'f'.repeat(32) }).name).toBe('ResourceNotFoundException')
    expect(move({ VersionStage: 'blue', RemoveFromVersionId: v1 }).name).toBe('InvalidParameterException')
    // Moving a label onto the version that has it already changes nothing.
    engine.handle('UpdateSecretVersionStage', { SecretId: 'a', VersionStage: 'AWSCURRENT', MoveToVersionId: v2 })
    expect(engine.get('a')?.versionId).toBe(v2)
  })

  test('UpdateSecret: a retried token is a no-op, another value under it is refused; RestoreSecret on a live secret', () => {
    const engine = made()
    const token = 'a'.repeat(32)
    engine.handle('UpdateSecret', { SecretId: 'a', SecretString: 'n', ClientRequestToken: token })
    expect(
      engine.handle('UpdateSecret', { SecretId: 'a', SecretString: 'n', ClientRequestToken: token }),
    ).toMatchObject({
      VersionId: token,
    })
    expect(
      failure(() => engine.handle('UpdateSecret', { SecretId: 'a', SecretString: 'other', ClientRequestToken: token }))
        .name,
    ).toBe('ResourceExistsException')
    expect(engine.handle('RestoreSecret', { SecretId: 'a' })).toMatchObject({ Name: 'a' })
  })
})

describe('seed files', () => {
  const load = (file: unknown) => () => applySeed(file, new ParameterEngine(), new SecretsEngine())
  test.each([
    ['not an object', 'x', /JSON object/],
    ['parameters not an object', { parameters: [] }, /"parameters": must be an object/],
    ['secrets not an object', { secrets: 'x' }, /"secrets": must be an object/],
    ['a parameter of the wrong kind', { parameters: { '/a': 3 } }, /parameter \/a: must be a string or an object/],
    [
      'a version without a value',
      { parameters: { '/a': { versions: [{ type: 'String' }] } } },
      /a version needs a "value"/,
    ],
    [
      'a secret without versions',
      { secrets: { s: { versions: [] } } },
      /^seed secret s: needs "versions": \[\{ "value", "stages"\?, "versionId"\? \}\], oldest first \(or write the secret as a string\)$/,
    ],
    [
      'a secret version without a value',
      { secrets: { s: { versions: [{ stages: ['x'] }] } } },
      /a version needs a "value"/,
    ],
  ])('refuses %s', (_, file, message) => {
    expect(load(file)).toThrow(message)
  })
})

describe('any input to any operation: an answer or an AWS error, never a crash', () => {
  const fields = [
    'Name',
    'Names',
    'Path',
    'ParameterFilters',
    'Filters',
    'Tags',
    'TagKeys',
    'ResourceType',
    'ResourceId',
    'Labels',
    'ParameterVersion',
    'MaxResults',
    'NextToken',
    'SecretId',
    'VersionStage',
    'MoveToVersionId',
    'RemoveFromVersionId',
    'SortOrder',
    'IncludeDeprecated',
    'Description',
  ]
  const value = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom(
      '/f/a',
      'a',
      'Parameter',
      'AWSCURRENT',
      [{ Key: 'Name', Values: ['/f'] }],
      [{ Key: 'k', Value: 'v' }],
    ),
  )
  test.each([
    ['SSM', () => new ParameterEngine({ parameters: { '/f/a': 'a', '/f/b': 'b' } }), OPERATIONS],
    ['Secrets Manager', () => new SecretsEngine({ secrets: { a: '1' } }), SECRETS_OPERATIONS],
  ] as const)('%s', (_, make, operations) => {
    fc.assert(
      fc.property(
        fc.constantFrom(...operations),
        fc.dictionary(fc.constantFrom(...fields), value),
        (operation, input) => {
          const engine = make()
          try {
            engine.handle(operation, input)
          } catch (error) {
            expect(error).toBeInstanceOf(SsmServiceError)
          }
        },
      ),
      { numRuns: 3000, seed: 12 },
    )
  })
})

describe('operation names (a table of handlers, not a switch)', () => {
  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    'an operation named like an Object.prototype member (%s) is UnknownOperationException in both engines',
    (operation) => {
      for (const engine of [new ParameterEngine(), new SecretsEngine()]) {
        const error = failure(() => engine.handle(operation, {}))
        expect(error.name).toBe('UnknownOperationException')
        expect(error.message).toBe(`Unknown operation ${operation}`)
      }
    },
  )

  test('an unknown operation is refused before its body is read; a known one refuses a body that is not an object', () => {
    for (const [engine, known] of [
      [new ParameterEngine(), 'GetParameters'],
      [new SecretsEngine(), 'GetSecretValue'],
    ] as const) {
      expect(failure(() => engine.handle('Nope', 'not an object')).name).toBe('UnknownOperationException')
      expect(failure(() => engine.handle(known, 'not an object')).name).toBe('SerializationException')
    }
  })
})
