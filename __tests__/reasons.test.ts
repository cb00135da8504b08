/**
 * A reason per thing the user would do differently (DESIGN §2, last bullet), end to end: the real SDK client
 * against a real endpoint (the emulator, or a scripted one for answers the emulator has no fault for), the
 * reason and the safe details on the SecretsError, in the `unavailable` log event and in stats(), the advice
 * fitting the reason — and no canary planted in a body or message anywhere in any of it.
 */
import { inspect } from 'node:util'
import { SecretsError, secrets } from '../src/index.js'
import {
  CANARY,
  canary,
  everythingShown,
  expectNoCanary,
  recordingLogger,
  runBefore,
  useStore,
} from './support/harness.js'
import { closedPort, type Reply, startReplying } from './support/scripted.js'

const s = useStore()
let scripted: Awaited<ReturnType<typeof startReplying>>
beforeAll(async () => {
  scripted = await startReplying()
})
afterAll(async () => {
  await scripted.close()
})

const CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' }
const ENV_NAMES = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
]
const saved = new Map(ENV_NAMES.map((name) => [name, process.env[name]]))
afterEach(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
})

/** Runs one invocation that must fail; returns the error, the logger, and stats. */
const failOnce = async (
  awsClientOptions: Record<string, unknown>,
  fetchData: Record<string, unknown> = { TOKEN: '/r/token' },
) => {
  const logger = recordingLogger()
  const mw = secrets({
    fetchData: fetchData as Record<string, string>,
    awsClientOptions: { maxAttempts: 1, ...awsClientOptions },
    fallbackToEnv: false,
    fetchTimeout: 1_000,
    logger,
  })
  const error = await runBefore(mw).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SecretsError)
  const e = error as SecretsError
  const event = logger.lines.find((l) => l.event.event === 'unavailable')?.event
  const stats = mw.stats()
  // Nothing planted in a response may come out through any of them.
  expectNoCanary(
    [
      everythingShown(e),
      inspect(e, { showHidden: true, depth: 10 }),
      JSON.stringify(logger.lines),
      JSON.stringify(stats),
    ].join('\n'),
  )
  return { error: e, event, stats, logger }
}

const scriptedClient = () => ({ endpoint: scripted.endpoint, region: 'us-east-1', credentials: CREDENTIALS })
const awsError = (status: number, type: string, message = `refused ${canary('message')}`): Reply => ({
  status,
  body: JSON.stringify({ __type: type, message }),
})

const SECRET_ADVICE = /set an environment variable|environment variable of the same name/

