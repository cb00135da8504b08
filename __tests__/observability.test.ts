import { inspect } from 'node:util'
import { Logger } from '@aws-lambda-powertools/logger'
import middy from '@middy/core'
import AWSXRay from 'aws-xray-sdk-core'
import { secrets } from '../src/index.js'
import { canary, expectNoCanary, lambdaContext, manualClock, runBefore, runNode, useStore } from './support/harness.js'

const s = useStore()

// The Powertools Logger writes debug and info to stdout, warnings and errors to stderr.
const captureOutput = async (run: () => Promise<void>): Promise<string> => {
  const streams = [process.stdout, process.stderr]
  const writes = streams.map((stream) => stream.write.bind(stream))
  let out = ''
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      out += String(chunk)
      return true
    }) as typeof stream.write
  }
  try {
    await run()
  } finally {
    streams.forEach((stream, i) => {
      stream.write = writes[i] as typeof stream.write
    })
  }
  return out
}

describe('observability', () => {
  test('the Powertools Logger takes the warnings as they are: structured, without values', async () => {
    s.store.put('/obs/token', canary('powertools'))
    const logger = new Logger({ serviceName: 'superman', logLevel: 'DEBUG' })
    const clock = manualClock()
    const mw = secrets({
      fetchData: { TOKEN: '/obs/token' },
      awsClientOptions: s.clientOptions,
      logger,
      clock,
      jitter: 0,
    })
    const out = await captureOutput(async () => {
      await runBefore(mw)
      s.store.fault({ kind: 'throttle' })
      clock.advance(300_000)
      await runBefore(mw)
    })
    const lines = out
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines.find((l) => l.event === 'degraded')).toMatchObject({
      level: 'WARN',
      service: 'superman',
      key: 'TOKEN',
      parameter: '/obs/token',
      rung: 'stale',
      reason: 'throttled',
    })
    expect(lines.some((l) => l.event === 'fetched' && l.level === 'DEBUG')).toBe(true)
    expectNoCanary(out)
  })

  test('the Powertools Logger given the context prints no value; the context still reads it', async () => {
    s.store.put('/obs/ctx-token', canary('powertools-context'))
    const logger = new Logger({ serviceName: 'superman' })
    const mw = secrets({ fetchData: { TOKEN: '/obs/ctx-token' }, awsClientOptions: s.clientOptions, logger })
    let read: unknown
    const out = await captureOutput(async () => {
      const { req } = await runBefore(mw)
      logger.addContext(req.context as never)
      logger.info('invoked', { context: req.context })
      logger.info('invoked', req.context as never)
      logger.appendKeys({ request: req })
      logger.warn('with the request')
      read = req.context.TOKEN
    })
    expect(read).toBe(canary('powertools-context'))
    expect(out).toContain('"function_request_id":"req-id"')
    expectNoCanary(out)
  })

  test('a handler printing its context prints no value (the issue: TWITTER_ACCESS_TOKEN in console.log and JSON)', async () => {
    s.store.put('/obs/twitter-token', canary('twitter'))
    const printed: string[] = []
    const handler = middy(async (_event: unknown, context: any) => {
      printed.push(inspect(context), JSON.stringify(context), inspect(context, { showHidden: true }))
      return context.TWITTER_ACCESS_TOKEN as string
    }).use(secrets({ fetchData: { TWITTER_ACCESS_TOKEN: '/obs/twitter-token' }, awsClientOptions: s.clientOptions }))
    expect(await handler({}, lambdaContext() as never)).toBe(canary('twitter'))
    expect(printed[0]).toContain("functionName: 'test-fn'")
    expect(printed[1]).toBe('{"functionName":"test-fn","awsRequestId":"req-id","callbackWaitsForEmptyEventLoop":true}')
    expectNoCanary(printed.join('\n'))
  })

  test('console is a logger as it is', async () => {
    s.store.put('/obs/console', 'v')
    const mw = secrets({ fetchData: { TOKEN: '/obs/console' }, awsClientOptions: s.clientOptions, logger: console })
    expect((await runBefore(mw)).req.context.TOKEN).toBe('v')
  })

  test("X-Ray's captureAWSv3Client wraps the client and the calls still go through", async () => {
    s.store.put('/obs/xray', 'traced')
    AWSXRay.setContextMissingStrategy('IGNORE_ERROR')
    const captured: unknown[] = []
    const mw = secrets({
      fetchData: { TOKEN: '/obs/xray' },
      awsClientOptions: s.clientOptions,
      awsClientCapture: (client: unknown) => {
        captured.push(client)
        return AWSXRay.captureAWSv3Client(client as Parameters<typeof AWSXRay.captureAWSv3Client>[0])
      },
    })
    expect((await runBefore(mw)).req.context.TOKEN).toBe('traced')
    expect(captured).toHaveLength(1)
    expect(s.store.calls.GetParameters).toBe(1)
  })

  test('credentials from awsClientOptions are the ones used (another account through fromTemporaryCredentials)', async () => {
    s.store.put('/obs/cross', 'shared')
    let asked = 0
    const mw = secrets({
      fetchData: { FLAGS: '/obs/cross' },
      awsClientOptions: {
        ...s.clientOptions,
        // What fromTemporaryCredentials returns: a provider the SDK calls for each signing.
        credentials: async () => {
          asked++
          return { accessKeyId: 'AKIDFAKECROSSACCOUNT', secretAccessKey: 'fake-cross-account-secret' }
        },
      },
    })
    expect((await runBefore(mw)).req.context.FLAGS).toBe('shared')
    expect(asked).toBeGreaterThan(0)
  })
})

describe('no warning of our making', () => {
  // In a child process: a warning goes to the real process's stderr, which Jest's sandbox does not show a listener.
  test("the longest fetchTimeout arms no timer past Node's longest (TimeoutOverflowWarning)", async () => {
    s.store.put('/obs/long', 'long-value')
    const script = `
      import { secrets } from './dist/index.js'
      const config = JSON.parse(process.env.STORE_CONFIG)
      const mw = secrets({ fetchData: { TOKEN: '/obs/long' }, awsClientOptions: config, fetchTimeout: 2 ** 31 - 1 })
      const request = { context: { getRemainingTimeInMillis: () => 3000 }, internal: {} }
      await mw.before(request)
      console.log('served', request.context.TOKEN)
    `
    const result = await runNode(['--input-type=module', '-e', script], {
      STORE_CONFIG: JSON.stringify(s.store.clientConfig),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    })
    expect(result.out).toContain('served long-value')
    expect(result.err).toBe('')
  })
})
