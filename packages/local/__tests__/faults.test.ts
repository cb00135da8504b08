import { ParameterEngine } from '../src/engine.js'
import { FaultRules, type FaultSpec, faultError } from '../src/faults.js'
import { SecretsEngine } from '../src/secrets-engine.js'

const ARN = 'arn:aws:ssm:us-east-1:123456789012:parameter'
const engine = new ParameterEngine({ parameters: { '/app/a': '1', '/app/sub/b': '2', flat: '3' } })

const rulesWith = (...specs: FaultSpec[]) => {
  const rules = new FaultRules()
  for (const spec of specs) rules.add(spec)
  return rules
}

const kind = (rules: FaultRules, operation: string, input: unknown) =>
  rules.decide(operation, input, engine).fault?.kind

test('a rule without filters applies to every request until cleared', () => {
  const rules = rulesWith({ kind: 'throttle' })
  for (let i = 0; i < 5; i++) expect(kind(rules, 'GetParameters', { Names: ['/x'] })).toBe('throttle')
  expect(kind(rules, 'PutParameter', undefined)).toBe('throttle')
  rules.clear()
  expect(rules.size).toBe(0)
  expect(kind(rules, 'GetParameters', { Names: ['/x'] })).toBeUndefined()
})

test('count spends the rule', () => {
  const rules = rulesWith({ kind: 'server-error', count: 2 })
  expect(kind(rules, 'GetParameters', {})).toBe('server-error')
  expect(rules.size).toBe(1)
  expect(kind(rules, 'GetParameters', {})).toBe('server-error')
  expect(rules.size).toBe(0)
  expect(kind(rules, 'GetParameters', {})).toBeUndefined()
})

test('rules apply in the order added; the first non-latency match wins and only it is spent', () => {
  const rules = rulesWith({ kind: 'throttle', count: 1 }, { kind: 'access-denied', count: 1 })
  expect(kind(rules, 'GetParameters', {})).toBe('throttle')
  expect(kind(rules, 'GetParameters', {})).toBe('access-denied')
  expect(kind(rules, 'GetParameters', {})).toBeUndefined()
})

test('latency rules add up and combine with another fault', () => {
  const rules = rulesWith(
    { kind: 'latency', latencyMs: 30 },
    { kind: 'throttle', count: 1 },
    { kind: 'latency', latencyMs: 20, count: 1 },
  )
  expect(rules.decide('GetParameters', {}, engine)).toMatchObject({ delayMs: 50, fault: { kind: 'throttle' } })
  expect(rules.decide('GetParameters', {}, engine)).toEqual({ delayMs: 30 })
})

test('operations filter', () => {
  const rules = rulesWith({ kind: 'reset', operations: ['GetParametersByPath'] })
  expect(kind(rules, 'GetParameters', { Names: ['/app/a'] })).toBeUndefined()
  expect(kind(rules, 'GetParametersByPath', { Path: '/app' })).toBe('reset')
})

describe('names filter', () => {
  test('GetParameters: by name, with a selector, by ARN, in any position', () => {
    const rules = rulesWith({ kind: 'access-denied', names: ['/app/a', 'flat'] })
    expect(kind(rules, 'GetParameters', { Names: ['/other', '/app/a'] })).toBe('access-denied')
    expect(kind(rules, 'GetParameters', { Names: ['/app/a:3'] })).toBe('access-denied')
    expect(kind(rules, 'GetParameters', { Names: [`${ARN}/app/a:prod`] })).toBe('access-denied')
    expect(kind(rules, 'GetParameters', { Names: [`${ARN}/flat`] })).toBe('access-denied')
    expect(kind(rules, 'GetParameters', { Names: ['/app/sub/b', '/app/ab'] })).toBeUndefined()
    expect(kind(rules, 'GetParameters', { Names: 'not a list' })).toBeUndefined()
    expect(kind(rules, 'GetParameters', undefined)).toBeUndefined()
  })

  test('a rule naming an ARN or a missing parameter matches its name', () => {
    const rules = rulesWith({ kind: 'throttle', names: [`${ARN}/app/missing`, '/gone'] })
    expect(kind(rules, 'GetParameters', { Names: ['/app/missing'] })).toBe('throttle')
    expect(kind(rules, 'GetParameter', { Name: '/gone:1' })).toBe('throttle')
    expect(kind(rules, 'GetParameter', { Name: 7 })).toBeUndefined()
  })

  test('GetParametersByPath: the path itself, or a name its results would include', () => {
    const rules = rulesWith({ kind: 'kms-denied', names: ['/app/sub/b'] })
    expect(kind(rules, 'GetParametersByPath', { Path: '/app/sub' })).toBe('kms-denied')
    expect(kind(rules, 'GetParametersByPath', { Path: '/app', Recursive: true })).toBe('kms-denied')
    expect(kind(rules, 'GetParametersByPath', { Path: '/app' })).toBeUndefined()
    expect(kind(rules, 'GetParametersByPath', { Path: '/other', Recursive: true })).toBeUndefined()
    expect(kind(rules, 'GetParametersByPath', { Path: 5 })).toBeUndefined()
    const byPath = rulesWith({ kind: 'kms-denied', names: ['/app/'] })
    expect(kind(byPath, 'GetParametersByPath', { Path: '/app' })).toBe('kms-denied')
    expect(kind(byPath, 'GetParametersByPath', { Path: '/app/' })).toBe('kms-denied')
    expect(kind(byPath, 'GetParameters', { Names: ['/app/a'] })).toBeUndefined()
  })

  test('other operations match on Name', () => {
    const rules = rulesWith({ kind: 'hang', names: ['/app/a'] })
    for (const operation of ['GetParameter', 'PutParameter', 'LabelParameterVersion', 'DeleteParameter']) {
      expect(kind(rules, operation, { Name: '/app/a' })).toBe('hang')
      expect(kind(rules, operation, { Name: '/app/b' })).toBeUndefined()
    }
  })

  test('a non-matching request does not spend the rule', () => {
    const rules = rulesWith({ kind: 'throttle', names: ['/app/a'], count: 1 })
    expect(kind(rules, 'GetParameters', { Names: ['/x'] })).toBeUndefined()
    expect(kind(rules, 'GetParameters', { Names: ['/app/a'] })).toBe('throttle')
    expect(kind(rules, 'GetParameters', { Names: ['/app/a'] })).toBeUndefined()
  })
})

