/**
 * Advice fits the store a failure came from: AWS words (IAM actions, KMS, AWS Health, the service's name) only for
 * the AWS stores, each with its own service and IAM actions; a user's store (`stores: { vault }`) gets advice
 * about that store and names no AWS service. Every reason × every store, then end to end through real stores.
 */
import { advice } from '../src/advice.js'
import { REASONS as ALL_REASONS, type FailureInfo, type Reason } from '../src/errors.js'
import { SecretsError, type Source, secrets } from '../src/index.js'
import { customKind } from '../src/sources/custom.js'
import { parseEntry } from '../src/sources/registry.js'
import { useDynalite } from './support/dynalite.js'
import { manualClock, recordingLogger, runBefore, useStore } from './support/harness.js'
import { closedPort } from './support/scripted.js'

// Every reason, sdk_missing included: the one list the package keeps.
const REASONS = Object.keys(ALL_REASONS) as Reason[]
// About the value or the map: the same words whatever the store.
const STORE_FREE: ReadonlySet<Reason> = new Set(['transform_failed', 'key_collision'])

const vault = customKind('vault', { calls: 0, fetch: async () => {} })
const refOf = (entry: string) => parseEntry(entry, {}, [vault])

// How each AWS store is named in advice, and the IAM actions that read each kind of its entries.
const AWS = [
  { entry: '/app/db-url', title: 'Parameter Store', iam: 'ssm:', actions: 'ssm:GetParameters', not: 'ByPath' },
  { entry: '/app/db/', title: 'Parameter Store', iam: 'ssm:', actions: 'ssm:GetParametersByPath', not: undefined },
  {
    entry: 'secretsmanager:prod/db',
    title: 'Secrets Manager',
    iam: 'secretsmanager:',
    actions: 'secretsmanager:GetSecretValue',
    not: undefined,
  },
  {
    entry: 'appconfig:shop/prod/flags',
    title: 'AppConfig',
    iam: 'appconfig:',
    actions: 'appconfig:StartConfigurationSession and appconfig:GetLatestConfiguration',
    not: undefined,
  },
  { entry: 'dynamodb:config/app', title: 'DynamoDB', iam: 'dynamodb:', actions: 'dynamodb:BatchGetItem', not: 'Query' },
  { entry: 'dynamodb:config/db/', title: 'DynamoDB', iam: 'dynamodb:', actions: 'dynamodb:Query', not: 'BatchGetItem' },
] as const
const SERVICES = ['Parameter Store', 'Secrets Manager', 'AppConfig', 'DynamoDB'] as const
const IAM = ['ssm:', 'secretsmanager:', 'appconfig:', 'dynamodb:'] as const
const NO_AWS =
  /AWS|IAM|KMS|kms:|role|Health|ssm|secretsmanager|appconfig|dynamodb|Parameter Store|Secrets Manager|DynamoDB/i
const SECRET_IN_ENV = /environment variable/

const table = AWS.flatMap((store) => REASONS.map((reason) => [store.entry, reason, store] as const))

describe('every reason × every AWS store: its own service, never another', () => {
  test.each(table)('%s %s', (entry, reason, store) => {
    const text = advice({ reason }, refOf(entry))
    for (const other of SERVICES) if (other !== store.title) expect(text).not.toContain(other)
    for (const other of IAM) if (other !== store.iam) expect(text).not.toContain(other)
    expect(text).not.toMatch(SECRET_IN_ENV)
    if (!STORE_FREE.has(reason)) expect(text).toContain(store.title)
    if (reason === 'access_denied') expect(text).toContain(`(${store.actions})`)
    if (store.not !== undefined) expect(text).not.toContain(store.not)
    if (reason === 'store_error') expect(text).toContain('AWS Health')
  })

  test.each(AWS.map((store) => [store.entry, store] as const))(
    '%s: the ARN and host AWS names are in the advice, still of its own service',
    (entry, store) => {
      const arn = 'arn:aws:iam::123456789012:resource/denied'
      const denied = advice({ reason: 'access_denied', resourceArn: arn }, refOf(entry))
      expect(denied).toBe(`allow the function's role to read ${arn} (${store.actions})`)
      expect(advice({ reason: 'kms_denied', resourceArn: arn }, refOf(entry))).toBe(
        `allow the function's role kms:Decrypt on ${arn}, and check the key is enabled`,
      )
      expect(advice({ reason: 'unreachable', host: 'h.example:443' }, refOf(entry))).toContain(
        'check the network path to h.example:443 (a VPC endpoint for',
      )
    },
  )
})

describe("every reason for a user's store: about that store, no AWS service", () => {
  test.each(REASONS)('vault:bots/token %s', (reason) => {
    const failure: FailureInfo = { reason, host: reason === 'unreachable' ? 'vault.internal:8200' : undefined }
    const text = advice(failure, refOf('vault:bots/token'))
    expect(text).not.toMatch(NO_AWS)
    expect(text).not.toMatch(SECRET_IN_ENV)
    if (!STORE_FREE.has(reason) && reason !== 'unreachable') expect(text).toContain('the vault store')
  })

  test('a path entry of a user store too', () => {
    for (const reason of REASONS) expect(advice({ reason }, refOf('vault:bots/'))).not.toMatch(NO_AWS)
  })
})

