/**
 * Advice that follows what the failure says and what the store is set to do: Secrets Manager's IAM actions name
 * BatchGetSecretValue only with `secretsManager: { batch: true }`; credentials advice splits by what happened to
 * them (none found, expired, bad signature, unknown key); `invalid_request` says per store what to check, with "report
 * it to middy-secrets" only where the entry was checked at construction. End to end through the real SDK clients
 * against the local store where it can answer so, else per store through advice().
 */
import { readFileSync } from 'node:fs'
import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { advice } from '../src/advice.js'
import { REASONS, type Reason } from '../src/errors.js'
import { SecretsError, type Source, secrets } from '../src/index.js'
import { customKind } from '../src/sources/custom.js'
import { parseEntry } from '../src/sources/registry.js'
import {
  canary,
  everythingShown,
  expectNoCanary,
  manualClock,
  recordingLogger,
  runBefore,
  useStore,
} from './support/harness.js'
import { startScripted } from './support/scripted.js'

const s = useStore()
const vault = customKind('vault', { calls: 0, fetch: async () => {} })

const failure = async (options: Record<string, unknown>): Promise<SecretsError> => {
  const logger = recordingLogger()
  const mw = secrets({
    awsClientOptions: s.clientOptions,
    fallbackToEnv: false,
    clock: manualClock(),
    logger,
    ...options,
  } as never)
  try {
    await runBefore(mw)
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError)
    expectNoCanary(everythingShown(error) + JSON.stringify(logger.lines) + JSON.stringify(mw.stats()))
    return error as SecretsError
  }
  throw new Error('expected a SecretsError')
}

const ARN = /arn:aws:secretsmanager:[^ ]+/

describe("Secrets Manager's IAM actions follow secretsManager.batch", () => {
  test('the reported input: batch off (the default) names GetSecretValue only', async () => {
    s.store.putSecret('details/denied', canary('denied'))
    s.store.fault({ kind: 'access-denied', names: ['details/denied'] })
    const error = await failure({ fetchData: { S: 'secretsmanager:details/denied' } })
    const arn = error.failures.S?.resourceArn
    expect(arn).toMatch(ARN)
    expect(error.message).toMatch(
      new RegExp(`access_denied: allow the function's role to read ${arn} \\(secretsmanager:GetSecretValue\\)\\.$`),
    )
    expect(error.message).not.toContain('Batch')
  })

  test('batch on names BatchGetSecretValue too; a secret on another stage is never batched, so not for it', async () => {
    s.store.putSecret('details/batched', canary('batched'))
    s.store.fault({ kind: 'access-denied', names: ['details/batched'] })
    const error = await failure({
      fetchData: {
        S: 'secretsmanager:details/batched',
        P: { name: 'secretsmanager:details/batched', versionStage: 'AWSPREVIOUS' },
      },
      secretsManager: { batch: true },
    })
    expect(error.reasons).toEqual({ S: 'access_denied', P: 'access_denied' })
    expect(error.message).toContain(
      '(secretsmanager:GetSecretValue, and secretsmanager:BatchGetSecretValue for secretsManager.batch).',
    )
    expect(error.message).toMatch(
      /access_denied: allow the function's role to read \S+ \(secretsmanager:GetSecretValue\)\./,
    )
  })

  test.each([
    [false, 'secretsmanager:GetSecretValue'],
    [true, 'secretsmanager:GetSecretValue, and secretsmanager:BatchGetSecretValue for secretsManager.batch'],
  ])('advice() for batch %s', (batch, actions) => {
    const ref = parseEntry('secretsmanager:prod/db', {}, [], { secretsmanager: { batch } })
    expect(advice({ reason: 'access_denied' }, ref)).toBe(
      `allow the function's role to read it in Secrets Manager (${actions})`,
    )
  })
})