test.each([
  [{ kind: 'explode' }, /Unknown fault kind explode/],
  [{ kind: 'throttle', count: 0 }, /positive integer/],
  [{ kind: 'throttle', count: 1.5 }, /positive integer/],
  [{ kind: 'throttle', count: Number.NaN }, /positive integer/],
  [{ kind: 'latency' }, /latencyMs/],
  [{ kind: 'latency', latencyMs: -1 }, /latencyMs/],
])('refuses the spec %j', (spec, message) => {
  expect(() => new FaultRules().add(spec as FaultSpec)).toThrow(message)
})

describe('faultError', () => {
  const error = (rules: FaultRules, operation: string, input: unknown) =>
    faultError(rules.decide(operation, input, engine), operation, engine, 'req-1')

  test('throttle and server-error', () => {
    expect(error(rulesWith({ kind: 'throttle' }), 'GetParameters', {})?.toBody()).toEqual({
      __type: 'ThrottlingException',
      message: 'Rate exceeded',
    })
    const server = error(rulesWith({ kind: 'server-error' }), 'GetParameters', {})
    expect(server?.name).toBe('InternalServerError')
    expect(server?.statusCode).toBe(500)
  })

  test('access-denied names the action and the resource that matched, without mentioning KMS', () => {
    const denied = error(rulesWith({ kind: 'access-denied', names: ['/app/a'] }), 'GetParameters', {
      Names: ['/zzz', '/app/a'],
    })
    expect(denied?.name).toBe('AccessDeniedException')
    expect(denied?.message).toBe(
      'User: arn:aws:sts::123456789012:assumed-role/fake/local-parameter-store is not authorized to perform: ' +
        `ssm:GetParameters on resource: ${ARN}/app/a because no identity-based policy allows the ssm:GetParameters action`,
    )
    expect(denied?.message).not.toMatch(/kms/i)
    expect(error(rulesWith({ kind: 'access-denied' }), 'GetParametersByPath', { Path: '/app' })?.message).toContain(
      `resource: ${ARN}/app because`,
    )
    expect(error(rulesWith({ kind: 'access-denied' }), 'GetParameters', {})?.message).toContain(
      'resource: arn:aws:ssm:us-east-1:123456789012:* because',
    )
  })

  test('kms-denied is an AccessDeniedException that clearly comes from KMS', () => {
    const kms = error(rulesWith({ kind: 'kms-denied' }), 'GetParameters', { Names: ['/app/a'] })
    expect(kms?.name).toBe('AccessDeniedException')
    expect(kms?.statusCode).toBe(400)
    expect(kms?.message).toMatch(/kms:Decrypt on resource: arn:aws:kms:us-east-1:123456789012:key\//)
    expect(kms?.message).toMatch(/Service: AWSKMS/)
    expect(kms?.message).toContain('req-1')
  })

  test('kinds that do not answer with an error', () => {
    for (const k of ['reset', 'hang', 'malformed', 'truncated'] as const) {
      expect(error(rulesWith({ kind: k }), 'GetParameters', {})).toBeUndefined()
    }
    expect(error(rulesWith({ kind: 'latency', latencyMs: 1 }), 'GetParameters', {})).toBeUndefined()
    expect(error(new FaultRules(), 'GetParameters', {})).toBeUndefined()
  })
})

describe('Secrets Manager requests', () => {
  const secrets = new SecretsEngine({ secrets: { 'prod/db': 'p', other: 'o' } })
  const arn = secrets.arnOf('prod/db') as string
  const decide = (rules: FaultRules, operation: string, input: unknown) => rules.decide(operation, input, secrets)

  test('names match a SecretId by name, full or partial ARN, or any id of a SecretIdList', () => {
    const rules = rulesWith({ kind: 'throttle', names: ['prod/db'] })
    for (const id of ['prod/db', arn, arn.slice(0, -7)]) {
      expect(decide(rules, 'GetSecretValue', { SecretId: id })).toEqual({
        delayMs: 0,
        fault: { kind: 'throttle', names: ['prod/db'] },
        resource: id,
      })
    }
    expect(decide(rules, 'BatchGetSecretValue', { SecretIdList: ['other', 7, arn] }).resource).toBe(arn)
    expect(decide(rules, 'PutSecretValue', { SecretId: 'prod/db' }).fault?.kind).toBe('throttle')
    expect(decide(rules, 'DeleteSecret', { SecretId: 'prod/db' }).fault?.kind).toBe('throttle')
    expect(decide(rules, 'CreateSecret', { Name: 'prod/db' }).fault?.kind).toBe('throttle')
    expect(decide(rules, 'GetSecretValue', { SecretId: 'other' }).fault).toBeUndefined()
    expect(decide(rules, 'GetSecretValue', { SecretId: 'missing' }).fault).toBeUndefined()
    expect(
      decide(rules, 'BatchGetSecretValue', { Filters: [{ Key: 'name', Values: ['prod/'] }] }).fault,
    ).toBeUndefined()
    expect(decide(rules, 'BatchGetSecretValue', { SecretIdList: 'prod/db' }).fault).toBeUndefined()
    expect(decide(rules, 'GetSecretValue', undefined).fault).toBeUndefined()
  })

  test('a rule naming a secret that does not exist matches the id as sent', () => {
    const rules = rulesWith({ kind: 'throttle', names: ['later'] })
    expect(decide(rules, 'GetSecretValue', { SecretId: 'later' }).fault?.kind).toBe('throttle')
    expect(decide(rules, 'GetSecretValue', { SecretId: 'later2' }).fault).toBeUndefined()
  })

  test('operations, count and latency work as for SSM; the first id is the resource of an unnamed rule', () => {
    const rules = rulesWith(
      { kind: 'latency', latencyMs: 10 },
      { kind: 'server-error', operations: ['BatchGetSecretValue'], count: 1 },
      { kind: 'latency', latencyMs: 5, names: ['other'] },
    )
    expect(decide(rules, 'GetSecretValue', { SecretId: 'prod/db' })).toEqual({ delayMs: 10 })
    expect(decide(rules, 'BatchGetSecretValue', { SecretIdList: ['other', 'prod/db'] })).toEqual({
      delayMs: 15,
      fault: { kind: 'server-error', operations: ['BatchGetSecretValue'], count: 1 },
      resource: 'other',
    })
    expect(decide(rules, 'BatchGetSecretValue', {})).toEqual({ delayMs: 10 })
    expect(rules.size).toBe(2)
    // The first non-latency rule wins; the next is neither applied nor spent.
    const first = rulesWith({ kind: 'throttle', count: 1 }, { kind: 'access-denied', count: 1 })
    expect(decide(first, 'GetSecretValue', { SecretId: 'other' }).fault?.kind).toBe('throttle')
    expect(decide(first, 'GetSecretValue', { SecretId: 'other' }).fault?.kind).toBe('access-denied')
  })

  test('errors are worded as Secrets Manager words them', () => {
    const error = (spec: FaultSpec, operation: string, input: unknown) =>
      faultError(decide(rulesWith(spec), operation, input), operation, secrets, 'req-1')
    expect(error({ kind: 'throttle' }, 'GetSecretValue', {})?.toBody()).toEqual({
      __type: 'ThrottlingException',
      message: 'Rate exceeded',
    })
    const server = error({ kind: 'server-error' }, 'GetSecretValue', {})
    expect([server?.name, server?.statusCode]).toEqual(['InternalServiceError', 500])
    expect(error({ kind: 'kms-denied' }, 'GetSecretValue', { SecretId: 'prod/db' })?.toBody()).toEqual({
      __type: 'DecryptionFailure',
      message: "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
    })
    const denied = (input: unknown) => error({ kind: 'access-denied' }, 'GetSecretValue', input)?.message
    expect(denied({ SecretId: 'prod/db' })).toBe(
      'User: arn:aws:sts::123456789012:assumed-role/fake/local-parameter-store is not authorized to perform: ' +
        `secretsmanager:GetSecretValue on resource: ${arn} because no identity-based policy allows the ` +
        'secretsmanager:GetSecretValue action',
    )
    expect(denied({ SecretId: 'missing' })).toContain(
      'resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:missing because',
    )
    const foreign = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-abcdef'
    expect(denied({ SecretId: foreign })).toContain(`resource: ${foreign} because`)
    expect(denied({})).toContain('resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:* because')
    for (const k of ['reset', 'hang', 'malformed', 'truncated'] as const) {
      expect(error({ kind: k }, 'GetSecretValue', {})).toBeUndefined()
    }
  })
})