describe('the exact advice, per store', () => {
  test.each([
    [
      '/app/db-url',
      'not_found',
      'create the parameter or fix its name, version or label in Parameter Store, or mark the key required: false',
    ],
    [
      '/app/db/',
      'not_found',
      'create parameters under the path or fix it in Parameter Store, or mark the key required: false',
    ],
    [
      'secretsmanager:prod/db',
      'client_config',
      'configure the Secrets Manager client: a region (awsClientOptions.region or secretsManager.awsClientOptions.region, or AWS_REGION) and, if set, a valid endpoint',
    ],
    [
      'dynamodb:config/app',
      'throttled',
      "the account is over the DynamoDB quota: raise the table's read capacity (or make it on-demand), lengthen cacheExpiry or share one instance",
    ],
    [
      'appconfig:shop/prod/flags',
      'invalid_response',
      'the endpoint answered something that is not a valid AppConfig response: check awsClientOptions.endpoint or appConfig.awsClientOptions.endpoint',
    ],
    [
      '/aws/reference/secretsmanager/prod/db',
      'access_denied',
      "allow the function's role to read it in Parameter Store (ssm:GetParameters, and secretsmanager:GetSecretValue on the secret)",
    ],
    [
      'vault:bots/token',
      'store_error',
      'the vault store failed (its fetch threw, or it answered store_error or a reason this package does not have); it is retried with backoff: check that store',
    ],
    [
      'vault:bots/token',
      'not_found',
      "create it in the vault store or fix what follows 'vault:', or mark the key required: false",
    ],
  ] as const)('%s %s', (entry, reason, text) => {
    expect(advice({ reason }, refOf(entry))).toBe(text)
  })
})

describe('end to end: the error names the advice of the store that failed', () => {
  const s = useStore()
  const d = useDynalite()

  const failure = async (options: Record<string, unknown>): Promise<SecretsError> => {
    const mw = secrets({
      awsClientOptions: s.clientOptions,
      fallbackToEnv: false,
      clock: manualClock(),
      logger: recordingLogger(),
      ...options,
    } as never)
    try {
      await runBefore(mw)
    } catch (error) {
      expect(error).toBeInstanceOf(SecretsError)
      return error as SecretsError
    }
    throw new Error('expected a SecretsError')
  }

  test("the reported input: a user's store whose fetch throws gets store_error advice without AWS Health", async () => {
    class VaultDown extends Error {
      override name = 'VaultDown'
    }
    const thrower: Source = {
      calls: 0,
      fetch: async () => {
        throw new VaultDown('the vault is sealed')
      },
    }
    const error = await failure({ fetchData: { K: 'vault:bots/token' }, stores: { vault: thrower } })
    expect(error.message).toBe(
      'middy-secrets: no value for K (vault:bots/token: store_error) [VaultDown]. store_error: the vault store failed (its fetch threw, or it answered store_error or a reason this package does not have); it is retried with backoff: check that store.',
    )
    expect(error.message).not.toMatch(NO_AWS)
  })

  test('one error, two stores failing alike: each store its own advice', async () => {
    s.store.fault({ kind: 'server-error' })
    const thrower: Source = { calls: 0, fetch: async () => Promise.reject(new Error('down')) }
    const error = await failure({
      fetchData: { P: '/advice/p', S: 'secretsmanager:advice/s', V: 'vault:v' },
      stores: { vault: thrower },
      awsClientOptions: { ...s.clientOptions, maxAttempts: 1 },
    })
    expect(error.reasons).toEqual({ P: 'store_error', S: 'store_error', V: 'store_error' })
    expect(error.message).toContain(
      'store_error: Parameter Store failed inside (HTTP 5xx); it is retried with backoff, check AWS Health if it lasts. ',
    )
    expect(error.message).toContain(
      'store_error: Secrets Manager failed inside (HTTP 5xx); it is retried with backoff, check AWS Health if it lasts. ',
    )
    expect(error.message).toMatch(
      /store_error: the vault store failed \(its fetch threw, or it answered store_error or a reason this package does not have\); it is retried with backoff: check that store\.$/,
    )
  })

  test('Secrets Manager denied: its own IAM action, not Parameter Store’s', async () => {
    s.store.putSecret('advice/denied', 'x')
    s.store.fault({ kind: 'access-denied', names: ['advice/denied'] })
    const error = await failure({ fetchData: { S: 'secretsmanager:advice/denied' } })
    expect(error.reasons).toEqual({ S: 'access_denied' })
    expect(error.message).toMatch(
      /access_denied: allow the function's role to read \S+ \(secretsmanager:GetSecretValue\)\./,
    )
    expect(error.message).not.toContain('ssm:')
  })

  test('AppConfig not found: in AppConfig, naming the application, environment and profile', async () => {
    const error = await failure({ fetchData: { F: 'appconfig:advice/prod/none' } })
    expect(error.reasons).toEqual({ F: 'not_found' })
    expect(error.message).toContain(
      'not_found: create the application, environment and configuration profile (and deploy a configuration) or fix their names in AppConfig, or mark the key required: false.',
    )
  })

  test('DynamoDB unreachable: its VPC endpoint and its own client option', async () => {
    const port = await closedPort()
    const error = await failure({
      fetchData: { D: 'dynamodb:config/app' },
      dynamodb: { awsClientOptions: { ...d.db.clientOptions, endpoint: `http://127.0.0.1:${port}` } },
    })
    expect(error.reasons).toEqual({ D: 'unreachable' })
    expect(error.message).toContain(
      `unreachable: check the network path to 127.0.0.1:${port} (a VPC endpoint for dynamodb or NAT, security groups, DNS) and awsClientOptions.endpoint or dynamodb.awsClientOptions.endpoint.`,
    )
  })
})
