/**
 * Mistakes a new user makes, refused at once with a message that names the key or option and says what to write:
 * `invalidate()` given something other than an array of keys; a Secrets Manager entry ending in / and a Parameter
 * Store path with a selector (both used to end as a bare not_found); a transform, a store prefix or an option
 * close to a known one, or another library's option. Never a value in any message.
 */
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { createSecrets, SecretsError, type Source, secrets } from '../src/index.js'
import { CANARY, canary, runBefore, useStore } from './support/harness.js'

const s = useStore()

/** The INVALID_OPTIONS message `make` throws with. */
const refusal = (make: () => unknown): string => {
  try {
    make()
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError)
    expect((error as SecretsError).code).toBe('INVALID_OPTIONS')
    return (error as Error).message
  }
  throw new Error('accepted')
}
const refused = (options: Record<string, unknown>) =>
  refusal(() => secrets({ disablePrefetch: true, ...options } as never))

describe('invalidate() takes an array of keys of the map', () => {
  const TAKES = 'middy-secrets: invalidate() takes an array of fetchData keys, or nothing for every key; got'
  const instances = () => {
    const options = { fetchData: { A: '/hints/a', DB_PASSWORD: '/hints/db' }, disablePrefetch: true } as const
    return [
      ['middleware', secrets(options)],
      ['createSecrets', createSecrets(options)],
    ] as const
  }

  test("the reported input: invalidate('A') names what was expected, and how to write it", () => {
    for (const [, instance] of instances()) {
      expect(refusal(() => instance.invalidate('A' as never))).toBe(`${TAKES} a string: write invalidate(['A'])`)
    }
  })

  test("an unknown key gets the key meant: ['a'] → 'A'", () => {
    for (const [, instance] of instances()) {
      let error: unknown
      try {
        instance.invalidate(['a'] as never)
      } catch (caught) {
        error = caught
      }
      expect((error as SecretsError).message).toBe(
        "middy-secrets: invalidate() got an unknown key 'a' (did you mean 'A'?)",
      )
      expect((error as SecretsError).keys).toEqual(['a'])
      expect(refusal(() => instance.invalidate(['db_pasword'] as never))).toBe(
        "middy-secrets: invalidate() got an unknown key 'db_pasword' (did you mean 'DB_PASSWORD'?)",
      )
      expect(refusal(() => instance.invalidate(['nothing-like-it'] as never))).toBe(
        "middy-secrets: invalidate() got an unknown key 'nothing-like-it'",
      )
    }
  })

  test.each([
    ['a', `${TAKES} a string: write invalidate(['A'])`],
    [canary('a value, not a key'), `${TAKES} a string`],
    [5, `${TAKES} a number`],
    [null, `${TAKES} null`],
    [true, `${TAKES} a boolean`],
    [{ A: true }, `${TAKES} an object`],
    [new Set(['A']), `${TAKES} a Set`],
    [() => ['A'], `${TAKES} a function`],
    [[5], 'middy-secrets: invalidate() got a number among its keys: each is a key of fetchData, a string'],
    [['A', null], 'middy-secrets: invalidate() got null among its keys: each is a key of fetchData, a string'],
  ])('invalidate(%p)', (argument, message) => {
    for (const [name, instance] of instances()) {
      const text = refusal(() => instance.invalidate(argument as never))
      expect([name, text]).toEqual([name, message])
      expect(text).not.toContain(CANARY)
    }
  })

  test('an argument that throws when read is INVALID_OPTIONS too, never a raw TypeError', () => {
    const { proxy, revoke } = Proxy.revocable([], {})
    revoke()
    for (const [, instance] of instances()) {
      expect(refusal(() => instance.invalidate(proxy as never))).toBe(
        'middy-secrets: invalidate() could not read its argument (a getter or Proxy threw)',
      )
    }
  })

  test('an array of keys, and nothing at all, still work: the next invocation fetches again', async () => {
    s.store.put('/hints/a', 'a1')
    s.store.put('/hints/db', 'd1')
    const mw = secrets({ fetchData: { A: '/hints/a', DB_PASSWORD: '/hints/db' }, awsClientOptions: s.clientOptions })
    await runBefore(mw)
    s.store.put('/hints/a', 'a2')
    mw.invalidate(['A'])
    expect((await runBefore(mw)).req.context.A).toBe('a2')
    s.store.put('/hints/db', 'd2')
    mw.invalidate()
    expect((await runBefore(mw)).req.context.DB_PASSWORD).toBe('d2')
  })
})

