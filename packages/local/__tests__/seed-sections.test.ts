/**
 * A seed never loses data without a word: a section, field or option the format does not have (`"parameter"` for
 * `"parameters"`, `"lables"` for `"labels"`) is refused, naming it, what was probably meant and the known names —
 * never a value. Through the CLI (`--seed`, `--data`) and programmatically (`startLocalStore`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CliError, type RunningCli, runCli } from '../src/cli.js'
import { LocalParameterStore, startLocalStore } from '../src/index.js'

const CANARY = 'CANARY-7f3a'
let dir: string
const running: RunningCli[] = []

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'middy-secrets-local-seed-'))
})
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()))
  rmSync(dir, { recursive: true, force: true })
})

const fileWith = (content: unknown, name = 'seed.json'): string => {
  const file = join(dir, name)
  writeFileSync(file, JSON.stringify(content))
  return file
}

const refusal = async (argv: string[]): Promise<string> => {
  try {
    const cli = await runCli(argv, { out: () => undefined, err: () => undefined })
    if (cli) running.push(cli)
  } catch (error) {
    expect(error).toBeInstanceOf(CliError)
    expect((error as Error).message).not.toContain(CANARY)
    return (error as Error).message
  }
  throw new Error('expected a CliError')
}

const SECTIONS = 'the sections are "parameters", "secrets" and "appconfig"'

describe('--seed refuses what it would drop', () => {
  test('the reported input: "parameter" instead of "parameters"', async () => {
    const seed = fileWith({ parameter: { '/app/token': `${CANARY}-token` } })
    expect(await refusal(['--port', '0', '--seed', seed])).toBe(
      `--seed ${seed}: seed file: unknown section "parameter" (did you mean "parameters"?); ${SECTIONS}`,
    )
  })

  test.each([
    [{ secret: { 'prod/db': `${CANARY}-s` } }, 'unknown section "secret" (did you mean "secrets"?)'],
    [{ AppConfig: { 'a/b/c': `${CANARY}-a` } }, 'unknown section "AppConfig" (did you mean "appconfig"?)'],
    [{ Parameters: { '/x': `${CANARY}-p` } }, 'unknown section "Parameters" (did you mean "parameters"?)'],
    [{ params: { '/x': `${CANARY}-p` } }, 'unknown section "params"'],
    [{ '/app/token': `${CANARY}-p` }, 'unknown section "/app/token" (a parameter name? put it under "parameters")'],
    [{ parameters: {}, dynamodb: { t: `${CANARY}-d` } }, 'unknown section "dynamodb"'],
  ])('a section it does not have: %j', async (content, problem) => {
    const seed = fileWith(content)
    expect(await refusal(['--port', '0', '--seed', seed])).toBe(`--seed ${seed}: seed file: ${problem}; ${SECTIONS}`)
  })

  test('a long unknown section is cut short', async () => {
    const name = 'x'.repeat(100)
    const seed = fileWith({ [name]: `${CANARY}-long` })
    expect(await refusal(['--port', '0', '--seed', seed])).toBe(
      `--seed ${seed}: seed file: unknown section "${'x'.repeat(64)}"… (100 characters); ${SECTIONS}`,
    )
  })

  test.each([
    [
      { parameters: { '/p': { value: `${CANARY}-v`, lables: ['prod'] } } },
      'parameter /p: unknown field "lables" (did you mean "labels"?); the fields are "value", "type", "labels", "versions", "description" and "tags"',
    ],
    [
      { parameters: { '/p': { versions: [{ value: `${CANARY}-v`, label: ['prod'] }] } } },
      'parameter /p: unknown version field "label" (did you mean "labels"?); the version fields are "value", "type", "labels", "description" and "dataType"',
    ],
    [
      { secrets: { 'prod/db': { versions: [{ value: `${CANARY}-v`, stage: ['AWSCURRENT'] }] } } },
      'secret prod/db: unknown version field "stage" (did you mean "stages"?); the version fields are "value", "stages" and "versionId"',
    ],
    [
      { secrets: { 'prod/db': { versions: [{ value: `${CANARY}-v` }], Description: 'x' } } },
      'secret prod/db: unknown field "Description" (did you mean "description"?); the fields are "description" and "versions"',
    ],
    [
      { appconfig: { 'shop/prod/flags': { content: `${CANARY}-c`, contenttype: 'application/json' } } },
      'appconfig shop/prod/flags: unknown field "contenttype" (did you mean "contentType"?); the fields are "content", "contentType", "versionLabel" and "versions"',
    ],
    [
      { appconfig: { 'shop/prod/flags': { versions: [{ content: `${CANARY}-c`, label: 'v1' }] } } },
      'appconfig shop/prod/flags: unknown version field "label"; the version fields are "content", "contentType" and "versionLabel"',
    ],
  ])('a field it does not have, in an entry: %j', async (content, problem) => {
    const seed = fileWith(content)
    expect(await refusal(['--port', '0', '--seed', seed])).toBe(`--seed ${seed}: seed ${problem}`)
  })

  test('a --data file is held to the same sections', async () => {
    const data = fileWith({ parameters: { '/p': 'v' }, secret: { 'prod/db': `${CANARY}-s` } }, 'data.json')
    expect(await refusal(['--port', '0', '--data', data])).toBe(
      `--data ${data}: seed file: unknown section "secret" (did you mean "secrets"?); ${SECTIONS}`,
    )
  })

  test('every known section and field is still taken', async () => {
    const seed = fileWith({
      parameters: {
        '/p': {
          versions: [{ value: 'a', type: 'String', labels: ['old'], description: 'd', dataType: 'text' }],
          tags: { t: 'v' },
        },
        '/q': { value: 'q', type: 'SecureString', labels: ['prod'], description: 'd' },
      },
      secrets: {
        'prod/db': {
          description: 'd',
          versions: [{ value: 'v1', stages: ['AWSCURRENT'], versionId: '11111111-1111-4111-8111-111111111111' }],
        },
      },
      appconfig: {
        'shop/prod/flags': { versions: [{ content: '{}', contentType: 'application/json', versionLabel: 'v1' }] },
        'shop/prod/banner': { content: 'hi', contentType: 'text/plain', versionLabel: 'v1' },
      },
    })
    const cli = await runCli(['--port', '0', '--seed', seed], { out: () => undefined, err: () => undefined })
    running.push(cli as RunningCli)
    expect([cli?.store.engine.size, cli?.store.secretsEngine.size, cli?.store.appConfigEngine.size]).toEqual([2, 1, 2])
  })
})

describe('startLocalStore refuses an option it would drop', () => {
  test('the reported input, programmatically: parameter instead of parameters', async () => {
    await expect(startLocalStore({ parameter: { '/app/token': `${CANARY}-token` } } as never)).rejects.toThrow(
      new TypeError(
        'LocalStoreOptions: unknown option "parameter" (did you mean "parameters"?); the options are "latencyMs", "port", "host", "maxRequests", "onChange", "secrets", "appconfig", "region", "accountId", "seed", "bestEffortPaging", "parameters" and "now"',
      ),
    )
  })

  test.each([
    ['secret', 'unknown option "secret" (did you mean "secrets"?)'],
    ['appConfig', 'unknown option "appConfig" (did you mean "appconfig"?)'],
    ['latency', 'unknown option "latency" (did you mean "latencyMs"?)'],
    ['dynamodb', 'unknown option "dynamodb"'],
  ])('%s', (name, problem) => {
    let message = ''
    try {
      new LocalParameterStore({ [name]: { x: `${CANARY}-x` } } as never)
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError)
      message = (error as Error).message
    }
    expect(message.startsWith(`LocalStoreOptions: ${problem}; the options are "latencyMs",`)).toBe(true)
    expect(message).not.toContain(CANARY)
  })

  test('every option is still taken', async () => {
    const store = await startLocalStore({
      latencyMs: 0,
      port: 0,
      host: '127.0.0.1',
      maxRequests: 10,
      onChange: () => undefined,
      secrets: { 'prod/db': 's' },
      appconfig: { 'shop/prod/flags': '{}' },
      region: 'eu-west-1',
      accountId: '210987654321',
      seed: 7,
      bestEffortPaging: false,
      parameters: { '/p': 'v' },
      now: Date.now,
    })
    try {
      expect([store.engine.size, store.secretsEngine.size, store.appConfigEngine.size]).toEqual([1, 1, 1])
    } finally {
      await store.close()
    }
  })
})

const TYPES = '"type" must be "String", "StringList" or "SecureString"'
const PARAMETER_FIELDS = 'the fields are "value", "type", "labels", "versions", "description" and "tags"'
const PARAMETER_VERSION_FIELDS = 'the version fields are "value", "type", "labels", "description" and "dataType"'
const SECRET_FIELDS = 'the fields are "description" and "versions"'

describe('a seed entry with a field of the wrong kind or name is refused, naming the field, never the value', () => {
  test.each([
    // The reported inputs.
    [
      { parameters: { '/p': { value: `${CANARY}-v`, type: 'securestring' } } },
      `parameter /p: ${TYPES} (did you mean "SecureString"?)`,
    ],
    [{ parameters: { '/p': { value: `${CANARY}-v`, type: 'foo' } } }, `parameter /p: ${TYPES}`],
    [
      { secrets: { 'prod/db': { value: `${CANARY}-s` } } },
      `secret prod/db: unknown field "value" (a secret is its value as a string, or { "versions": [{ "value": … }] }); ${SECRET_FIELDS}`,
    ],
    [
      { secrets: { 'prod/db': { version: [{ value: `${CANARY}-s` }] } } },
      `secret prod/db: unknown field "version" (did you mean "versions"?); ${SECRET_FIELDS}`,
    ],
    [
      { parameters: { '/p': { versions: [{ vaule: `${CANARY}-v` }] } } },
      `parameter /p: unknown version field "vaule" (did you mean "value"?); ${PARAMETER_VERSION_FIELDS}`,
    ],
    // Other members of the kinds.
    [
      { parameters: { '/p': { value: 'v', type: 'stringlist' } } },
      `parameter /p: ${TYPES} (did you mean "StringList"?)`,
    ],
    [{ parameters: { '/p': { value: 'v', type: 'Strng' } } }, `parameter /p: ${TYPES} (did you mean "String"?)`],
    [{ parameters: { '/p': { value: 'v', type: `${CANARY}-in-type` } } }, `parameter /p: ${TYPES}`],
    [{ parameters: { '/p': { value: 'v', type: 3 } } }, `parameter /p: ${TYPES}`],
    [
      { parameters: { '/p': { versions: [{ value: 'v', type: 'SECURESTRING' }] } } },
      `parameter /p: ${TYPES} (did you mean "SecureString"?)`,
    ],
    [
      { parameters: { '/p': { type: 'securestring', versions: [{ value: 'v' }] } } },
      `parameter /p: ${TYPES} (did you mean "SecureString"?)`,
    ],
    [
      { parameters: { '/p': { vaule: `${CANARY}-v` } } },
      `parameter /p: unknown field "vaule" (did you mean "value"?); ${PARAMETER_FIELDS}`,
    ],
    [
      { parameters: { '/p': { versions: [{ value: 'v', Type: 'String' }] } } },
      `parameter /p: unknown version field "Type" (did you mean "type"?); ${PARAMETER_VERSION_FIELDS}`,
    ],
    [{ parameters: { '/p': { value: 5432 } } }, 'parameter /p: "value" must be a string (put it in quotes)'],
    [
      { parameters: { '/p': { versions: [{ value: true }] } } },
      'parameter /p: "value" must be a string (put it in quotes)',
    ],
    [{ parameters: { '/p': { value: 'v', labels: 'prod' } } }, 'parameter /p: "labels" must be a list of strings'],
    [
      { parameters: { '/p': { versions: [{ value: 'v', labels: [1] }] } } },
      'parameter /p: "labels" must be a list of strings',
    ],
    [
      { parameters: { '/p': { value: 'v', description: 1 } } },
      'parameter /p: "description" must be a string (put it in quotes)',
    ],
    [
      { parameters: { '/p': { value: 'v', tags: ['team'] } } },
      'parameter /p: "tags" must be an object of tag key → string',
    ],
    [
      { parameters: { '/p': { value: 'v', tags: { team: 1 } } } },
      'parameter /p: "tags" must be an object of tag key → string',
    ],
    [{ parameters: { '/p': { versions: 'v' } } }, 'parameter /p: "versions" must be a list, oldest first'],
    [{ parameters: { '/p': { versions: [] } } }, 'parameter /p: has no versions: give one or more'],
    [{ parameters: { '/p': { versions: ['v'] } } }, 'parameter /p: each version must be an object with a "value"'],
    [
      { parameters: { '/p': { value: `${CANARY}-a`, versions: [{ value: `${CANARY}-b` }] } } },
      'parameter /p: has both "value" and "versions": give one (the last version is the current one)',
    ],
    [
      { secrets: { s: { versions: [{ vaule: `${CANARY}-s` }] } } },
      'secret s: unknown version field "vaule" (did you mean "value"?); the version fields are "value", "stages" and "versionId"',
    ],
    [{ secrets: { s: { versions: [{ value: 1 }] } } }, 'secret s: "value" must be a string (put it in quotes)'],
    [{ secrets: { s: { versions: ['v'] } } }, 'secret s: each version must be an object with a "value"'],
    [
      { secrets: { s: { versions: [{ value: 'v', stages: 'AWSCURRENT' }] } } },
      'secret s: "stages" must be a list of strings',
    ],
    [
      { secrets: { s: { versions: [{ value: 'v', versionId: 7 }] } } },
      'secret s: "versionId" must be a string (put it in quotes)',
    ],
    [
      { secrets: { s: { description: false, versions: [{ value: 'v' }] } } },
      'secret s: "description" must be a string (put it in quotes)',
    ],
    [
      { secrets: { s: 5 } },
      'secret s: must be a string or { "versions": [{ "value", "stages"?, "versionId"? }], "description"? }',
    ],
  ])('%j', async (content, problem) => {
    const seed = fileWith(content)
    expect(await refusal(['--port', '0', '--seed', seed])).toBe(`--seed ${seed}: seed ${problem}`)
  })

  test('the types AWS has are all taken, from a seed and a data file alike', async () => {
    const seed = fileWith({
      parameters: {
        '/s': { value: 'v', type: 'String' },
        '/l': { value: 'a,b', type: 'StringList' },
        '/x': { versions: [{ value: 'v', type: 'SecureString' }] },
      },
    })
    const cli = await runCli(['--port', '0', '--seed', seed], { out: () => undefined, err: () => undefined })
    running.push(cli as RunningCli)
    expect(['/s', '/l', '/x'].map((name) => cli?.store.engine.get(name)?.type)).toEqual([
      'String',
      'StringList',
      'SecureString',
    ])
  })

  test('a --data file that is not JSON: line and column, never its text', async () => {
    const data = join(dir, 'data.json')
    writeFileSync(data, `{"parameters": {"/p": {"value": "${CANARY}-d", "type": String}}}`)
    expect(await refusal(['--port', '0', '--data', data])).toBe(`--data ${data} is not valid JSON: line 1, column 58`)
  })
})

describe('startLocalStore refuses a seed entry it would drop or serve wrong', () => {
  const thrown = (options: object): string => {
    try {
      new LocalParameterStore(options as never)
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError)
      expect((error as Error).message).not.toContain(CANARY)
      return (error as Error).message
    }
    throw new Error('expected a TypeError')
  }
  const SEED_FILE_ONLY =
    '(labels, versions, description and tags are for seed files; in code, use store.put() and store.engine)'

  test.each([
    // The reported inputs.
    [
      { '/p': { value: `${CANARY}-v`, labels: ['prod'] } },
      `parameters["/p"]: unknown field "labels" ${SEED_FILE_ONLY}; the fields are "value" and "type"`,
    ],
    [
      { '/p': { value: `${CANARY}-v`, type: 'securestring' } },
      `parameters["/p"]: ${TYPES} (did you mean "SecureString"?)`,
    ],
    [{ '/p': { value: `${CANARY}-v`, type: 'foo' } }, `parameters["/p"]: ${TYPES}`],
    // Other members.
    [
      { '/p': { value: `${CANARY}-v`, tpye: 'String' } },
      'parameters["/p"]: unknown field "tpye" (did you mean "type"?); the fields are "value" and "type"',
    ],
    [
      { '/p': { vaule: `${CANARY}-v` } },
      'parameters["/p"]: unknown field "vaule" (did you mean "value"?); the fields are "value" and "type"',
    ],
    [
      { '/p': { versions: [{ value: `${CANARY}-v` }] } },
      `parameters["/p"]: unknown field "versions" ${SEED_FILE_ONLY}; the fields are "value" and "type"`,
    ],
    [
      { '/p': { value: `${CANARY}-v`, tags: { a: 'b' } } },
      `parameters["/p"]: unknown field "tags" ${SEED_FILE_ONLY}; the fields are "value" and "type"`,
    ],
    [{ '/p': { value: 5432 } }, 'parameters["/p"]: "value" must be a string'],
    [{ '/p': 5432 }, 'parameters["/p"]: must be a string or { value, type? }'],
    [{ '/p': null }, 'parameters["/p"]: must be a string or { value, type? }'],
  ])('parameters: %j', (parameters, message) => {
    expect(thrown({ parameters })).toBe(message)
  })

  test.each([
    [
      { 'prod/db': { value: `${CANARY}-s` } },
      'secrets["prod/db"]: must be a string or bytes (Uint8Array); for more versions, call store.putSecret() after start, or use a seed file',
    ],
    [{ 'prod/db': 5 }, 'secrets["prod/db"]: must be a string or bytes (Uint8Array)'],
  ])('secrets: %j', (secrets, message) => {
    expect(thrown({ secrets })).toBe(message)
  })

  test.each([
    [
      { 'a/b/c': { content: `${CANARY}-c`, contenttype: 'text/plain' } },
      'appconfig a/b/c: unknown field "contenttype" (did you mean "contentType"?); the fields are "content", "contentType" and "versionLabel"',
    ],
    [
      { 'a/b/c': { content: `${CANARY}-c`, versions: [] } },
      'appconfig a/b/c: unknown field "versions"; the fields are "content", "contentType" and "versionLabel"',
    ],
    [{ 'a/b/c': { content: `${CANARY}-c`, contentType: 1 } }, 'appconfig a/b/c: "contentType" must be a string'],
    [{ 'a/b/c': { content: `${CANARY}-c`, versionLabel: 1 } }, 'appconfig a/b/c: "versionLabel" must be a string'],
  ])('appconfig: %j', (appconfig, message) => {
    expect(thrown({ appconfig })).toBe(message)
  })

  test('in process, store.put() with a type AWS does not have is a ValidationException, as on the wire', async () => {
    const store = await startLocalStore({
      parameters: { '/p': { value: 'v', type: 'StringList' } },
      secrets: { s: new Uint8Array([1]) },
    })
    try {
      expect(() => store.put('/q', 'v', { type: 'securestring' as never })).toThrow(
        "1 validation error detected: Value at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]",
      )
      expect(store.engine.get('/q')).toBeUndefined()
      expect(store.engine.get('/p')?.type).toBe('StringList')
    } finally {
      await store.close()
    }
  })
})
