import { ParameterEngine } from '../src/engine.js'
import { failure } from './support/errors.js'

type Param = { Name: string; Value: string; Version: number; Selector?: string; Type: string; [k: string]: unknown }
type ParamsOut = { Parameters: Param[]; InvalidParameters: string[] }
type PathOut = { Parameters: Param[]; NextToken?: string }

const ARN = 'arn:aws:ssm:us-east-1:123456789012:parameter'

const getParameters = (engine: ParameterEngine, Names: string[], WithDecryption = true) =>
  engine.handle('GetParameters', { Names, WithDecryption }) as ParamsOut

/** Pages a listing to its end, returning every page. */
const listAll = (engine: ParameterEngine, input: Record<string, unknown>): Param[][] => {
  const pages: Param[][] = []
  let NextToken: string | undefined
  do {
    const out = engine.handle('GetParametersByPath', { ...input, NextToken }) as PathOut
    pages.push(out.Parameters)
    NextToken = out.NextToken
    if (pages.length > 1000) throw new Error('paging does not end')
  } while (NextToken)
  return pages
}

describe('construction', () => {
  test('defaults and seeded parameters', () => {
    const engine = new ParameterEngine({
      parameters: {
        '/a': 'one',
        '/b': { value: 'x,y', type: 'StringList' },
        '/c': { value: 'z' },
        '/aws/service/x': 'pub',
      },
    })
    expect(engine.region).toBe('us-east-1')
    expect(engine.accountId).toBe('123456789012')
    expect(engine.bestEffortPaging).toBe(false)
    expect(engine.size).toBe(4)
    expect(engine.get('/b')).toMatchObject({ type: 'StringList', value: 'x,y', version: 1 })
    expect(engine.get('/c')?.type).toBe('String')
    expect(engine.get('/aws/service/x')?.value).toBe('pub')
  })

  test('options set region, account and clock', () => {
    const engine = new ParameterEngine({ region: 'eu-west-1', accountId: '111122223333', now: () => 1_700_000_000_500 })
    engine.put('/a', 'v')
    const out = engine.handle('GetParameter', { Name: '/a' }) as { Parameter: Param }
    expect(out.Parameter).toEqual({
      Name: '/a',
      Type: 'String',
      Value: 'v',
      Version: 1,
      LastModifiedDate: 1_700_000_000.5,
      ARN: 'arn:aws:ssm:eu-west-1:111122223333:parameter/a',
      DataType: 'text',
    })
    expect(engine.get('/a')?.lastModifiedDate).toEqual(new Date(1_700_000_000_500))
  })
})

