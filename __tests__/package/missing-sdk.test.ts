import { jest } from '@jest/globals'
import { lambdaContext, recordingLogger, useStore } from '../support/harness.js'

// A function without @aws-sdk/client-ssm installed (a map of secrets only needs none): the SSM SDK module
// cannot be loaded. A map that names a parameter there fails as any unreachable store does, with advice that
// names the package, and no unhandled rejection. (__tests__/package/lazy-stores.test.ts runs the real thing in
// a folder without the package; this one runs in-process.)
const real = await import('@aws-sdk/client-ssm')
let loadable = false
jest.unstable_mockModule('@aws-sdk/client-ssm', () => {
  if (!loadable) throw new Error("Cannot find package '@aws-sdk/client-ssm'")
  return real
})
const { SecretsError, secrets } = await import('../../src/index.js')
const s = useStore()

test('a parameter map without the SSM SDK: UNAVAILABLE, reason unreachable, advice naming the package', async () => {
  s.store.put('/missing/token', 'fake-token')
  const logger = recordingLogger()
  const mw = secrets({
    fetchData: { TOKEN: '/missing/token' },
    awsClientOptions: s.clientOptions,
    fallbackToEnv: false,
    logger,
  })
  const request = { event: {}, context: lambdaContext(), response: undefined, error: undefined, internal: {} }
  let thrown: unknown
  try {
    await mw.before(request as never)
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(SecretsError)
  expect((thrown as InstanceType<typeof SecretsError>).reasons).toEqual({ TOKEN: 'unreachable' })
  expect(String((thrown as Error).message)).toContain('@aws-sdk/client-ssm could not be loaded')
  expect(mw.stats().keys.TOKEN?.reason).toBe('unreachable')
  expect(s.store.calls.total).toBe(0)

  // Once the package can be loaded (the next attempt, after the backoff), the value comes through.
  loadable = true
  mw.invalidate()
  const later = { ...request, context: lambdaContext(), internal: {} }
  await mw.before(later as never)
  expect((later.context as unknown as { TOKEN: string }).TOKEN).toBe('fake-token')
})