describe('entries that used to end as a bare not_found are refused at construction', () => {
  const SECRET_SLASH =
    'ends in /: a secret is one value, not a path (only Parameter Store names ending in / are paths); name one secret, or give the full ARN (…:secret:<name>-AbCdEf) of a secret whose name ends in /'
  const PATH_SELECTOR =
    'is a path with a selector: a path (a name ending in /) reads the latest version of every parameter below it and takes no version or label; drop the selector, or name one parameter'

  test.each([
    // The reported inputs.
    ['secretsmanager:prod/', SECRET_SLASH],
    ['/a/:3', PATH_SELECTOR],
    // The rest of the kind.
    ['secretsmanager:/', SECRET_SLASH],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/', SECRET_SLASH],
    ['/a/:prod', PATH_SELECTOR],
    ['/:3', PATH_SELECTOR],
    ['arn:aws:ssm:us-east-1:123456789012:parameter/a/b/:2', PATH_SELECTOR],
    [
      'secretsmanager:prod/db:AWSPREVIOUS',
      "has a selector after ':', which a secret takes as versionStage: { name: 'secretsmanager:<name>', versionStage: '<stage>' }",
    ],
  ])('%s', (entry, why) => {
    expect(refused({ fetchData: { K: entry } })).toBe(`middy-secrets: fetchData.K: ${JSON.stringify(entry)} ${why}`)
    expect(refused({ fetchData: { K: { name: entry, required: false } } })).toBe(
      `middy-secrets: fetchData.K: ${JSON.stringify(entry)} ${why}`,
    )
  })

  test('the way out: a secret whose name ends in / is read by its full ARN', async () => {
    s.store.putSecret('trailing/', canary('trailing'))
    const client = new SecretsManagerClient(s.clientOptions)
    const { ARN } = await client.send(new DescribeSecretCommand({ SecretId: 'trailing/' }))
    client.destroy()
    expect(ARN).toMatch(/:secret:trailing\/-[A-Za-z0-9]{6}$/)
    const mw = secrets({ fetchData: { T: `secretsmanager:${ARN}` }, awsClientOptions: s.clientOptions })
    expect((await runBefore(mw)).req.context.T).toBe(canary('trailing'))
    // A path and a version still work each on its own.
    expect(() => secrets({ fetchData: { P: '/a/', V: '/a/b:3' }, disablePrefetch: true })).not.toThrow()
  })
})

