import { SecretsError } from '../src/errors.js'
import { defaults, resolveOptions } from '../src/options.js'

const base = { fetchData: { TOKEN: '/bots/superman/token' } }

const refusal = (options: unknown): SecretsError => {
  try {
    resolveOptions(options as never)
  } catch (error) {
    expect(error).toBeInstanceOf(SecretsError)
    expect((error as SecretsError).code).toBe('INVALID_OPTIONS')
    return error as SecretsError
  }
  throw new Error('expected the options to be refused')
}

describe('resolveOptions', () => {
  test('fills every default', () => {
    const resolved = resolveOptions(base)
    expect(resolved).toMatchObject({ ...defaults, awsClientOptions: {} })
    expect(resolved.entries).toHaveLength(1)
    expect(resolved.entries[0]).toMatchObject({ key: 'TOKEN', required: true })
    expect(typeof resolved.clock.now()).toBe('number')
    expect(resolved.logger.warn).toEqual(expect.any(Function))
    expect(resolved.AwsClient).toBeUndefined()
  })

  test('the long form: transform, required, recursive', () => {
    const resolved = resolveOptions({
      fetchData: {
        LIMITS: { name: '/shared/limits', transform: 'json', required: false },
        DB: { name: '/shared/db/', recursive: false },
        UPPER: { name: '/x', transform: (raw: string) => raw.toUpperCase() },
      },
    })
    const [limits, db, upper] = resolved.entries
    expect(limits?.required).toBe(false)
    expect(limits?.transform('{"a":1}')).toEqual({ a: 1 })
    expect(db?.ref).toMatchObject({ kind: 'path', recursive: false })
    expect(upper?.transform('abc')).toBe('ABC')
  })

  test.each([
    // A new user's typos (the fresh-user run): the message names the option meant, never quoting a value.
    ['cacheExpiri', "middy-secrets: unknown option 'cacheExpiri' (did you mean 'cacheExpiry'?)"],
    ['setToENV', "middy-secrets: unknown option 'setToENV' (did you mean 'setToEnv'?)"],
    ['fetchdata', "middy-secrets: unknown option 'fetchdata' (did you mean 'fetchData'?)"],
    ['staleIfEror', "middy-secrets: unknown option 'staleIfEror' (did you mean 'staleIfError'?)"],
    ['region', "middy-secrets: unknown option 'region' (the AWS client's region goes in awsClientOptions.region)"],
    [
      'credentials',
      "middy-secrets: unknown option 'credentials' (the AWS client's credentials goes in awsClientOptions.credentials)",
    ],
    ['banana', "middy-secrets: unknown option 'banana'"],
    ['ttl', "middy-secrets: unknown option 'ttl'"],
  ])('an unknown option %s says what was probably meant', (name, message) => {
    expect(refusal({ ...base, [name]: 'CANARY-7f3a-option' }).message).toBe(message)
  })

  test('cacheExpiry -1 means never and is the only negative allowed', () => {
    expect(resolveOptions({ ...base, cacheExpiry: -1 }).cacheExpiry).toBe(-1)
    expect(refusal({ ...base, cacheExpiry: -2 }).message).toMatch(/cacheExpiry must not be negative/)
  })

  test.each([
    [null, /options must be an object/],
    [{}, /fetchData must be an object/],
    [{ fetchData: [] }, /fetchData must be an object/],
    [{ fetchData: {} }, /fetchData is empty/],
    [{ ...base, cacheExpry: 1 }, /unknown option 'cacheExpry'/],
    [{ fetchData: { TOKEN: 42 } }, /fetchData.TOKEN must be a string \(a Parameter Store name/],
    [{ fetchData: { TOKEN: { name: 1 } } }, /fetchData.TOKEN.name must be a string/],
    [{ fetchData: { TOKEN: { name: '/x', nmae: 1 } } }, /unknown field 'nmae'/],
    [{ fetchData: { TOKEN: { name: '/x', transform: 'yaml' } } }, /TOKEN.transform must be one of/],
    [{ fetchData: { TOKEN: { name: '/x', required: 'yes' } } }, /TOKEN.required must be a boolean/],
    [{ fetchData: { TOKEN: { name: '/x/', recursive: 'no' } } }, /TOKEN.recursive must be a boolean/],
    [{ fetchData: { TOKEN: { name: '/x', recursive: true } } }, /recursive applies to Parameter Store paths/],
    [{ fetchData: { TOKEN: 'bad name' } }, /fetchData.TOKEN: "bad name"/],
    [{ fetchData: { '': '/x' } }, /key is empty/],
    [{ fetchData: { 'A=B': '/x' } }, /'=' or NUL/],
    [{ fetchData: { 'A\0': '/x' } }, /'=' or NUL/],
    [{ fetchData: JSON.parse('{"__proto__": "/x"}') }, /not usable as a property name/],
    [{ fetchData: { constructor: '/x' } }, /not usable as a property name/],
    [{ fetchData: { prototype: '/x' } }, /not usable as a property name/],
    [{ fetchData: { getRemainingTimeInMillis: '/x' } }, /overwrite the Lambda context/],
    [{ fetchData: { awsRequestId: '/x' } }, /overwrite the Lambda context/],
    [{ fetchData: { AWS_REGION: '/x' }, setToEnv: true }, /variable the Lambda runtime or Node owns/],
    [{ fetchData: { NODE_OPTIONS: '/x' }, setToEnv: true }, /variable the Lambda runtime or Node owns/],
    [{ fetchData: { _HANDLER: '/x' }, setToEnv: true }, /variable the Lambda runtime or Node owns/],
    [{ fetchData: { PATH: '/x' }, setToEnv: true }, /variable the Lambda runtime or Node owns/],
    [{ ...base, cacheExpiry: '300' }, /cacheExpiry must be a finite number/],
    [{ ...base, cacheExpiry: Number.NaN }, /cacheExpiry must be a finite number/],
    [{ ...base, fetchTimeout: 0 }, /fetchTimeout must be more than 0/],
    [{ ...base, fetchTimeout: Number.POSITIVE_INFINITY }, /fetchTimeout must be a finite/],
    [{ ...base, fetchTimeout: 2 ** 31 }, /fetchTimeout must be at most 2147483647 ms/],
    [{ fetchData: { T: { name: '/x', transform: Object.create(null) } } }, /T.transform must be one of/],
    [{ ...base, staleIfError: -1 }, /staleIfError must not be negative/],
    [{ ...base, staleWhileRevalidate: -5 }, /staleWhileRevalidate must not be negative/],
    [{ ...base, jitter: 1.5 }, /jitter must be a number from 0 to 1/],
    [{ ...base, jitter: -0.1 }, /jitter must be a number from 0 to 1/],
    [{ ...base, setToEnv: 'yes' }, /setToEnv must be true or false/],
    [{ ...base, awsClientOptions: 'x' }, /awsClientOptions must be a plain object/],
    [{ ...base, AwsClient: {} }, /AwsClient must be a function/],
    [{ ...base, onChange: 'x' }, /onChange must be a function/],
    [{ ...base, logger: 'console' }, /logger must be an object/],
    [{ ...base, clock: { now: () => 1 } }, /clock must have now\(\) and random\(\)/],
    [{ fetchData: { S: { name: 'secretsmanager:x', versionStage: 1 } } }, /S.versionStage must be a string/],
    [{ ...base, secretsManager: 'fast' }, /secretsManager must be an object/],
    [{ ...base, secretsManager: { batch: 'yes' } }, /secretsManager.batch must be true or false/],
    [{ ...base, secretsManager: { bacth: true } }, /secretsManager has an unknown field 'bacth'/],
    [{ ...base, secretsManager: { awsClientOptions: 1 } }, /secretsManager.awsClientOptions must be a plain object/],
    [{ ...base, secretsManager: { AwsClient: 1 } }, /AwsClient must be a function/],
  ])('%#: refuses %j', (options, message) => {
    expect(refusal(options).message).toMatch(message)
  })

  test('secretsManager defaults to one call per secret and the top-level client options', () => {
    const resolved = resolveOptions({ ...base, awsClientOptions: { region: 'eu-west-1' } })
    expect(resolved.storeOptions.secretsmanager).toEqual({
      settings: {},
      awsClientOptions: { region: 'eu-west-1' },
      AwsClient: undefined,
    })
  })

  test('appConfig defaults to the top-level client options; its own replace them for AppConfig only', () => {
    const top = { region: 'eu-west-1' }
    expect(resolveOptions({ ...base, awsClientOptions: top }).storeOptions.appconfig).toEqual({
      settings: {},
      awsClientOptions: top,
      AwsClient: undefined,
    })
    class Client {
      send(): Promise<unknown> {
        return Promise.resolve({})
      }
    }
    const resolved = resolveOptions({
      ...base,
      awsClientOptions: top,
      appConfig: { awsClientOptions: { region: 'eu-central-1' }, AwsClient: Client },
    } as never)
    expect(resolved.storeOptions.appconfig).toEqual({
      settings: {},
      awsClientOptions: { region: 'eu-central-1' },
      AwsClient: Client,
    })
    expect(resolved.awsClientOptions).toBe(top)
    expect(resolved.storeOptions.secretsmanager?.awsClientOptions).toBe(top)
  })

  test.each([
    ['eu-west-1', 'middy-secrets: appConfig must be an object'],
    [[], 'middy-secrets: appConfig must be an object'],
    [
      { awsClientOptions: 'eu-west-1' },
      'middy-secrets: appConfig.awsClientOptions must be a plain object (SDK client configuration)',
    ],
    [
      { awsClientOptions: new Map() },
      'middy-secrets: appConfig.awsClientOptions must be a plain object (SDK client configuration)',
    ],
    [{ AwsClient: 'AppConfigDataClient' }, 'middy-secrets: appConfig.AwsClient must be a function'],
    [{ regoin: 'eu-west-1' }, "middy-secrets: appConfig has an unknown field 'regoin'"],
    [
      { region: 'eu-west-1' },
      "middy-secrets: appConfig has an unknown field 'region' (the AWS client's region goes in appConfig.awsClientOptions.region)",
    ],
    [
      { awsclientoptions: {} },
      "middy-secrets: appConfig has an unknown field 'awsclientoptions' (did you mean 'awsClientOptions'?)",
    ],
    // Another store's setting is not AppConfig's.
    [{ batch: true }, "middy-secrets: appConfig has an unknown field 'batch'"],
  ])('appConfig: %j is refused naming the option', (appConfig, message) => {
    expect(refusal({ ...base, appConfig }).message).toBe(message)
  })

  test('appConfig that throws when read is INVALID_OPTIONS naming it', () => {
    const appConfig = {
      get awsClientOptions(): unknown {
        throw new Error('x')
      },
    }
    expect(refusal({ ...base, appConfig }).message).toBe(
      'middy-secrets: appConfig.awsClientOptions could not be read (a getter or Proxy threw)',
    )
  })

  test.each([
    [
      { secretsManager: { endpoint: 'http://127.0.0.1:1' } },
      'secretsManager',
      'endpoint',
      'secretsManager.awsClientOptions.endpoint',
    ],
    [{ dynamodb: { credentials: {} } }, 'dynamodb', 'credentials', 'dynamodb.awsClientOptions.credentials'],
    [{ secretsManager: { bach: true } }, 'secretsManager', 'bach', "did you mean 'batch'?"],
    [{ dynamodb: { consistentread: true } }, 'dynamodb', 'consistentread', "did you mean 'consistentRead'?"],
  ])('a store option with an unknown field %j says what was probably meant', (options, option, field, meant) => {
    const message = refusal({ ...base, ...options }).message
    expect(message).toContain(`${option} has an unknown field '${field}'`)
    expect(message).toContain(meant)
  })

  test('a misspelt appConfig is an unknown option that names the one meant', () => {
    expect(refusal({ ...base, appconfig: {} }).message).toBe(
      "middy-secrets: unknown option 'appconfig' (did you mean 'appConfig'?)",
    )
    expect(refusal({ ...base, appConfg: {} }).message).toBe(
      "middy-secrets: unknown option 'appConfg' (did you mean 'appConfig'?)",
    )
  })

  test('the error names the offending key', () => {
    expect(refusal({ fetchData: { GOOD: '/ok', BAD_ONE: '/aws/mine' } }).keys).toEqual(['BAD_ONE'])
  })

  test('runtime-owned names are fine as context keys when setToEnv is off', () => {
    expect(resolveOptions({ fetchData: { AWS_THING: '/x' } }).entries[0]?.key).toBe('AWS_THING')
  })
})

const messageOf = (options: unknown): string => refusal(options).message

describe('options that throw when read are INVALID_OPTIONS naming the option, never a raw TypeError', () => {
  test('a throwing getter (the issue: a raw TypeError)', () => {
    const options = {
      ...base,
      get cacheExpiry(): number {
        throw new TypeError('CANARY-7f3a getter')
      },
    }
    expect(messageOf(options)).toBe('middy-secrets: cacheExpiry could not be read (a getter or Proxy threw)')
  })

  test('a Proxy whose get trap throws for one option', () => {
    const options = new Proxy(base, {
      get(target, property) {
        if (property === 'logger') throw new Error('trap')
        return Reflect.get(target, property)
      },
    })
    expect(messageOf(options)).toBe('middy-secrets: logger could not be read (a getter or Proxy threw)')
  })

  test('a revoked Proxy', () => {
    const { proxy, revoke } = Proxy.revocable(base, {})
    revoke()
    expect(messageOf(proxy)).toBe('middy-secrets: options could not be read (a revoked Proxy or a throwing trap)')
  })

  test.each([
    [
      'a revoked Proxy as fetchData',
      () => {
        const { proxy, revoke } = Proxy.revocable({ A: '/a' }, {})
        revoke()
        return { fetchData: proxy }
      },
      'middy-secrets: fetchData could not be read (a revoked Proxy or a throwing trap)',
    ],
    [
      'a getter on one key of fetchData',
      () => ({
        fetchData: {
          get TOKEN(): string {
            throw new Error('x')
          },
        },
      }),
      'middy-secrets: fetchData.TOKEN could not be read (a getter or Proxy threw)',
    ],
    [
      "a getter on an entry's transform",
      () => ({
        fetchData: {
          T: {
            name: '/t',
            get transform(): string {
              throw new Error('x')
            },
          },
        },
      }),
      'middy-secrets: fetchData.T.transform could not be read (a getter or Proxy threw)',
    ],
    [
      'a Proxy whose ownKeys trap throws as secretsManager',
      () => ({
        ...base,
        secretsManager: new Proxy(
          {},
          {
            ownKeys() {
              throw new Error('x')
            },
          },
        ),
      }),
      'middy-secrets: secretsManager could not be read (a revoked Proxy or a throwing trap)',
    ],
    [
      'a revoked Proxy as the logger',
      () => {
        const { proxy, revoke } = Proxy.revocable({}, {})
        revoke()
        return { ...base, logger: proxy }
      },
      'middy-secrets: logger.debug could not be read (a getter or Proxy threw)',
    ],
    [
      'a revoked Proxy as awsClientOptions',
      () => {
        const { proxy, revoke } = Proxy.revocable({}, {})
        revoke()
        return { ...base, awsClientOptions: proxy }
      },
      'middy-secrets: awsClientOptions could not be read (a revoked Proxy or a throwing trap)',
    ],
  ])('%s', (_, make, message) => {
    expect(messageOf(make())).toBe(message)
  })
})

describe('options of the wrong type are named by their full path', () => {
  test.each([
    // The issues' inputs.
    [{ ...base, secretsManager: { AwsClient: 5 } }, 'middy-secrets: secretsManager.AwsClient must be a function'],
    [{ ...base, logger: { warn: 'x' } }, 'middy-secrets: logger.warn must be a function'],
    [
      { ...base, awsClientOptions: [] },
      'middy-secrets: awsClientOptions must be a plain object (SDK client configuration)',
    ],
    // The rest of the kind.
    [{ ...base, logger: { error: 1 } }, 'middy-secrets: logger.error must be a function'],
    [
      { ...base, secretsManager: { awsClientOptions: [] } },
      'middy-secrets: secretsManager.awsClientOptions must be a plain object (SDK client configuration)',
    ],
    [
      { ...base, awsClientOptions: new Map() },
      'middy-secrets: awsClientOptions must be a plain object (SDK client configuration)',
    ],
    [{ ...base, secretsManager: [] }, 'middy-secrets: secretsManager must be an object'],
  ])('%j', (options, message) => {
    expect(messageOf(options)).toBe(message)
  })

  test('a null-prototype awsClientOptions and a class-instance logger are fine', () => {
    class MyLogger {
      warn(): void {}
    }
    const resolved = resolveOptions({ ...base, awsClientOptions: Object.create(null), logger: new MyLogger() })
    expect(resolved.logger).toBeInstanceOf(MyLogger)
  })
})

describe('a name is quoted only up to a short length', () => {
  test('a 1 MB parameter name (the issue: echoed whole)', () => {
    const name = `/${'x'.repeat(1_000_000)}`
    const message = messageOf({ fetchData: { T: name } })
    expect(message).toBe(
      `middy-secrets: fetchData.T: "/${'x'.repeat(63)}"… (1000001 characters) has a name that is longer than 1011 characters`,
    )
  })

  test('a long key and a long unknown option are cut too', () => {
    const key = 'K'.repeat(100_000)
    expect(messageOf({ fetchData: { [key]: 'bad name' } }).length).toBeLessThan(300)
    expect(messageOf({ ...base, ['o'.repeat(100_000)]: 1 }).length).toBeLessThan(200)
  })
})

describe('setToEnv never writes a variable the runtime or Node owns', () => {
  test.each([
    // The inputs: path keys whose every variable is the runtime's, and a key Node reads.
    [
      { AWS: '/cfg/aws/' },
      'middy-secrets: the path key "AWS" would write AWS_… variables, which the Lambda runtime or Node own; with setToEnv pick another',
    ],
    [
      { NODE: '/cfg/node/' },
      'middy-secrets: the path key "NODE" would write NODE_… variables, which the Lambda runtime or Node own; with setToEnv pick another',
    ],
    [
      { NODE_TLS_REJECT_UNAUTHORIZED: '/cfg/tls' },
      'middy-secrets: the key "NODE_TLS_REJECT_UNAUTHORIZED" names a variable the Lambda runtime or Node owns; with setToEnv pick another',
    ],
    // The rest of the kind.
    [{ LD: '/cfg/ld/' }, /path key "LD" would write LD_… variables/],
    [{ AWS_LAMBDA: '/cfg/l/' }, /path key "AWS_LAMBDA"/],
    [{ _X_AMZN: '/cfg/x/' }, /path key "_X_AMZN"/],
    [{ HTTPS_PROXY: '/cfg/p' }, /key "HTTPS_PROXY" names a variable/],
    [{ https_proxy: '/cfg/p' }, /key "https_proxy" names a variable/],
    [{ no_proxy: '/cfg/p' }, /key "no_proxy" names a variable/],
    [{ _X_AMZN_TRACE_ID: '/cfg/p' }, /names a variable/],
    [{ LD_PRELOAD: '/cfg/p' }, /names a variable/],
    [{ NODE_EXTRA_CA_CERTS: '/cfg/p' }, /names a variable/],
    [{ SSL_CERT_FILE: '/cfg/p' }, /names a variable/],
  ])('%j', (fetchData, message) => {
    const error = refusal({ fetchData, setToEnv: true })
    expect(error.message).toMatch(message)
    expect(error.keys).toEqual(Object.keys(fetchData))
  })

  test('a path key only some of whose variables are reserved is checked when the value arrives', () => {
    expect(resolveOptions({ fetchData: { HTTP: '/cfg/http/' }, setToEnv: true }).entries[0]?.key).toBe('HTTP')
    expect(resolveOptions({ fetchData: { _X: '/cfg/x/' }, setToEnv: true }).entries[0]?.key).toBe('_X')
  })

  test('the same keys are fine without setToEnv: they only name context properties', () => {
    expect(resolveOptions({ fetchData: { AWS: '/cfg/aws/', NODE_OPTIONS: '/cfg/n' } }).entries).toHaveLength(2)
  })
})

describe('a time that is almost certainly seconds is accepted with a warning naming the unit', () => {
  const warnings = (extra: Record<string, unknown>) => {
    const lines: { message: string; event: unknown }[] = []
    const resolved = resolveOptions({
      ...base,
      ...extra,
      logger: { warn: (message: string, event: unknown) => lines.push({ message, event }) },
    })
    return { resolved, lines }
  }

  test('cacheExpiry: 300 (Powertools counts seconds)', () => {
    const { resolved, lines } = warnings({ cacheExpiry: 300 })
    expect(resolved.cacheExpiry).toBe(300)
    expect(lines).toEqual([
      {
        message:
          'cacheExpiry is 300 milliseconds; if you meant 300 seconds, write 300000 (every time option is in milliseconds)',
        event: { event: 'option_unit', option: 'cacheExpiry', value: 300, unit: 'ms' },
      },
    ])
  })

  test.each([
    [{ fetchTimeout: 2 }, ['fetchTimeout']],
    [{ staleIfError: 86_400 }, []],
    [{ staleIfError: 600 }, ['staleIfError']],
    [{ staleWhileRevalidate: 30 }, ['staleWhileRevalidate']],
    [{ cacheExpiry: 1_000, fetchTimeout: 31 }, []],
    [{ cacheExpiry: 0 }, []],
    [{ cacheExpiry: -1 }, []],
    [{ cacheExpiry: 5, fetchTimeout: 5 }, ['cacheExpiry', 'fetchTimeout']],
  ])('%j', (extra, options) => {
    expect(warnings(extra).lines.map((line) => (line.event as { option: string }).option)).toEqual(options)
  })
})
