import { jest } from '@jest/globals'
import { lambdaContext, manualClock, recordingLogger, useStore } from '../support/harness.js'

// A function without @aws-sdk/client-ssm installed (a map of secrets only needs none): the SSM SDK module
// cannot be loaded. A map that names a parameter there fails with sdk_missing — a fault, retried on the backoff —
// and advice to add the package, not to check the network; no unhandled rejection. (__tests__/package/
// sdk-missing.test.ts runs the real thing in a folder without the packages; this one runs in-process.)
const real = await import('@aws-sdk/client-ssm')
let loadable = false
let imports = 0
jest.unstable_mockModule('@aws-sdk/client-ssm', () => {
  imports++
  if (!loadable) throw new Error("Cannot find package '@aws-sdk/client-ssm'")
  return real
})
const { SecretsError, secrets } = await import('../../src/index.js')
const s = useStore()

const invoke = async (mw: ReturnType<typeof secrets>) => {
  const request = { event: {}, context: lambdaContext(), response: undefined, error: undefined, internal: {} }
  try {
    await mw.before(request as never)
    return { context: request.context as unknown as Record<string, unknown>, error: undefined }
  } catch (error) {
    return { context: {} as Record<string, unknown>, error: error as InstanceType<typeof SecretsError> }
  }
}

test('a parameter map without the SSM SDK: UNAVAILABLE, reason sdk_missing, advice to add the package', async () => {
  s.store.put('/missing/token', 'fake-token')
  const logger = recordingLogger()
  const clock = manualClock()
  const mw = secrets({
    fetchData: { TOKEN: '/missing/token' },
    awsClientOptions: s.clientOptions,
    fallbackToEnv: false,
    cacheExpiry: 60_000,
    clock,
    logger,
  })
  const { error } = await invoke(mw)
  expect(error).toBeInstanceOf(SecretsError)
  expect(error?.reasons).toEqual({ TOKEN: 'sdk_missing' })
  expect(error?.message).toBe(
    "middy-secrets: no value for TOKEN (/missing/token: sdk_missing) [@aws-sdk/client-ssm could not be loaded]. sdk_missing: add @aws-sdk/client-ssm to the function's dependencies (it is an optional peer of middy-secrets, needed because the map names Parameter Store entries).",
  )
  expect(error?.message).not.toMatch(/network|VPC|NAT|DNS/)
  expect(mw.stats().keys.TOKEN?.reason).toBe('sdk_missing')
  expect(mw.stats().keys.TOKEN?.failure).toEqual({
    reason: 'sdk_missing',
    detail: '@aws-sdk/client-ssm could not be loaded',
  })
  expect(logger.lines.find((line) => line.event.event === 'unavailable')?.event.reasons).toEqual({
    TOKEN: 'sdk_missing',
  })
  expect(s.store.calls.total).toBe(0)

  // A fault, not an answer: tried again within seconds (an answer would wait for cacheExpiry, a minute here).
  const before = imports
  clock.advance(1_100)
  expect((await invoke(mw)).error?.reasons).toEqual({ TOKEN: 'sdk_missing' })
  expect(imports).toBeGreaterThan(before)

  // Once the package can be loaded (the next attempt, after the backoff), the value comes through.
  loadable = true
  clock.advance(2_100)
  const { context, error: none } = await invoke(mw)
  expect(none).toBeUndefined()
  expect(context.TOKEN).toBe('fake-token')
  expect(mw.stats().keys.TOKEN).toMatchObject({ rung: 'fresh', reason: undefined })
})
