// Recipe, vitest: test a handler that fetches at import.
import { lambdaContext, startLocalStore } from 'middy-secrets-local'
import { afterAll, beforeAll, expect, test } from 'vitest'

let store
let handler
const saved = { ...process.env }

beforeAll(async () => {
  store = await startLocalStore({
    parameters: { '/app/db-url': 'postgres://db.local:5432/app' },
    secrets: { 'prod/api-key': 'fake-api-key' },
  })
  // First the environment, then the import: the handler's clients are made while the module loads.
  Object.assign(process.env, store.env)
  ;({ handler } = await import('./handler.js'))
})

afterAll(async () => {
  process.env = saved
  await store.close()
})

test('the handler fetched its values at import and serves them', async () => {
  // The fetch began during the import: the store sees both reads before any invocation.
  while (store.calls.total < 2) await new Promise((resolve) => setTimeout(resolve, 5))
  expect(await handler({}, lambdaContext())).toEqual({ dbHost: 'db.local:5432', apiKeyLength: 12 })
  expect(store.calls).toMatchObject({ GetParameters: 1, GetSecretValue: 1, total: 2 }) // no second fetch
})
