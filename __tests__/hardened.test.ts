/**
 * Where code generation from strings is refused (`node --disallow-code-generation-from-strings`, hardened
 * runtimes, scanners that flag `new Function`), the package loads and serves values — and a handler that prints
 * its context, the way handlers do, prints no value. In a child process against the built package (npm test
 * builds first), as a Lambda function runs it.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { canary, expectNoCanary, runNode, useStore } from './support/harness.js'

const s = useStore()
const root = fileURLToPath(new URL('..', import.meta.url))

const child = `
import { inspect } from 'node:util'
import middy from '@middy/core'
import { Logger } from '@aws-lambda-powertools/logger'
import { secrets } from './dist/index.js'
const config = JSON.parse(process.env.STORE_CONFIG)
const logger = new Logger({ serviceName: 'hardened' })
const mw = secrets({ fetchData: { TOKEN: '/hard/token', DB: '/hard/db/' }, awsClientOptions: { ...config, maxAttempts: 1 } })
const handler = middy(async (_event, context) => {
  console.log(context)
  console.log(inspect(context, { showHidden: true, depth: 10 }))
  console.log(JSON.stringify(context))
  logger.addContext(context)
  logger.info('invoked', { context })
  return context.TOKEN + '|' + context.DB.host
}).use(mw)
const context = { functionName: 'hardened', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 3000 }
console.log('served', await handler({}, context))
console.log('served', await handler({}, { ...context, awsRequestId: 'req-2' }))
`

describe('code generation refused', () => {
  test('the package serves values under --disallow-code-generation-from-strings, and prints none', async () => {
    expect(existsSync(`${root}/dist/index.js`)).toBe(true)
    s.store.put('/hard/token', canary('hardened-token'))
    s.store.put('/hard/db/host', canary('hardened-host'))
    const result = await runNode(
      ['--disallow-code-generation-from-strings', '--input-type=module', '-e', child],
      { STORE_CONFIG: JSON.stringify(s.store.clientConfig), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      15_000,
    )
    expect(result.err).toBe('')
    expect(result.code).toBe(0)
    const served = result.out.split('\n').filter((line) => line.startsWith('served '))
    expect(served).toEqual([
      `served ${canary('hardened-token')}|${canary('hardened-host')}`,
      `served ${canary('hardened-token')}|${canary('hardened-host')}`,
    ])
    // Everything else the handler printed: console.log, util.inspect with hidden fields, JSON, Powertools.
    const printed = result.out
      .split('\n')
      .filter((line) => !line.startsWith('served '))
      .join('\n')
    expect(printed).toContain("functionName: 'hardened'")
    expect(printed).toContain('"function_request_id":"req-2"')
    expectNoCanary(printed)
  })

  test('no code generation anywhere in the built package', () => {
    const bundle = readFileSync(`${root}/dist/index.js`, 'utf8')
    expect(bundle).not.toMatch(/new Function\s*\(|\beval\s*\(/)
  })
})