describe('one reason per thing to do differently: the issue inputs', () => {
  test('no region configured → client_config (was unreachable)', async () => {
    delete process.env.AWS_REGION
    delete process.env.AWS_DEFAULT_REGION
    process.env.AWS_CONFIG_FILE = '/nonexistent/config'
    const { error, event, stats } = await failOnce({
      endpoint: s.store.clientConfig.endpoint,
      credentials: CREDENTIALS,
    })
    expect(error.reasons).toEqual({ TOKEN: 'client_config' })
    expect(error.failures).toEqual({ TOKEN: { reason: 'client_config', errorName: 'Error' } })
    expect(error.message).toBe(
      'middy-secrets: no value for TOKEN (/r/token: client_config). client_config: configure the Parameter Store client: a region (awsClientOptions.region, or AWS_REGION) and, if set, a valid endpoint.',
    )
    expect(event).toEqual({
      event: 'unavailable',
      keys: ['TOKEN'],
      parameters: ['/r/token'],
      reasons: { TOKEN: 'client_config' },
      failures: { TOKEN: { reason: 'client_config', errorName: 'Error' } },
    })
    expect(stats.keys.TOKEN).toMatchObject({ reason: 'client_config', failure: { reason: 'client_config' } })
  })

  test('no credentials → credentials (was unreachable)', async () => {
    for (const name of ENV_NAMES) delete process.env[name]
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/credentials'
    process.env.AWS_CONFIG_FILE = '/nonexistent/config'
    const { error } = await failOnce({ endpoint: s.store.clientConfig.endpoint, region: 'us-east-1' })
    expect(error.failures.TOKEN).toEqual({ reason: 'credentials', errorName: 'CredentialsProviderError' })
    // No credentials at all: not an expired session, an unknown key or clock skew.
    expect(error.message).toBe(
      "middy-secrets: no value for TOKEN (/r/token: credentials) [CredentialsProviderError]. credentials: the Parameter Store client found no credentials: on Lambda the function's role gives them, elsewhere a profile or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; or set awsClientOptions.credentials.",
    )
  })

  test('nothing listening → unreachable with the host and ECONNREFUSED', async () => {
    const port = await closedPort()
    const { error, event } = await failOnce({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: CREDENTIALS,
    })
    const failure = { reason: 'unreachable', errorName: 'Error', errorCode: 'ECONNREFUSED', host: `127.0.0.1:${port}` }
    expect(error.failures.TOKEN).toEqual(failure)
    expect(event?.failures).toEqual({ TOKEN: failure })
    expect(error.message).toBe(
      `middy-secrets: no value for TOKEN (/r/token: unreachable) [ECONNREFUSED, host 127.0.0.1:${port}]. unreachable: check the network path to 127.0.0.1:${port} (a VPC endpoint for ssm or NAT, security groups, DNS) and awsClientOptions.endpoint.`,
    )
  })

  // The advice for credentials follows what happened to them (by the error's name): expired, a bad signature, an
  // unknown key — never "no credentials" for credentials the store turned down, nor the reverse.
  const EXPIRED =
    'Parameter Store refused expired session credentials: give awsClientOptions.credentials a provider that refreshes them (fromTemporaryCredentials, fromNodeProviderChain) rather than a fixed session'
  const SIGNATURE =
    "Parameter Store refused the request's signature: check the secret access key in awsClientOptions.credentials (or the environment) and the machine's clock"
  const UNKNOWN_KEY =
    'Parameter Store does not know the access key: check awsClientOptions.credentials (or the environment) holds a live key of this AWS partition, with its session token if it is temporary'
  test.each([
    ['ExpiredTokenException', 'credentials', EXPIRED],
    ['InvalidSignatureException', 'credentials', SIGNATURE],
    ['UnrecognizedClientException', 'credentials', UNKNOWN_KEY],
    ['IncompleteSignature', 'credentials', SIGNATURE],
    [
      'ValidationException',
      'invalid_request',
      'Parameter Store refused the request itself (HTTP 4xx): check the entry (its name, version or label) and that @aws-sdk/client-ssm is 3.910 or later; if both are right, report it to middy-secrets with the error name and request id',
    ],
  ])('HTTP 400 %s → %s (was store_error, "5xx")', async (type, reason, advice) => {
    scripted.reply = awsError(400, type)
    const { error, event, stats } = await failOnce(scriptedClient())
    const failure = { reason, errorName: type, httpStatus: 400, requestId: 'scripted-request-1' }
    expect(error.failures.TOKEN).toEqual(failure)
    expect(event?.failures).toEqual({ TOKEN: failure })
    expect(stats.keys.TOKEN?.failure).toEqual(failure)
    expect(error.message).toBe(
      `middy-secrets: no value for TOKEN (/r/token: ${reason}) [${type}, HTTP 400, request id scripted-request-1]. ${reason}: ${advice}.`,
    )
  })

  test('HTTP 429 without a body → throttled (was store_error)', async () => {
    scripted.reply = { status: 429, body: '' }
    const { error } = await failOnce(scriptedClient())
    expect(error.failures.TOKEN).toEqual({
      reason: 'throttled',
      errorName: 'Unknown',
      httpStatus: 429,
      requestId: 'scripted-request-1',
    })
  })

  test('a 200 with the wrong shape → invalid_response (was unreachable)', async () => {
    scripted.reply = { status: 200, body: JSON.stringify({ Parameters: 5, Note: canary('shape') }) }
    const { error } = await failOnce(scriptedClient())
    expect(error.reasons).toEqual({ TOKEN: 'invalid_response' })
    expect(error.message).toContain(
      'invalid_response: the endpoint answered something that is not a valid Parameter Store response',
    )
  })
})