describe('versions, labels and selectors', () => {
  const engine = new ParameterEngine()
  engine.put('/app/db', 'v1')
  engine.put('/app/db', 'v2')
  engine.put('/app/db', 'v3')
  engine.label('/app/db', 2, ['prod'])
  engine.put('/app/api', 'api1')

  test('put adds versions and keeps history', () => {
    expect(engine.get('/app/db')).toMatchObject({ value: 'v3', version: 3 })
    expect(engine.get('/app/db:1')).toMatchObject({ value: 'v1', version: 1 })
    expect(engine.get('/app/db:prod')).toMatchObject({ value: 'v2', version: 2, labels: ['prod'] })
  })

  test('GetParameters returns selectors with Selector and the resolved Version, sorted by name', () => {
    const out = getParameters(engine, ['/app/db:prod', '/app/db:1', '/app/api', '/app/db'])
    expect(out.InvalidParameters).toEqual([])
    expect(out.Parameters.map((p) => [p.Name, p.Selector, p.Version, p.Value])).toEqual([
      ['/app/api', undefined, 1, 'api1'],
      ['/app/db', undefined, 3, 'v3'],
      ['/app/db', ':1', 1, 'v1'],
      ['/app/db', ':prod', 2, 'v2'],
    ])
    expect(out.Parameters[0]).not.toHaveProperty('Selector')
  })

  test('unknown names, versions and labels come back in InvalidParameters as asked', () => {
    const out = getParameters(engine, ['/app/db:9', '/app/db:nope', '/missing', '/app/db:0', '/app/db:', '/app/api'])
    expect(out.Parameters.map((p) => p.Name)).toEqual(['/app/api'])
    expect(out.InvalidParameters).toEqual(['/app/db:9', '/app/db:nope', '/missing', '/app/db:0', '/app/db:'])
  })

  test('the same name asked twice comes back once', () => {
    const out = getParameters(engine, ['/app/db', '/app/db', `${ARN}/app/db`, '/x', '/x'])
    expect(out.Parameters).toHaveLength(1)
    expect(out.InvalidParameters).toEqual(['/x'])
  })

  test('moving a label takes it off the other version', () => {
    const e = new ParameterEngine({ parameters: { '/p': 'a' } })
    e.put('/p', 'b')
    e.label('/p', 1, ['prod', 'blue'])
    e.label('/p', 2, ['prod'])
    expect(e.get('/p:1')?.labels).toEqual(['blue'])
    expect(e.get('/p:prod')?.version).toBe(2)
    expect(e.get('/p:2')?.labels).toEqual(['prod'])
    // Labelling a version with a label it already carries changes nothing.
    expect(e.handle('LabelParameterVersion', { Name: '/p', ParameterVersion: 2, Labels: ['prod'] })).toEqual({
      InvalidLabels: [],
      ParameterVersion: 2,
    })
    expect(e.get('/p:2')?.labels).toEqual(['prod'])
  })

  test('LabelParameterVersion defaults to the latest version and reports invalid labels', () => {
    const e = new ParameterEngine({ parameters: { '/p': 'a' } })
    e.put('/p', 'b')
    const out = e.handle('LabelParameterVersion', { Name: '/p', Labels: ['ok', '1bad', 'awsx', 'ok'] })
    expect(out).toEqual({ InvalidLabels: ['1bad', 'awsx'], ParameterVersion: 2 })
    expect(e.get('/p:ok')?.version).toBe(2)
  })

  test('labels: missing parameter, missing version, limits', () => {
    const e = new ParameterEngine({ parameters: { '/p': 'a' } })
    expect(failure(() => e.handle('LabelParameterVersion', { Name: '/q', Labels: ['x'] })).name).toBe(
      'ParameterNotFound',
    )
    expect(
      failure(() => e.handle('LabelParameterVersion', { Name: '/p', ParameterVersion: 4, Labels: ['x'] })).name,
    ).toBe('ParameterVersionNotFound')
    expect(failure(() => e.handle('LabelParameterVersion', { Name: '/p', Labels: [] })).name).toBe(
      'ValidationException',
    )
    const eleven = Array.from({ length: 11 }, (_, i) => `l${i}`)
    expect(failure(() => e.handle('LabelParameterVersion', { Name: '/p', Labels: eleven })).name).toBe(
      'ValidationException',
    )
    e.label('/p', 1, eleven.slice(0, 6))
    const error = failure(() => e.label('/p', 1, eleven.slice(6, 11)))
    expect(error.name).toBe('ParameterVersionLabelLimitExceeded')
    expect(e.get('/p')?.labels).toHaveLength(6)
    expect(failure(() => e.label('/p', 1, ['good', '9bad'])).message).toMatch(/9bad/)
    expect(e.get('/p:good')).toBeUndefined()
  })

  // LabelParameterVersion API reference, Name: "You can't enter the Amazon Resource Name (ARN) for a parameter".
  test('labels by name only: an ARN names no parameter (LabelParameterVersion API reference)', () => {
    const e = new ParameterEngine({ parameters: { '/a/b': 'v' } })
    expect(failure(() => e.label(`${ARN}/a/b`, 1, ['x'])).name).toBe('ParameterNotFound')
    e.label('/a/b', 1, ['x'])
    expect(e.get('/a/b:x')?.version).toBe(1)
  })
})

describe('ARNs', () => {
  const engine = new ParameterEngine({ parameters: { '/a/b': 'ab', plain: 'p', '/rooted': 'r', both: 'bare' } })
  engine.put('/both', 'slashed')
  engine.put('/a/b', 'ab2')

  test('resolve to the plain name, with selectors', () => {
    const out = getParameters(engine, [`${ARN}/a/b`, `${ARN}/plain`, `${ARN}/rooted`, `${ARN}/a/b:1`])
    expect(out.InvalidParameters).toEqual([])
    expect(out.Parameters.map((p) => [p.Name, p.Selector, p.Value])).toEqual([
      ['/a/b', undefined, 'ab2'],
      ['/a/b', ':1', 'ab'],
      ['/rooted', undefined, 'r'],
      ['plain', undefined, 'p'],
    ])
  })

  test('a bare ARN resource prefers the name without a slash', () => {
    expect(engine.resolve(`${ARN}/both`)).toBe('both')
    expect(engine.resolve(`${ARN}/rooted`)).toBe('/rooted')
    expect(engine.resolve('/nothing')).toBeUndefined()
  })

  test('another region, account or a missing name is invalid', () => {
    const refs = [
      'arn:aws:ssm:eu-west-1:123456789012:parameter/a/b',
      'arn:aws:ssm:us-east-1:999999999999:parameter/a/b',
      `${ARN}/a/zzz`,
    ]
    expect(getParameters(engine, refs).InvalidParameters).toEqual(refs)
    expect(failure(() => engine.handle('GetParameter', { Name: refs[0] })).name).toBe('ParameterNotFound')
  })
})