describe('credentials advice by what happened to them', () => {
  const cases: [string, string][] = [
    [
      'CredentialsProviderError',
      "the Secrets Manager client found no credentials: on Lambda the function's role gives them, elsewhere a profile or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; or set awsClientOptions.credentials or secretsManager.awsClientOptions.credentials",
    ],
    [
      'TokenProviderError',
      "the Secrets Manager client found no credentials: on Lambda the function's role gives them, elsewhere a profile or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; or set awsClientOptions.credentials or secretsManager.awsClientOptions.credentials",
    ],
    [
      'ExpiredTokenException',
      'Secrets Manager refused expired session credentials: give awsClientOptions.credentials or secretsManager.awsClientOptions.credentials a provider that refreshes them (fromTemporaryCredentials, fromNodeProviderChain) rather than a fixed session',
    ],
    [
      'SignatureDoesNotMatch',
      "Secrets Manager refused the request's signature: check the secret access key in awsClientOptions.credentials or secretsManager.awsClientOptions.credentials (or the environment) and the machine's clock",
    ],
    [
      'InvalidClientTokenId',
      'Secrets Manager does not know the access key: check awsClientOptions.credentials or secretsManager.awsClientOptions.credentials (or the environment) holds a live key of this AWS partition, with its session token if it is temporary',
    ],
    [
      'MissingAuthenticationTokenException',
      'give the Secrets Manager client valid credentials: the function role, or awsClientOptions.credentials or secretsManager.awsClientOptions.credentials (expired session, unknown key or clock skew)',
    ],
  ]
  test.each(cases)('%s', (errorName, text) => {
    expect(advice({ reason: 'credentials', errorName }, parseEntry('secretsmanager:prod/db', {}))).toBe(text)
  })

  test('no credentials found never speaks of expiry or clock skew, for every AWS store', () => {
    for (const entry of ['/app/x', 'secretsmanager:prod/db', 'appconfig:a/b/c', 'dynamodb:tbl/x']) {
      const text = advice({ reason: 'credentials', errorName: 'CredentialsProviderError' }, parseEntry(entry, {}))
      expect(text).toContain('found no credentials')
      expect(text).not.toMatch(/expired|clock|unknown key/)
    }
  })

  test("a user's store: its own words, whatever the error's name", () => {
    const ref = parseEntry('vault:x', {}, [vault])
    expect(advice({ reason: 'credentials', errorName: 'CredentialsProviderError' }, ref)).toBe(
      'give the vault store valid credentials',
    )
  })
})

describe('invalid_request: what to check, per store', () => {
  test('a secret scheduled for deletion (GetSecretValue and BatchGetSecretValue) is not_found, with restore advice', async () => {
    s.store.putSecret('details/deleted', canary('deleted'))
    const client = new SecretsManagerClient(s.clientOptions)
    await client.send(new DeleteSecretCommand({ SecretId: 'details/deleted', RecoveryWindowInDays: 7 }))
    client.destroy()
    for (const batch of [false, true]) {
      const error = await failure({ fetchData: { S: 'secretsmanager:details/deleted' }, secretsManager: { batch } })
      expect(error.failures.S).toMatchObject({
        reason: 'not_found',
        errorName: 'InvalidRequestException',
        detail: 'scheduled for deletion',
      })
      expect(error.message).toMatch(
        /^middy-secrets: no value for S \(secretsmanager:details\/deleted: not_found\) \[scheduled for deletion, InvalidRequestException[^\]]*\]\. not_found: the secret is scheduled for deletion: restore it \(RestoreSecret\) in Secrets Manager, or mark the key required: false\.$/,
      )
    }
  })

  test.each([
    [
      '/app/x',
      'ValidationException',
      'Parameter Store refused the request itself (HTTP 4xx): check the entry (its name, version or label) and that @aws-sdk/client-ssm is 3.910 or later; if both are right, report it to middy-secrets with the error name and request id',
    ],
    [
      'secretsmanager:prod/db',
      'InvalidParameterException',
      'Secrets Manager refused the request itself (HTTP 4xx): check the entry; if it is right, report it to middy-secrets with the error name and request id',
    ],
    [
      'appconfig:shop/prod/flags',
      'BadRequestException',
      'AppConfig refused the request itself (HTTP 4xx): check the entry (application, environment and configuration profile, by name or id); if it is right, report it to middy-secrets with the error name and request id',
    ],
    [
      'dynamodb:config/app',
      'ValidationException',
      'DynamoDB refused the request itself (HTTP 4xx): the entry does not fit the key schema of the table config (aws dynamodb describe-table --table-name config): keyAttr must be its partition key (default id), of type string (S); an item entry reads a table keyed by the partition key alone: with a sort key, read the partition, dynamodb:config/app/',
    ],
    [
      'dynamodb:config/app/',
      'ValidationException',
      'DynamoDB refused the request itself (HTTP 4xx): the entry does not fit the key schema of the table config (aws dynamodb describe-table --table-name config): keyAttr must be its partition key (default id), of type string (S)',
    ],
  ])('%s %s', (entry, errorName, text) => {
    expect(advice({ reason: 'invalid_request', errorName, httpStatus: 400 }, parseEntry(entry, {}))).toBe(text)
  })

  test('a secret with a versionStage: its stage is among what to check', () => {
    const ref = parseEntry('secretsmanager:prod/db', { versionStage: 'AWSPREVIOUS' })
    expect(advice({ reason: 'invalid_request', errorName: 'InvalidParameterException' }, ref)).toContain(
      'check the entry and its versionStage; if they are right,',
    )
  })

  test("a user's store keeps its own words", () => {
    expect(advice({ reason: 'invalid_request' }, parseEntry('vault:x', {}, [vault]))).toBe(
      "the vault store refused the request: check what follows 'vault:'",
    )
  })
})

