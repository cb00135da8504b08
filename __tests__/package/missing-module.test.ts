import { jest } from '@jest/globals'
import { lambdaContext } from '../support/harness.js'

// A bundle that left out one of this package's own store modules (dist/stores/dynamodb.js): not the SDK, so not
// sdk_missing, and not the network. Its keys fail with client_config naming the module; the others are unharmed.
jest.unstable_mockModule('../../src/sources/stores/dynamodb.js', () => {
  throw new Error("Cannot find module './stores/dynamodb.js'")
})
const { SecretsError, secrets } = await import('../../src/index.js')

test("a store module of this package's own that cannot be loaded: client_config naming it", async () => {
  const mw = secrets({ fetchData: { APP: 'dynamodb:config/app' }, fallbackToEnv: false })
  const request = { event: {}, context: lambdaContext(), response: undefined, error: undefined, internal: {} }
  const error = await Promise.resolve(mw.before(request as never)).then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(SecretsError)
  expect((error as Error).message).toBe(
    'middy-secrets: no value for APP (dynamodb:config/app: client_config) [middy-secrets could not load its DynamoDB module (stores/dynamodb.js): deploy it with the function]. client_config: the DynamoDB client could not be set up: fix what the details name.',
  )
})