describe('a transform, a prefix or an option close to a known one says which was meant', () => {
  const TRANSFORM =
    'middy-secrets: fetchData.K.transform must be one of stringList, json, number, boolean or a function'

  test.each([
    ['JSON', `${TRANSFORM} (did you mean 'json'?)`],
    ['stringlist', `${TRANSFORM} (did you mean 'stringList'?)`],
    ['string-list', `${TRANSFORM} (did you mean 'stringList'?)`],
    ['Boolean', `${TRANSFORM} (did you mean 'boolean'?)`],
    ['numbr', `${TRANSFORM} (did you mean 'number'?)`],
    [
      'binary',
      `${TRANSFORM} (Powertools' 'binary' decodes base64: write a function, (raw) => Buffer.from(raw, 'base64'))`,
    ],
    ['auto', `${TRANSFORM} (Powertools' 'auto' picks one by the name's suffix: give each entry its transform)`],
    ['yaml', TRANSFORM],
  ])('transform %p', (transform, message) => {
    expect(refused({ fetchData: { K: { name: '/x', transform } } })).toBe(message)
  })

  const KNOWN =
    '(known: secretsmanager: for Secrets Manager, appconfig: for AppConfig, dynamodb: for DynamoDB; a Parameter Store name takes no prefix)'
  test.each([
    ['secretmanager:prod/db', 'secretmanager', 'secretsmanager'],
    ['SecretsManager:prod/db', 'SecretsManager', 'secretsmanager'],
    ['secrets-manager:prod/db', 'secrets-manager', 'secretsmanager'],
    ['appConfig:shop/prod/flags', 'appConfig', 'appconfig'],
    ['app-config:shop/prod/flags', 'app-config', 'appconfig'],
    ['dynamo:config/app', 'dynamo', 'dynamodb'],
    ['DynamoDB:config/app', 'DynamoDB', 'dynamodb'],
  ])('prefix %s', (entry, word, known) => {
    expect(refused({ fetchData: { K: entry } })).toBe(
      `middy-secrets: fetchData.K: ${JSON.stringify(entry)} starts with '${word}:', which is not a prefix this package knows: did you mean '${known}:'? ${KNOWN}`,
    )
  })

  test("a store of one's own is among the prefixes meant", () => {
    const vault: Source = { calls: 0, fetch: async () => {} }
    expect(refused({ fetchData: { K: 'valut:bots/token' }, stores: { vault } })).toBe(
      `middy-secrets: fetchData.K: "valut:bots/token" starts with 'valut:', which is not a prefix this package knows: did you mean 'vault:'? (known: vault: for the vault store, secretsmanager: for Secrets Manager, appconfig: for AppConfig, dynamodb: for DynamoDB; a Parameter Store name takes no prefix)`,
    )
  })

  test('what AWS reads as a Parameter Store name with a label stays one; ssm: gets no guess', () => {
    expect(() => secrets({ fetchData: { K: 'dynamo:prod' }, disablePrefetch: true })).not.toThrow()
    expect(() => secrets({ fetchData: { K: 'appconfg:v2' }, disablePrefetch: true })).not.toThrow()
    expect(refused({ fetchData: { K: 'ssm:/bots/x' } })).toBe(
      `middy-secrets: fetchData.K: "ssm:/bots/x" starts with 'ssm:', which is not a prefix this package knows ${KNOWN}`,
    )
  })

  test.each([
    ['maxAge', "Powertools' maxAge is seconds: write cacheExpiry in milliseconds, maxAge × 1000"],
    ['cacheKey', 'each instance has its own cache; to share one, pass one createSecrets() instance to secrets()'],
    ['cacheKeyExpiry', 'each instance has its own cache; to share one, pass one createSecrets() instance to secrets()'],
    [
      'awsClientAssumeRole',
      'give the role as awsClientOptions.credentials: fromTemporaryCredentials({ params: { RoleArn } }) from @aws-sdk/credential-providers',
    ],
    ['awsRequestLimit', "GetParameters calls always take 10 names, AWS's limit, all at once"],
    [
      'fetchRotationDate',
      'values refresh every cacheExpiry, so a rotation is seen within it; invalidate() sees it sooner',
    ],
    ['forceFetch', 'call invalidate() before the invocation that must fetch'],
    ['decrypt', 'SecureString parameters are always decrypted'],
    ['transform', 'a transform is given per entry: fetchData: { KEY: { name, transform } }'],
    ['throwOnTransformError', 'a transform that fails is always an error for its key (transform_failed)'],
    ['clientConfig', "the AWS client's configuration goes in awsClientOptions"],
    ['sdkOptions', "a version or label goes in the entry ('/name:3'), a secret's stage in versionStage"],
    ['awsSdkV3Client', 'give the client class as AwsClient, or wrap each client made with awsClientCapture'],
  ])("another library's option %s says what to use instead", (name, instead) => {
    expect(refused({ fetchData: { K: '/x' }, [name]: 1 })).toBe(`middy-secrets: unknown option '${name}' (${instead})`)
  })

  test('the options middy-secrets shares with @middy/ssm are accepted', () => {
    expect(() =>
      secrets({ fetchData: { K: '/x' }, setToContext: false, disablePrefetch: true, cacheExpiry: -1 }),
    ).not.toThrow()
  })
})
