import { nameProblem, parseRef } from '../src/parameter.js'

describe('parseRef', () => {
  test('a plain hierarchical name', () => {
    expect(parseRef('/bots/superman/token')).toEqual({
      store: 'ssm',
      kind: 'name',
      id: '/bots/superman/token',
      name: '/bots/superman/token',
      entry: '/bots/superman/token',
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
    // Sent as the name and its selector; shown as written.
    expect(version.entry).toBe('/shared/db-url:3')
    const label = parseRef('/shared/flags:prod')
    expect([label.name, label.selector, label.pinned]).toEqual(['/shared/flags', ':prod', false])
  })

  test('an ARN keeps the ARN for matching and derives the name', () => {
    const ref = parseRef('arn:aws:ssm:us-east-1:123456789012:parameter/shared/db-url:2')
    expect(ref).toMatchObject({
      kind: 'name',
      id: 'arn:aws:ssm:us-east-1:123456789012:parameter/shared/db-url:2',
      name: '/shared/db-url',
      entry: 'arn:aws:ssm:us-east-1:123456789012:parameter/shared/db-url:2',
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
      store: 'secretsmanager',
      kind: 'secret',
      id: 'secretsmanager:prod/db:',
      name: 'prod/db',
      entry: 'secretsmanager:prod/db',
      selector: '',
      arn: '',
      pinned: false,
      recursive: false,
      batched: false,
    })
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf'
    expect(parseRef(arn)).toMatchObject({ kind: 'secret', name: arn, entry: arn })
    expect(parseRef('secretsmanager:prod/db', true, 'AWSPREVIOUS')).toMatchObject({ selector: 'AWSPREVIOUS' })
    // AWSCURRENT is the default: the same fetch as no stage.
    expect(parseRef('secretsmanager:prod/db', true, 'AWSCURRENT').id).toBe(parseRef('secretsmanager:prod/db').id)
    expect(() => parseRef('secretsmanager:has space')).toThrow(/not a secret name/)
    expect(() => parseRef('secretsmanager:prod/db', true, 'bad stage')).toThrow(/invalid versionStage/)
    expect(() => parseRef('/ssm/name', true, 'AWSPREVIOUS')).toThrow(
      /versionStage applies to Secrets Manager secrets only/,
    )
  })

  test.each([
    // The inputs: AWS documents a version stage or a version id after a Secrets Manager reference.
    ['/aws/reference/secretsmanager/s1:AWSCURRENT', ':AWSCURRENT'],
    ['/aws/reference/secretsmanager/s1:AWSPREVIOUS', ':AWSPREVIOUS'],
    ['/aws/reference/secretsmanager/s1:EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE', ':EXAMPLE1-90ab-cdef-fedc-ba987EXAMPLE'],
    // The rest of the kind: a custom stage, a version id starting with a digit, a nested secret name.
    ['/aws/reference/secretsmanager/prod/db:my-stage', ':my-stage'],
    ['/aws/reference/secretsmanager/s1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', ':0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'],
  ])('accepts the Secrets Manager reference %s', (input, selector) => {
    expect(parseRef(input)).toMatchObject({ kind: 'name', name: input.slice(0, input.lastIndexOf(':')), selector })
    expect(parseRef(input).pinned).toBe(false)
  })

  test.each([
    // The input: said to start with a reserved 'ssm', while the user meant a store prefix.
    [
      'ssm:/bots/x',
      "starts with 'ssm:', which is not a prefix this package knows (known: secretsmanager: for Secrets Manager, appconfig: for AppConfig, dynamodb: for DynamoDB; a Parameter Store name takes no prefix)",
    ],
    // The rest of the kind.
    ['SSM:/bots/x', "starts with 'SSM:', which is not a prefix this package knows"],
    ['AppConfig:app/env/profile', "starts with 'AppConfig:', which is not a prefix"],
    ['SecretsManager:prod/db', "starts with 'SecretsManager:', which is not a prefix"],
    ['parameterstore:/x', "starts with 'parameterstore:'"],
    ['vault:/secret/x', "starts with 'vault:'"],
  ])('an unknown prefix: %s', (input, message) => {
    expect(() => parseRef(input)).toThrow(message)
  })

  test('name:label stays a label, not a prefix', () => {
    expect(parseRef('prod:stable')).toMatchObject({ name: 'prod', selector: ':stable' })
  })

  test.each([
    ['/aws/reference/secretsmanager/s1:bad stage', /neither a version stage nor a version id/],
    ['/aws/reference/secretsmanager/s1:', /neither a version stage nor a version id/],
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