describe('GetParameters validation', () => {
  const engine = new ParameterEngine()

  test('more than 10 names', () => {
    const names = Array.from({ length: 11 }, (_, i) => `/n${i}`)
    const error = failure(() => engine.handle('GetParameters', { Names: names }))
    expect(error.name).toBe('ValidationException')
    expect(error.message).toBe(
      "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to 10",
    )
    expect(error.statusCode).toBe(400)
  })

  test.each([
    ['no names', { Names: [] }, 'ValidationException'],
    ['missing Names', {}, 'ValidationException'],
    ['a name too long', { Names: [`/${'x'.repeat(2048)}`] }, 'ValidationException'],
    ['an empty name', { Names: [''] }, 'ValidationException'],
    ['Names not a list', { Names: '/a' }, 'SerializationException'],
    ['a number in Names', { Names: [1] }, 'SerializationException'],
    ['WithDecryption a string', { Names: ['/a'], WithDecryption: 'yes' }, 'SerializationException'],
  ])('%s', (_, input, name) => {
    expect(failure(() => engine.handle('GetParameters', input)).name).toBe(name)
  })

  test('a body that is not an object', () => {
    expect(failure(() => engine.handle('GetParameters', [1])).name).toBe('SerializationException')
    expect(failure(() => engine.handle('GetParameters', 'x')).name).toBe('SerializationException')
    expect(failure(() => engine.handle('GetParameters', null)).name).toBe('ValidationException')
  })

  test('an unknown operation', () => {
    const error = failure(() => engine.handle('CreateDocument', {}))
    expect(error.name).toBe('UnknownOperationException')
    expect(error.toBody()).toEqual({ __type: 'UnknownOperationException', message: error.message })
  })
})

describe('types', () => {
  const engine = new ParameterEngine({
    parameters: {
      '/list': { value: 'a,b,c', type: 'StringList' },
      '/secret': { value: 'hunter2', type: 'SecureString' },
    },
  })

  test('StringList comes back as the comma-separated string, with or without decryption', () => {
    for (const decrypt of [true, false]) {
      const [p] = getParameters(engine, ['/list'], decrypt).Parameters
      expect(p).toMatchObject({ Type: 'StringList', Value: 'a,b,c' })
    }
  })

  test('SecureString is plain only with decryption', () => {
    expect(getParameters(engine, ['/secret'], true).Parameters[0]?.Value).toBe('hunter2')
    const hidden = getParameters(engine, ['/secret'], false).Parameters[0]?.Value as string
    expect(hidden).toMatch(/^AQICAH/)
    expect(hidden).not.toContain('hunter2')
    const byPath = engine.handle('GetParametersByPath', { Path: '/' }) as PathOut
    expect(byPath.Parameters.find((p) => p.Name === '/secret')?.Value).toBe(hidden)
    expect((engine.handle('GetParameter', { Name: '/secret' }) as { Parameter: Param }).Parameter.Value).toBe(hidden)
  })

  test('overwriting keeps the type unless given', () => {
    const e = new ParameterEngine({ parameters: { '/s': { value: 'a', type: 'SecureString' } } })
    e.put('/s', 'b')
    expect(e.get('/s')?.type).toBe('SecureString')
    e.put('/s', 'c', { type: 'String' })
    expect(e.get('/s')?.type).toBe('String')
    expect(e.get('/s:1')?.type).toBe('SecureString')
  })
})

describe('Secrets Manager references', () => {
  const engine = new ParameterEngine({
    parameters: { '/aws/reference/secretsmanager/app': { value: '{"password":"p"}', type: 'SecureString' } },
  })

  test('read only with decryption', () => {
    const name = '/aws/reference/secretsmanager/app'
    expect(getParameters(engine, [name], true).Parameters[0]?.Value).toBe('{"password":"p"}')
    for (const run of [
      () => getParameters(engine, [name], false),
      () => engine.handle('GetParameter', { Name: name }),
    ]) {
      const error = failure(run)
      expect(error.name).toBe('ValidationException')
      expect(error.message).toMatch(/WithDecryption flag must be True/)
    }
    expect(engine.handle('GetParameter', { Name: name, WithDecryption: true })).toMatchObject({
      Parameter: { Value: '{"password":"p"}' },
    })
  })
})

