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
    [{ fetchData: { TOKEN: 42 } }, /fetchData.TOKEN must be a parameter name/],
    [{ fetchData: { TOKEN: { name: 1 } } }, /fetchData.TOKEN.name must be a string/],
    [{ fetchData: { TOKEN: { name: '/x', nmae: 1 } } }, /unknown field 'nmae'/],
    [{ fetchData: { TOKEN: { name: '/x', transform: 'yaml' } } }, /TOKEN.transform must be one of/],
    [{ fetchData: { TOKEN: { name: '/x', required: 'yes' } } }, /TOKEN.required must be a boolean/],
    [{ fetchData: { TOKEN: { name: '/x/', recursive: 'no' } } }, /TOKEN.recursive must be a boolean/],
    [{ fetchData: { TOKEN: { name: '/x', recursive: true } } }, /recursive applies to paths/],
    [{ fetchData: { TOKEN: 'bad name' } }, /fetchData.TOKEN: "bad name"/],
    [{ fetchData: { '': '/x' } }, /key is empty/],
    [{ fetchData: { 'A=B': '/x' } }, /'=' or NUL/],
    [{ fetchData: { 'A\0': '/x' } }, /'=' or NUL/],
    [{ fetchData: JSON.parse('{"__proto__": "/x"}') }, /not usable as a property name/],
    [{ fetchData: { constructor: '/x' } }, /not usable as a property name/],
    [{ fetchData: { prototype: '/x' } }, /not usable as a property name/],
    [{ fetchData: { getRemainingTimeInMillis: '/x' } }, /overwrite the Lambda context/],
    [{ fetchData: { awsRequestId: '/x' } }, /overwrite the Lambda context/],
    [{ fetchData: { AWS_REGION: '/x' }, setToEnv: true }, /variable the Lambda runtime owns/],
    [{ fetchData: { NODE_OPTIONS: '/x' }, setToEnv: true }, /variable the Lambda runtime owns/],
    [{ fetchData: { _HANDLER: '/x' }, setToEnv: true }, /variable the Lambda runtime owns/],
    [{ fetchData: { PATH: '/x' }, setToEnv: true }, /variable the Lambda runtime owns/],
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
    [{ ...base, awsClientOptions: 'x' }, /awsClientOptions must be an object/],
    [{ ...base, AwsClient: {} }, /AwsClient must be a function/],
    [{ ...base, onChange: 'x' }, /onChange must be a function/],
    [{ ...base, logger: 'console' }, /logger must be an object/],
    [{ ...base, clock: { now: () => 1 } }, /clock must have now\(\) and random\(\)/],
    [{ fetchData: { S: { name: 'secretsmanager:x', versionStage: 1 } } }, /S.versionStage must be a string/],
    [{ ...base, secretsManager: 'fast' }, /secretsManager must be an object/],
    [{ ...base, secretsManager: { batch: 'yes' } }, /secretsManager.batch must be true or false/],
    [{ ...base, secretsManager: { bacth: true } }, /secretsManager has an unknown field 'bacth'/],
    [{ ...base, secretsManager: { awsClientOptions: 1 } }, /secretsManager.awsClientOptions must be an object/],
    [{ ...base, secretsManager: { AwsClient: 1 } }, /AwsClient must be a function/],
  ])('%#: refuses %j', (options, message) => {
    expect(refusal(options).message).toMatch(message)
  })

  test('secretsManager defaults to one call per secret and the top-level client options', () => {
    const resolved = resolveOptions({ ...base, awsClientOptions: { region: 'eu-west-1' } })
    expect(resolved.secretsManager).toEqual({
      batch: false,
      awsClientOptions: { region: 'eu-west-1' },
      AwsClient: undefined,
    })
  })

  test('the error names the offending key', () => {
    expect(refusal({ fetchData: { GOOD: '/ok', BAD_ONE: '/aws/mine' } }).keys).toEqual(['BAD_ONE'])
  })

  test('runtime-owned names are fine as context keys when setToEnv is off', () => {
    expect(resolveOptions({ fetchData: { AWS_THING: '/x' } }).entries[0]?.key).toBe('AWS_THING')
  })
})
