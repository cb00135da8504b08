import * as local from 'middy-secrets-local'

test('middy-secrets-local exports exactly its runtime API', () => {
  expect(Object.keys(local).sort()).toEqual([
    'LocalParameterStore',
    'OPERATIONS',
    'ParameterEngine',
    'SECRETS_OPERATIONS',
    'SecretsEngine',
    'SsmServiceError',
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