describe('GetParameter', () => {
  const engine = new ParameterEngine({ parameters: { '/a': 'one' } })
  engine.label('/a', 1, ['prod'])

  test('by name, version, label and ARN', () => {
    const get = (Name: string) =>
      (engine.handle('GetParameter', { Name, WithDecryption: true }) as { Parameter: Param }).Parameter
    expect(get('/a')).toMatchObject({ Name: '/a', Value: 'one', Version: 1 })
    expect(get('/a')).not.toHaveProperty('Selector')
    expect(get('/a:1').Selector).toBe(':1')
    expect(get('/a:prod').Selector).toBe(':prod')
    expect(get(`${ARN}/a:prod`)).toMatchObject({ Name: '/a', Selector: ':prod' })
  })

  test('missing name, version and label', () => {
    expect(failure(() => engine.handle('GetParameter', { Name: '/b' })).name).toBe('ParameterNotFound')
    const version = failure(() => engine.handle('GetParameter', { Name: '/a:2' }))
    expect(version.name).toBe('ParameterVersionNotFound')
    expect(version.message).toMatch(/version 2 of \/a/)
    expect(failure(() => engine.handle('GetParameter', { Name: '/a:dev' })).name).toBe('ParameterVersionNotFound')
    expect(failure(() => engine.handle('GetParameter', {})).name).toBe('ValidationException')
    expect(failure(() => engine.handle('GetParameter', { Name: 3 })).name).toBe('SerializationException')
    expect(failure(() => engine.handle('GetParameter', { Name: '' })).name).toBe('ValidationException')
  })
})

