// Recipe, node:test (`node --test`): test a handler that fetches at import.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { lambdaContext, startLocalStore } from 'middy-secrets-local'

let store
let handler
const saved = { ...process.env }

before(async () => {
  store = await startLocalStore({
    parameters: { '/app/db-url': 'postgres://db.local:5432/app' },
    secrets: { 'prod/api-key': 'fake-api-key' },
  })
  // First the environment, then the import: the handler's clients are made while the module loads.
  Object.assign(process.env, store.env)
  ;({ handler } = await import('./handler.js'))
})

after(async () => {
  process.env = saved
  await store.close()
})

test('the handler fetched its values at import and serves them', { timeout: 10_000 }, async () => {
  // The fetch began during the import: the store sees both reads before any invocation.
  while (store.calls.total < 2) await new Promise((resolve) => setTimeout(resolve, 5))
  assert.deepEqual(await handler({}, lambdaContext()), { dbHost: 'db.local:5432', apiKeyLength: 12 })
  const { GetParameters, GetSecretValue, total } = store.calls
  assert.deepEqual({ GetParameters, GetSecretValue, total }, { GetParameters: 1, GetSecretValue: 1, total: 2 })
})
