import { GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm'
import { LocalParameterStore, startLocalStore } from 'middy-secrets-local'

const send = async (store: LocalParameterStore, count: number) => {
  const client = new SSMClient({ ...store.clientConfig, maxAttempts: 1 })
  try {
    for (let i = 0; i < count; i++) await client.send(new GetParametersCommand({ Names: [`/n${i}`] }))
  } finally {
    client.destroy()
  }
}

// The issue measured 11 MB over 40,000 requests: store.requests keeps the latest maxRequests (default 1000),
// oldest first, while store.calls keeps counting every request.
test('store.requests is a ring of the latest maxRequests; calls count them all', async () => {
  const store = await startLocalStore({ maxRequests: 3 })
  try {
    await send(store, 7)
    expect(store.calls.GetParameters).toBe(7)
    expect(store.requests.map((r) => (r.input as { Names: string[] }).Names[0])).toEqual(['/n4', '/n5', '/n6'])
    store.resetCalls()
    expect(store.requests).toEqual([])
    await send(store, 2)
    expect(store.requests.map((r) => (r.input as { Names: string[] }).Names[0])).toEqual(['/n0', '/n1'])
  } finally {
    await store.close()
  }
})

test('by default 1000 requests are kept; maxRequests 0 keeps none', async () => {
  const store = await startLocalStore()
  const none = await startLocalStore({ maxRequests: 0 })
  try {
    await send(store, 1005)
    expect(store.requests).toHaveLength(1000)
    expect(store.requests[0]?.input).toEqual({ Names: ['/n5'] })
    await send(none, 3)
    expect(none.requests).toEqual([])
    expect(none.calls.total).toBe(3)
  } finally {
    await Promise.all([store.close(), none.close()])
  }
})

test('made-up operation names stop adding counters after 100: the rest count under (other)', async () => {
  const store = await startLocalStore()
  try {
    const { endpoint } = store.clientConfig
    for (let i = 0; i < 105; i++) {
      await fetch(endpoint, { method: 'POST', headers: { 'X-Amz-Target': `AmazonSSM.Made${i}` }, body: '{}' })
    }
    expect(store.calls.Made99).toBe(1)
    expect(store.calls.Made100).toBeUndefined()
    expect(store.calls['(other)']).toBe(5)
    expect(store.calls.total).toBe(105)
  } finally {
    await store.close()
  }
})

test('options are checked: port and maxRequests', () => {
  expect(() => new LocalParameterStore({ port: 70000 })).toThrow(TypeError)
  expect(() => new LocalParameterStore({ port: 1.5 })).toThrow(TypeError)
  expect(() => new LocalParameterStore({ maxRequests: -1 })).toThrow(TypeError)
})

test('store.env points an SSMClient created with no options at the store', async () => {
  const store = await startLocalStore({ parameters: { '/e': 'from-env' } })
  const saved = { ...process.env }
  try {
    expect(store.env).toEqual({
      AWS_ENDPOINT_URL_SSM: store.clientConfig.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: store.clientConfig.endpoint,
      AWS_ENDPOINT_URL_APPCONFIGDATA: store.clientConfig.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'LOCALSTOREFAKEKEY',
      AWS_SECRET_ACCESS_KEY: 'local-parameter-store-fake-secret',
    })
    delete process.env.AWS_SESSION_TOKEN
    delete process.env.AWS_PROFILE
    Object.assign(process.env, store.env)
    const client = new SSMClient({ maxAttempts: 1 })
    const out = await client.send(new GetParametersCommand({ Names: ['/e'] }))
    client.destroy()
    expect(out.Parameters?.[0]?.Value).toBe('from-env')
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
    await store.close()
  }
})

test('onChange fires after each successful write over the wire, not after reads or refusals', async () => {
  const seen: string[] = []
  const store = await startLocalStore({ onChange: (operation) => seen.push(operation) })
  const client = new SSMClient({ ...store.clientConfig, maxAttempts: 1 })
  try {
    await client.send(new PutParameterCommand({ Name: '/w', Value: 'v', Type: 'String' }))
    await client.send(new GetParametersCommand({ Names: ['/w'] }))
    await client.send(new PutParameterCommand({ Name: '/w', Value: 'v' })).catch(() => undefined)
    expect(seen).toEqual(['PutParameter'])
  } finally {
    client.destroy()
    await store.close()
  }
})