describe('PutParameter', () => {
  test('creates, refuses to overwrite by default, overwrites when told', () => {
    const engine = new ParameterEngine()
    expect(engine.handle('PutParameter', { Name: '/a', Value: 'one', Type: 'String' })).toEqual({
      Version: 1,
      Tier: 'Standard',
    })
    const exists = failure(() => engine.handle('PutParameter', { Name: '/a', Value: 'two' }))
    expect(exists.name).toBe('ParameterAlreadyExists')
    expect(engine.handle('PutParameter', { Name: '/a', Value: 'two', Overwrite: true })).toEqual({
      Version: 2,
      Tier: 'Standard',
    })
    expect(engine.get('/a')?.value).toBe('two')
    expect(failure(() => engine.put('/a', 'three', { overwrite: false })).name).toBe('ParameterAlreadyExists')
    expect(engine.put('/a', 'three')).toBe(3)
    expect(engine.handle('PutParameter', { Name: 'flat', Value: 'x', Type: 'SecureString' })).toEqual({
      Version: 1,
      Tier: 'Standard',
    })
    expect(engine.get('flat')?.type).toBe('SecureString')
  })

  test.each(['/aws/x', 'aws', 'AWS-x', '/ssm/x', 'SSMthing', '/Ssm'])('refuses the reserved name %s', (Name) => {
    const error = failure(() => new ParameterEngine().handle('PutParameter', { Name, Value: 'v' }))
    expect(error.name).toBe('ValidationException')
    expect(error.message).toMatch(/can't be prefixed with "aws" or "ssm"/)
  })

  test.each([
    ['an invalid character', { Name: '/a b', Value: 'v' }],
    ['a relative hierarchy', { Name: 'a/b', Value: 'v' }],
    ['a trailing slash', { Name: '/a/', Value: 'v' }],
    ['an ARN', { Name: `${ARN}/a`, Value: 'v' }],
    ['a name too long', { Name: `/${'x'.repeat(1011)}`, Value: 'v' }],
    ['an empty value', { Name: '/a', Value: '' }],
    ['a value over 4096 characters', { Name: '/a', Value: 'x'.repeat(4097) }],
    ['an unknown type', { Name: '/a', Value: 'v', Type: 'Binary' }],
    ['an unknown tier', { Name: '/a', Value: 'v', Tier: 'Gold' }],
    ['an unsupported data type', { Name: '/a', Value: 'v', DataType: 'aws:s3:bucket' }],
    ['a missing value', { Name: '/a' }],
  ])('refuses %s', (_, input) => {
    const engine = new ParameterEngine()
    expect(failure(() => engine.handle('PutParameter', input)).name).toBe('ValidationException')
    expect(engine.size).toBe(0)
  })

  // PutParameter API reference, errors: "HierarchyLevelLimitExceededException: A hierarchy can have a maximum of 15
  // levels"; SSM-FACTS.md: "at most 15 levels".
  test('16 levels is HierarchyLevelLimitExceededException, 15 are fine (PutParameter API reference)', () => {
    const engine = new ParameterEngine()
    const error = failure(() =>
      engine.handle('PutParameter', { Name: `/${Array(16).fill('l').join('/')}`, Value: 'v', Type: 'String' }),
    )
    expect(error.name).toBe('HierarchyLevelLimitExceededException')
    expect(error.message).toMatch(/maximum of 15 levels/)
    // The rest of the kind: deeper still, and a 16-level name that is also long.
    for (const depth of [17, 40]) {
      const name = `/${Array(depth).fill('lvl').join('/')}`
      expect(failure(() => engine.handle('PutParameter', { Name: name, Value: 'v', Type: 'String' })).name).toBe(
        'HierarchyLevelLimitExceededException',
      )
    }
    expect(engine.size).toBe(0)
    const fifteen = `/${Array(15).fill('l').join('/')}`
    expect(engine.handle('PutParameter', { Name: fifteen, Value: 'v', Type: 'String' })).toEqual({
      Version: 1,
      Tier: 'Standard',
    })
  })

  // SSM-FACTS.md: "PutParameter without Type on a name that does not exist yet is a ValidationException (a type is
  // required when creating); on an existing name with Overwrite the type may be left out."
  test('PutParameter without Type: ValidationException on create, the old type kept on overwrite (SSM-FACTS.md)', () => {
    const engine = new ParameterEngine()
    const error = failure(() => engine.handle('PutParameter', { Name: '/new', Value: 'v' }))
    expect(error.name).toBe('ValidationException')
    expect(error.message).toBe('A parameter type is required when you create a parameter.')
    expect(engine.size).toBe(0)
    // The rest of the kind: with Overwrite but nothing to overwrite, and a flat name, are creations too.
    expect(failure(() => engine.handle('PutParameter', { Name: '/new', Value: 'v', Overwrite: true })).name).toBe(
      'ValidationException',
    )
    expect(failure(() => engine.handle('PutParameter', { Name: 'flat', Value: 'v' })).name).toBe('ValidationException')
    engine.handle('PutParameter', { Name: '/new', Value: 'v1', Type: 'SecureString' })
    expect(engine.handle('PutParameter', { Name: '/new', Value: 'v2', Overwrite: true })).toEqual({
      Version: 2,
      Tier: 'Standard',
    })
    expect(engine.get('/new')?.type).toBe('SecureString')
  })

  // PutParameter API reference, DataType: "text, aws:ec2:image, and aws:ssm:integration"; SSM-FACTS.md "Data types".
  test.each(['aws:ec2:image', 'aws:ssm:integration', 'text'])('accepts DataType %s and returns it', (DataType) => {
    const engine = new ParameterEngine()
    engine.handle('PutParameter', { Name: '/ami', Value: 'ami-0123456789abcdef0', Type: 'String', DataType })
    const out = engine.handle('GetParameter', { Name: '/ami' }) as { Parameter: { DataType: string } }
    expect(out.Parameter.DataType).toBe(DataType)
  })

  test('refuses wrong field types', () => {
    const engine = new ParameterEngine()
    expect(failure(() => engine.handle('PutParameter', { Name: '/a', Value: 1 })).name).toBe('SerializationException')
    expect(failure(() => engine.handle('PutParameter', { Name: '/a', Value: 'v', Overwrite: 'yes' })).name).toBe(
      'SerializationException',
    )
  })

  test('the 4096 limit and the advanced tiers', () => {
    const engine = new ParameterEngine()
    expect(engine.handle('PutParameter', { Name: '/s', Value: 'x'.repeat(4096), Type: 'String' })).toEqual({
      Version: 1,
      Tier: 'Standard',
    })
    const big = failure(() => engine.handle('PutParameter', { Name: '/b', Value: 'x'.repeat(4097), Type: 'String' }))
    expect(big.message).toMatch(/Standard tier parameters support a maximum parameter value of 4096/)
    expect(
      engine.handle('PutParameter', { Name: '/b', Value: 'x'.repeat(8192), Tier: 'Advanced', Type: 'String' }),
    ).toEqual({
      Version: 1,
      Tier: 'Advanced',
    })
    expect(
      failure(() =>
        engine.handle('PutParameter', { Name: '/c', Value: 'x'.repeat(8193), Tier: 'Advanced', Type: 'String' }),
      ).message,
    ).toMatch(/8192/)
    expect(
      engine.handle('PutParameter', {
        Name: '/i',
        Value: 'x'.repeat(5000),
        Tier: 'Intelligent-Tiering',
        Type: 'String',
      }),
    ).toEqual({
      Version: 1,
      Tier: 'Advanced',
    })
    expect(
      engine.handle('PutParameter', { Name: '/j', Value: 'x', Tier: 'Intelligent-Tiering', Type: 'String' }),
    ).toEqual({
      Version: 1,
      Tier: 'Standard',
    })
  })

  test('keeps 100 versions, dropping the oldest unless it is labelled', () => {
    const engine = new ParameterEngine({ parameters: { '/v': 'v1' } })
    for (let i = 2; i <= 100; i++) engine.put('/v', `v${i}`)
    expect(engine.put('/v', 'v101')).toBe(101)
    expect(engine.get('/v:1')).toBeUndefined()
    expect(engine.get('/v:2')?.value).toBe('v2')
    engine.label('/v', 2, ['keep'])
    const error = failure(() => engine.put('/v', 'v102'))
    expect(error.name).toBe('ParameterMaxVersionLimitExceeded')
    expect(engine.get('/v')?.version).toBe(101)
    engine.label('/v', 101, ['keep'])
    expect(engine.put('/v', 'v102')).toBe(102)
  })
})

describe('DeleteParameter', () => {
  test('deletes every version; a missing one is ParameterNotFound', () => {
    const engine = new ParameterEngine({ parameters: { '/a/b': 'x', '/a/c': 'y' } })
    engine.put('/a/b', 'x2')
    expect(engine.handle('DeleteParameter', { Name: '/a/b' })).toEqual({})
    expect(engine.get('/a/b:1')).toBeUndefined()
    expect(getParameters(engine, ['/a/b']).InvalidParameters).toEqual(['/a/b'])
    expect((engine.handle('GetParametersByPath', { Path: '/a' }) as PathOut).Parameters.map((p) => p.Name)).toEqual([
      '/a/c',
    ])
    expect(failure(() => engine.delete('/a/b')).name).toBe('ParameterNotFound')
    // DeleteParameter API reference, Name: "You can't enter the Amazon Resource Name (ARN) for a parameter".
    expect(failure(() => engine.delete(`${ARN}/a/c`)).name).toBe('ParameterNotFound')
    expect(failure(() => engine.handle('DeleteParameter', { Name: `${ARN}/a/c` })).name).toBe('ParameterNotFound')
    expect(engine.size).toBe(1)
    engine.delete('/a/c')
    expect(engine.size).toBe(0)
    // A re-created parameter starts again at version 1.
    expect(engine.put('/a/b', 'new')).toBe(1)
  })

  test('an ARN with a selector or of another account names no parameter', () => {
    const engine = new ParameterEngine({ parameters: { '/a': 'x' } })
    expect(failure(() => engine.delete(`${ARN}/a:1`)).name).toBe('ParameterNotFound')
    expect(failure(() => engine.delete('arn:aws:ssm:us-east-1:1:parameter/a')).name).toBe('ParameterNotFound')
    expect(engine.size).toBe(1)
  })
})

describe('GetParametersByPath', () => {
  const tree = new ParameterEngine({
    parameters: {
      '/app/a': '1',
      '/app/b': '2',
      '/app/sub/c': '3',
      '/app/sub/deep/d': '4',
      '/apple': 'no',
      '/app': 'self',
      '/other/x': 'no',
      top: 'flat',
    },
  })
  const names = (input: Record<string, unknown>) =>
    listAll(tree, input)
      .flat()
      .map((p) => p.Name)

  test('Recursive false lists direct children only; true everything below', () => {
    expect(names({ Path: '/app' })).toEqual(['/app/a', '/app/b'])
    expect(names({ Path: '/app/', Recursive: false })).toEqual(['/app/a', '/app/b'])
    expect(names({ Path: '/app/', Recursive: true })).toEqual(['/app/a', '/app/b', '/app/sub/c', '/app/sub/deep/d'])
    expect(names({ Path: '/app/sub' })).toEqual(['/app/sub/c'])
    expect(names({ Path: '/' })).toEqual(['/app', '/apple'])
    expect(names({ Path: '/', Recursive: true })).toHaveLength(7)
    expect(names({ Path: '/nothing', Recursive: true })).toEqual([])
  })

  test('21 parameters page as 10, 10, 1 with MaxResults 10', () => {
    const engine = new ParameterEngine()
    for (let i = 0; i < 21; i++) engine.put(`/p/${String(i).padStart(2, '0')}`, `v${i}`)
    const pages = listAll(engine, { Path: '/p', MaxResults: 10 })
    expect(pages.map((p) => p.length)).toEqual([10, 10, 1])
    expect(pages.flat().map((p) => p.Value)).toEqual(Array.from({ length: 21 }, (_, i) => `v${i}`))
    expect(listAll(engine, { Path: '/p' }).map((p) => p.length)).toEqual([10, 10, 1])
    expect(listAll(engine, { Path: '/p', MaxResults: 7 }).map((p) => p.length)).toEqual([7, 7, 7])
  })

  test('best-effort paging: short and empty pages with a token, every item exactly once, replayable', () => {
    const run = (seed: number) => {
      const engine = new ParameterEngine({ seed, bestEffortPaging: true })
      for (let i = 0; i < 21; i++) engine.put(`/p/${String(i).padStart(2, '0')}`, `v${i}`)
      return listAll(engine, { Path: '/p', MaxResults: 10 })
    }
    const sizes: number[] = []
    for (let seed = 1; seed <= 30; seed++) {
      const pages = run(seed)
      expect(pages.flat().map((p) => p.Name)).toEqual(
        Array.from({ length: 21 }, (_, i) => `/p/${String(i).padStart(2, '0')}`),
      )
      for (const page of pages) expect(page.length).toBeLessThanOrEqual(10)
      sizes.push(...pages.map((p) => p.length))
    }
    expect(sizes).toContain(0)
    expect(sizes.some((n) => n > 0 && n < 10)).toBe(true)
    expect(run(5).map((p) => p.length)).toEqual(run(5).map((p) => p.length))
  })

  test('best-effort paging can hand out a token after the last item, then an empty last page', () => {
    let seen = false
    for (let seed = 1; seed <= 50 && !seen; seed++) {
      const engine = new ParameterEngine({ seed, bestEffortPaging: true, parameters: { '/q/a': 'a' } })
      const pages = listAll(engine, { Path: '/q' })
      expect(pages.flat().map((p) => p.Name)).toEqual(['/q/a'])
      seen = pages.length > 1 && pages.at(-1)?.length === 0 && pages.at(-2)?.length === 1
    }
    expect(seen).toBe(true)
  })

  test('best-effort paging always ends, even with MaxResults 1', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const engine = new ParameterEngine({ seed, bestEffortPaging: true })
      for (let i = 0; i < 5; i++) engine.put(`/r/${i}`, 'x')
      const pages = listAll(engine, { Path: '/r', MaxResults: 1 })
      expect(pages.flat()).toHaveLength(5)
      let run = 0
      for (const page of pages) {
        run = page.length === 0 ? run + 1 : 0
        expect(run).toBeLessThanOrEqual(2)
      }
    }
  })

  test('parameters added or deleted during a listing do not disturb the rest', () => {
    const engine = new ParameterEngine()
    for (let i = 0; i < 15; i++) engine.put(`/p/${String(i).padStart(2, '0')}`, 'x')
    const first = engine.handle('GetParametersByPath', { Path: '/p' }) as PathOut
    engine.put('/p/00a', 'before the cursor')
    engine.delete('/p/11')
    engine.put('/p/99', 'after the cursor')
    const second = engine.handle('GetParametersByPath', { Path: '/p', NextToken: first.NextToken }) as PathOut
    expect(second.NextToken).toBeUndefined()
    expect(second.Parameters.map((p) => p.Name)).toEqual(['/p/10', '/p/12', '/p/13', '/p/14', '/p/99'])
  })

  test('results carry the full shape, without Selector', () => {
    const [p] = (tree.handle('GetParametersByPath', { Path: '/app', MaxResults: 1 }) as PathOut).Parameters
    expect(p).toEqual({
      Name: '/app/a',
      Type: 'String',
      Value: '1',
      Version: 1,
      LastModifiedDate: expect.any(Number),
      ARN: `${ARN}/app/a`,
      DataType: 'text',
    })
  })

  test.each([
    ['MaxResults 11', { Path: '/app', MaxResults: 11 }, 'ValidationException', /less than or equal to 10/],
    ['MaxResults 0', { Path: '/app', MaxResults: 0 }, 'ValidationException', /greater than or equal to 1/],
    ['MaxResults 1.5', { Path: '/app', MaxResults: 1.5 }, 'SerializationException', /integer/],
    ['a relative path', { Path: 'app' }, 'ValidationException', /begin with \//],
    ['a path too long', { Path: `/${'x'.repeat(2048)}` }, 'ValidationException', /2048/],
    ['a missing path', {}, 'ValidationException', /path/],
    ['Recursive a string', { Path: '/app', Recursive: 'true' }, 'SerializationException', /Recursive/],
    // GetParametersByPath API reference, errors: InvalidNextToken, InvalidFilterKey, InvalidFilterOption,
    // InvalidFilterValue.
    ['a garbage token', { Path: '/app', NextToken: 'garbage' }, 'InvalidNextToken', /token/],
    ['ParameterFilters not a list', { Path: '/app', ParameterFilters: {} }, 'SerializationException', /objects/],
    [
      'an unknown filter key',
      { Path: '/app', ParameterFilters: [{ Key: 'Name', Values: ['x'] }] },
      'InvalidFilterKey',
      /filter key/,
    ],
    [
      'a key no operation knows',
      { Path: '/app', ParameterFilters: [{ Key: 'Colour', Values: ['x'] }] },
      'InvalidFilterKey',
      /filter key/,
    ],
    [
      'Label with BeginsWith (ParameterStringFilter: Label takes Equals only)',
      { Path: '/app', ParameterFilters: [{ Key: 'Label', Option: 'BeginsWith', Values: ['p'] }] },
      'InvalidFilterOption',
      /filter option/,
    ],
    [
      'an unknown filter option',
      { Path: '/app', ParameterFilters: [{ Key: 'Type', Option: 'Contains', Values: ['String'] }] },
      'InvalidFilterOption',
      /filter option/,
    ],
    ['a filter without values', { Path: '/app', ParameterFilters: [{ Key: 'Type' }] }, 'InvalidFilterValue', /values/],
  ])('refuses %s', (_, input, name, message) => {
    const error = failure(() => tree.handle('GetParametersByPath', input))
    expect(error.name).toBe(name)
    expect(error.message).toMatch(message)
  })

  test('a token from one listing is refused by another', () => {
    const first = tree.handle('GetParametersByPath', { Path: '/app', Recursive: true, MaxResults: 1 }) as PathOut
    expect(first.NextToken).toEqual(expect.any(String))
    expect(
      failure(() => tree.handle('GetParametersByPath', { Path: '/app', MaxResults: 1, NextToken: first.NextToken }))
        .name,
    ).toBe('InvalidNextToken')
  })

  test('ParameterFilters by Type, KeyId and Label', () => {
    const engine = new ParameterEngine({
      parameters: {
        '/f/plain': 'p',
        '/f/list': { value: 'a,b', type: 'StringList' },
        '/f/secret': { value: 's1', type: 'SecureString' },
      },
    })
    engine.put('/f/secret', 's2')
    engine.label('/f/secret', 1, ['old'])
    engine.label('/f/plain', 1, ['current'])
    const list = (ParameterFilters: unknown) =>
      listAll(engine, { Path: '/f', WithDecryption: true, ParameterFilters })
        .flat()
        .map((p) => `${p.Name}=${p.Value}`)
    expect(list([{ Key: 'Type', Values: ['SecureString', 'StringList'] }])).toEqual(['/f/list=a,b', '/f/secret=s2'])
    expect(list([{ Key: 'Type', Option: 'Equals', Values: ['String'] }])).toEqual(['/f/plain=p'])
    // ParameterStringFilter API reference: "For filters used with GetParametersByPath, valid options include Equals
    // and BeginsWith" — so a Type filter may begin-with, and so may KeyId.
    expect(list([{ Key: 'Type', Option: 'BeginsWith', Values: ['String'] }])).toEqual(['/f/list=a,b', '/f/plain=p'])
    expect(list([{ Key: 'Type', Option: 'BeginsWith', Values: ['Secure'] }])).toEqual(['/f/secret=s2'])
    expect(list([{ Key: 'KeyId', Option: 'BeginsWith', Values: ['alias/aws'] }])).toEqual(['/f/secret=s2'])
    expect(list([{ Key: 'KeyId', Values: ['alias/aws/ssm'] }])).toEqual(['/f/secret=s2'])
    expect(list([{ Key: 'KeyId', Values: ['alias/other'] }])).toEqual([])
    expect(list([{ Key: 'Label', Values: ['old', 'current'] }])).toEqual(['/f/plain=p', '/f/secret=s1'])
    expect(
      list([
        { Key: 'Label', Values: ['old', 'current'] },
        { Key: 'Type', Values: ['SecureString'] },
      ]),
    ).toEqual(['/f/secret=s1'])
  })
})