describe('invalid_response: the endpoint is blamed only when the answer itself was wrong', () => {
  const reasons: Reason[] = ['invalid_response']
  test.each(['/app/x', 'secretsmanager:prod/db', 'appconfig:a/b/c', 'dynamodb:tbl/x'])('%s', (entry) => {
    for (const reason of reasons) {
      expect(advice({ reason }, parseEntry(entry, {}))).toContain('check awsClientOptions.endpoint')
      const data = advice({ reason, detail: "the item's value attribute 'value' is a map (M)" }, parseEntry(entry, {}))
      expect(data).not.toContain('endpoint')
      expect(data).toContain('change what is stored, as the details say')
    }
  })

  test("a user's store's own wrong-shaped answer still says to check its source", async () => {
    const bad: Source = {
      calls: 0,
      fetch: async (refs, _signal, out) => {
        for (const ref of refs) out.set(ref.id, { ok: true, raw: 5 as never })
      },
    }
    const error = await failure({ fetchData: { V: 'vault:x' }, stores: { vault: bad } })
    expect(error.message).toBe(
      "middy-secrets: no value for V (vault:x: invalid_response) [the vault store answered a value that is not a string]. invalid_response: the vault store answered something that is not a value of the entry's shape (a string; for an entry ending in / an object of strings): check its source.",
    )
  })
})

test("the README's reasons table has a row for every reason", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  for (const reason of Object.keys(REASONS)) expect(readme).toMatch(new RegExp(`^\\| \`${reason}\` +\\|`, 'm'))
})

describe('a client that cannot be made is client_config, not a missing package', () => {
  class Refusing {
    constructor() {
      throw new TypeError('the client refuses to be made')
    }
  }
  test.each([
    ['Parameter Store', { fetchData: { K: '/details/x' }, AwsClient: Refusing }],
    ['Secrets Manager', { fetchData: { K: 'secretsmanager:details/x' }, secretsManager: { AwsClient: Refusing } }],
    ['AppConfig', { fetchData: { K: 'appconfig:a/b/c' }, appConfig: { AwsClient: Refusing } }],
    ['DynamoDB', { fetchData: { K: 'dynamodb:tbl/x' }, dynamodb: { AwsClient: Refusing } }],
  ])('%s: an AwsClient that throws', async (title, options) => {
    const error = await failure(options)
    expect(error.failures.K).toEqual({
      reason: 'client_config',
      detail: `the ${title} client could not be made (its AwsClient or awsClientCapture threw)`,
      errorName: 'TypeError',
    })
    expect(error.message).not.toContain('could not be loaded')
    expect(error.message).toContain(
      `client_config: the ${title} client could not be set up: fix what the details name.`,
    )
    expect(error.message).not.toContain('region')
  })

  test('an awsClientCapture that throws, for every store the map names', async () => {
    const error = await failure({
      fetchData: { P: '/details/x', S: 'secretsmanager:details/x' },
      awsClientCapture: () => {
        throw new Error(canary('capture'))
      },
    })
    expect(error.reasons).toEqual({ P: 'client_config', S: 'client_config' })
    expect(error.failures.S?.detail).toBe(
      'the Secrets Manager client could not be made (its AwsClient or awsClientCapture threw)',
    )
  })
})

describe('BatchGetSecretValue error entries: the store answering about one secret, never a network fault', () => {
  test.each([
    ['InvalidRequestException', 'invalid_request'],
    ['InvalidParameterException', 'invalid_request'],
    ['InternalServiceError', 'store_error'],
    ['ResourceNotFoundException', 'not_found'],
    ['DecryptionFailure', 'kms_denied'],
  ])('%s → %s', async (ErrorCode, reason) => {
    const endpoint = await startScripted((request) =>
      request.operation === 'BatchGetSecretValue'
        ? { SecretValues: [], Errors: [{ SecretId: 'details/x', ErrorCode, Message: canary('message') }] }
        : {},
    )
    try {
      const error = await failure({
        fetchData: { S: 'secretsmanager:details/x' },
        awsClientOptions: endpoint.clientOptions,
        secretsManager: { batch: true },
      })
      expect(error.failures.S).toEqual({ reason, errorName: ErrorCode })
    } finally {
      await endpoint.close()
    }
  })
})
