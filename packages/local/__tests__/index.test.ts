import * as local from 'middy-secrets-local'

test('middy-secrets-local exports exactly its runtime API', () => {
  expect(Object.keys(local).sort()).toEqual([
    'APPCONFIG_OPERATIONS',
    'AppConfigEngine',
    'AppConfigError',
    'LocalParameterStore',
    'OPERATIONS',
    'ParameterEngine',
    'SECRETS_OPERATIONS',
    'SecretsEngine',
    'SsmServiceError',
    'invoke',
    'lambdaContext',
    'startLocalStore',
  ])
  expect(local.SECRETS_OPERATIONS).toEqual([
    'GetSecretValue',
    'BatchGetSecretValue',
    'CreateSecret',
    'PutSecretValue',
    'DeleteSecret',
    'DescribeSecret',
    'ListSecrets',
    'ListSecretVersionIds',
    'RestoreSecret',
    'UpdateSecret',
    'UpdateSecretVersionStage',
  ])
  expect(local.OPERATIONS).toEqual([
    'GetParameters',
    'GetParametersByPath',
    'GetParameter',
    'PutParameter',
    'LabelParameterVersion',
    'DeleteParameter',
    'DeleteParameters',
    'DescribeParameters',
    'GetParameterHistory',
    'UnlabelParameterVersion',
    'AddTagsToResource',
    'ListTagsForResource',
    'RemoveTagsFromResource',
  ])
})

test('startLocalStore returns a started store', async () => {
  const store = await local.startLocalStore({ parameters: { '/a': 'x' } })
  try {
    expect(store).toBeInstanceOf(local.LocalParameterStore)
    expect(store.clientConfig.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(store.engine.get('/a')?.value).toBe('x')
    expect(store.secretsEngine).toBeInstanceOf(local.SecretsEngine)
  } finally {
    await store.close()
  }
})

test('lambdaContext: a full Lambda Context whose remaining time counts down on the given clock', () => {
  let clock = 1_000
  const context = local.lambdaContext({
    timeoutMs: 5_000,
    now: () => clock,
    functionName: 'orders',
    region: 'eu-west-1',
  })
  expect(context).toMatchObject({
    functionName: 'orders',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders',
    memoryLimitInMB: '128',
    logGroupName: '/aws/lambda/orders',
    callbackWaitsForEmptyEventLoop: true,
  })
  expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/)
  expect(context.getRemainingTimeInMillis()).toBe(5_000)
  clock += 4_000
  expect(context.getRemainingTimeInMillis()).toBe(1_000)
  clock += 9_000
  expect(context.getRemainingTimeInMillis()).toBe(0)
  expect(() => context.succeed('x')).toThrow(/return or throw from the handler/)
  expect(local.lambdaContext().getRemainingTimeInMillis()).toBeLessThanOrEqual(3_000)
})

test('invoke calls a handler with the event and a fresh Lambda context, and resolves to its result', async () => {
  const seen: unknown[] = []
  const result = await local.invoke(
    async (event: { n: number }, context) => {
      seen.push(context.functionName, context.getRemainingTimeInMillis() <= 7_000)
      return event.n * 2
    },
    { n: 21 },
    { timeoutMs: 7_000, functionName: 'doubler' },
  )
  expect(result).toBe(42)
  expect(seen).toEqual(['doubler', true])
  await expect(local.invoke(() => Promise.reject(new Error('boom')), {})).rejects.toThrow('boom')
  expect(await local.invoke((event: string) => event.length, 'abc')).toBe(3)
})