describe('the rest of the kind', () => {
  test('HTTP 503 without a body → store_error; 500 with an HTML page → store_error, never its text', async () => {
    scripted.reply = { status: 503, body: '' }
    expect((await failOnce(scriptedClient())).error.failures.TOKEN).toMatchObject({
      reason: 'store_error',
      httpStatus: 503,
    })
    scripted.reply = { status: 500, body: `<html>${canary('html')}</html>` }
    expect((await failOnce(scriptedClient())).error.failures.TOKEN).toMatchObject({
      reason: 'store_error',
      httpStatus: 500,
    })
  })

  test('ThrottlingException (HTTP 400 with a body) → throttled', async () => {
    scripted.reply = awsError(400, 'ThrottlingException', 'Rate exceeded')
    expect((await failOnce(scriptedClient())).error.reasons).toEqual({ TOKEN: 'throttled' })
  })

  test('a DNS name that does not resolve → unreachable naming the host', async () => {
    const { error } = await failOnce({
      endpoint: 'http://ssm.nowhere.invalid',
      region: 'us-east-1',
      credentials: CREDENTIALS,
    })
    expect(error.failures.TOKEN).toMatchObject({ reason: 'unreachable', host: 'ssm.nowhere.invalid' })
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(error.failures.TOKEN?.errorCode)
  })

  test('access denied → the ARN AWS names, and advice about the role', async () => {
    s.store.fault({ kind: 'access-denied', names: ['/r/denied'] })
    const { error } = await failOnce({ ...s.store.clientConfig }, { TOKEN: '/r/denied' })
    const arn = 'arn:aws:ssm:us-east-1:123456789012:parameter/r/denied'
    expect(error.failures.TOKEN).toMatchObject({
      reason: 'access_denied',
      errorName: 'AccessDeniedException',
      resourceArn: arn,
    })
    expect(error.message).toContain(`access_denied: allow the function's role to read ${arn}`)
  })

  test('KMS refuses → kms_denied with the key ARN', async () => {
    s.store.put('/r/kms', canary('kms'), { type: 'SecureString' })
    s.store.fault({ kind: 'kms-denied', names: ['/r/kms'] })
    const { error } = await failOnce({ ...s.store.clientConfig }, { TOKEN: '/r/kms' })
    expect(error.failures.TOKEN).toMatchObject({
      reason: 'kms_denied',
      resourceArn: 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-00000000c0de',
    })
    expect(error.message).toContain('kms:Decrypt on arn:aws:kms:')
  })

  test('not found, and a transform: advice of their own, never the role', async () => {
    s.store.put('/r/json', `{${canary('json')}`)
    const { error } = await failOnce(
      { ...s.store.clientConfig },
      {
        GONE: '/r/never-created',
        JSON: { name: '/r/json', transform: 'json' },
      },
    )
    expect(error.reasons).toEqual({ GONE: 'not_found', JSON: 'transform_failed' })
    expect(error.message).toContain(
      'not_found: create the parameter or fix its name, version or label in Parameter Store, or mark the key required: false',
    )
    expect(error.message).toContain("transform_failed: the stored value does not parse as the key's transform")
  })

  test('no message suggests a plain environment variable, and the advice follows the reason', async () => {
    const messages: [string, string][] = []
    for (const [type, status] of [
      ['ExpiredTokenException', 400],
      ['ValidationException', 400],
      ['InternalServerError', 500],
    ] as const) {
      scripted.reply = awsError(status, type)
      const { error } = await failOnce(scriptedClient())
      messages.push([error.reasons.TOKEN as string, error.message])
    }
    for (const [reason, message] of messages) {
      expect(message).not.toMatch(SECRET_ADVICE)
      if (reason !== 'access_denied') expect(message).not.toContain("function's role may read")
    }
    expect(messages.map(([reason]) => reason)).toEqual(['credentials', 'invalid_request', 'store_error'])
  })

  test('the canaries were in the responses, to leak', () => {
    expect(canary('message')).toContain(CANARY)
  })
})
