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
