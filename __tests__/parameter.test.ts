import { nameProblem, parseRef } from '../src/parameter.js'

describe('parseRef', () => {
  test('a plain hierarchical name', () => {
    expect(parseRef('/bots/superman/token')).toEqual({
      kind: 'name',
      id: '/bots/superman/token',
      name: '/bots/superman/token',
      selector: '',
      arn: '',
      pinned: false,
      recursive: false,
    })
  })

  test('a flat name', () => {
    expect(parseRef('supermanToken').name).toBe('supermanToken')
  })

  test('a numeric version is pinned, a label is not', () => {
    const version = parseRef('/shared/db-url:3')
    expect([version.name, version.selector, version.pinned]).toEqual(['/shared/db-url', ':3', true])
    const label = parseRef('/shared/flags:prod')
    expect([label.name, label.selector, label.pinned]).toEqual(['/shared/flags', ':prod', false])
  })

  test('an ARN keeps the ARN for matching and derives the name', () => {
    const ref = parseRef('arn:aws:ssm:us-east-1:123456789012:parameter/shared/db-url:2')
    expect(ref).toMatchObject({
      kind: 'name',
      id: 'arn:aws:ssm:us-east-1:123456789012:parameter/shared/db-url:2',
      name: '/shared/db-url',
      selector: ':2',
      arn: 'arn:aws:ssm:us-east-1:123456789012:parameter/shared/db-url',
      pinned: true,
    })
    expect(parseRef('arn:aws:ssm:eu-west-1:123456789012:parameter/flat').name).toBe('flat')
  })

  test('a path, recursive by default, and non-recursive as a separate fetch', () => {
    expect(parseRef('/shared/db/')).toMatchObject({ kind: 'path', name: '/shared/db/', recursive: true })
    const direct = parseRef('/shared/db/', false)
    expect(direct.recursive).toBe(false)
    expect(direct.id).not.toBe(parseRef('/shared/db/').id)
    expect(parseRef('/').kind).toBe('path')
  })

  test('AWS public parameters and the Secrets Manager bridge are readable', () => {
    expect(parseRef('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64').kind).toBe('name')
    expect(parseRef('/aws/reference/secretsmanager/prod/db').kind).toBe('name')
  })

  test('a Secrets Manager secret by prefix or ARN, with an optional version stage', () => {
    expect(parseRef('secretsmanager:prod/db')).toEqual({
      kind: 'secret',
      id: 'secretsmanager:prod/db:',
      name: 'prod/db',
      selector: '',
      arn: '',
      pinned: false,
      recursive: false,
    })
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf'
    expect(parseRef(arn)).toMatchObject({ kind: 'secret', name: arn })
    expect(parseRef('secretsmanager:prod/db', true, 'AWSPREVIOUS')).toMatchObject({ selector: 'AWSPREVIOUS' })
    // AWSCURRENT is the default: the same fetch as no stage.
    expect(parseRef('secretsmanager:prod/db', true, 'AWSCURRENT').id).toBe(parseRef('secretsmanager:prod/db').id)
    expect(() => parseRef('secretsmanager:has space')).toThrow(/not a secret name/)
    expect(() => parseRef('secretsmanager:prod/db', true, 'bad stage')).toThrow(/invalid versionStage/)
    expect(() => parseRef('/ssm/name', true, 'AWSPREVIOUS')).toThrow(/versionStage applies to secrets only/)
  })

  test.each([
    ['', /empty/],
    ['has space', /may hold only/],
    ['a/b', /must start with \//],
    ['/a//b', /empty level/],
    [`/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`, /15 levels/],
    [`/${'x'.repeat(1011)}`, /longer than 1011/],
    ['/aws/secret', /reserves/],
    ['ssm-thing', /reserves/],
    ['/x:', /selector/],
    ['/x:1abc', /selector/],
    ['/x:awsprod', /reserves/],
    ['/x:0', /selector/],
    ['arn:aws:s3:::bucket/key', /not an SSM parameter ARN/],
    ['arn:aws:ssm:us-east-1:123456789012:parameter/shared/', /ARN of a path/],
    ['shared/', /must start with \//],
    ['/bad path/', /path that/],
  ])('refuses %j', (input, message) => {
    expect(() => parseRef(input)).toThrow(message)
  })

  test('nameProblem accepts every allowed character', () => {
    expect(nameProblem('/A-z_0.9/x')).toBeUndefined()
  })
})
