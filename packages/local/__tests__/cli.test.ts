import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm'
import { CliError, USAGE } from '../src/cli.js'
import { useCli, useTempDir } from './support/cli.js'

// Servers close (saving --data) before their folder goes.
const run = useCli()
const folder = useTempDir('middy-secrets-local-')

const refusal = async (argv: string[]): Promise<CliError> => {
  try {
    await run(argv)
  } catch (error) {
    expect(error).toBeInstanceOf(CliError)
    return error as CliError
  }
  throw new Error('expected a CliError')
}

/** The variables the printed `export NAME=value` lines set. */
const exported = (out: string): Record<string, string> =>
  Object.fromEntries([...out.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]))

const seedFile = (content: unknown) => {
  const file = join(folder.path, 'seed.json')
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))
  return file
}

const SEED = {
  parameters: {
    '/app/db-url': 'postgres://db',
    '/app/token': { value: 'CANARY-7f3a-token', type: 'SecureString' },
    '/app/flags': { versions: [{ value: 'a', labels: ['old'] }, { value: 'b' }], labels: ['prod'] },
    '/app/hosts': { value: 'x,y', type: 'StringList', tags: { team: 'core' } },
  },
  secrets: {
    'prod/db': 'CANARY-7f3a-secret',
    'prod/api': { description: 'api key', versions: [{ value: 'k1' }, { value: 'k2' }] },
  },
}

test('--help prints the usage and starts nothing', async () => {
  const { cli, out } = await run(['--help'])
  expect(cli).toBeUndefined()
  expect(out).toBe(`${USAGE}\n`)
  expect(out).toMatch(/--port N/)
  expect(out).toMatch(/--seed FILE/)
  expect(out).toMatch(/--data FILE/)
  expect((await run(['-h'])).out).toBe(`${USAGE}\n`)
})

test('serves a seed file on 127.0.0.1 and prints the export lines the SDKs, the CLI and boto3 read', async () => {
  const { cli, out, err } = await run(['--port', '0', '--seed', seedFile(SEED)])
  const env = exported(out)
  expect(Object.keys(env)).toEqual([
    'AWS_ENDPOINT_URL_SSM',
    'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    'AWS_ENDPOINT_URL_APPCONFIGDATA',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
  ])
  expect(env.AWS_ENDPOINT_URL_SSM).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  expect(env.AWS_ENDPOINT_URL_SSM).not.toBe('http://127.0.0.1:0')
  expect(err).toContain('4 parameters, 2 secrets')
  expect(`${out}${err}`).not.toContain('CANARY-7f3a')
  const config = {
    endpoint: env.AWS_ENDPOINT_URL_SSM,
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID as string, secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string },
    maxAttempts: 1,
  }
  const ssm = new SSMClient(config)
  const sm = new SecretsManagerClient(config)
  try {
    const get = async (Name: string) =>
      (await ssm.send(new GetParameterCommand({ Name, WithDecryption: true }))).Parameter
    expect((await get('/app/token'))?.Value).toBe('CANARY-7f3a-token')
    expect((await get('/app/flags:old'))?.Value).toBe('a')
    expect(await get('/app/flags:prod')).toMatchObject({ Value: 'b', Version: 2 })
    expect((await get('/app/hosts'))?.Type).toBe('StringList')
    const api = await sm.send(new GetSecretValueCommand({ SecretId: 'prod/api', VersionStage: 'AWSPREVIOUS' }))
    expect(api.SecretString).toBe('k1')
  } finally {
    ssm.destroy()
    sm.destroy()
  }
  expect(cli?.store.engine.size).toBe(4)
})

test('--data keeps every write across a restart, version ids and labels included; the file is the owner’s only', async () => {
  const data = join(folder.path, 'data.json')
  const first = await run(['--port', '0', '--seed', seedFile(SEED), '--data', data])
  const store = first.cli?.store
  const ssm = new SSMClient({ ...store?.clientConfig, maxAttempts: 1 })
  await ssm.send(new PutParameterCommand({ Name: '/app/new', Value: 'CANARY-7f3a-new', Type: 'SecureString' }))
  ssm.destroy()
  const versionId = store?.secretsEngine.get('prod/api')?.versionId
  await first.cli?.close()
  expect(statSync(data).mode & 0o777).toBe(0o600)
  expect(JSON.parse(readFileSync(data, 'utf8')).parameters['/app/new']).toEqual({
    versions: [{ value: 'CANARY-7f3a-new', type: 'SecureString' }],
  })

  // The seed is not applied again: the data file is the store now.
  const second = await run(['--port', '0', '--seed', seedFile({ parameters: { '/other': 'x' } }), '--data', data])
  const restored = second.cli?.store
  expect(restored?.engine.get('/app/new')?.value).toBe('CANARY-7f3a-new')
  expect(restored?.engine.get('/other')).toBeUndefined()
  expect(restored?.engine.get('/app/flags:prod')?.version).toBe(2)
  expect(restored?.engine.get('/app/flags:old')?.value).toBe('a')
  expect(restored?.secretsEngine.get('prod/api')?.versionId).toBe(versionId)
  expect(restored?.secretsEngine.get('prod/api', { versionStage: 'AWSPREVIOUS' })?.value).toBe('k1')
  const tags = restored?.engine.handle('ListTagsForResource', { ResourceType: 'Parameter', ResourceId: '/app/hosts' })
  expect(tags).toEqual({ TagList: [{ Key: 'team', Value: 'core' }] })
})

test.each([
  [['--port', '99999'], /--port must be 0 to 65535/],
  [['--port', 'abc'], /--port must be 0 to 65535/],
  [['--colour'], /Unknown option '--colour'/],
  [['extra'], /positional/],
  [['--region', 'Not A Region'], /--region/],
  [
    ['--seed', '/nonexistent/seed.json'],
    /^--seed \/nonexistent\/seed\.json cannot be read: no such file \(ENOENT\); check the path$/,
  ],
])('refuses %j', async (argv, message) => {
  expect((await refusal(argv)).message).toMatch(message)
})

test('a seed file saved with a byte order mark (as Windows editors do) is read', async () => {
  const file = seedFile(`\uFEFF${JSON.stringify({ parameters: { '/bom/a': 'fake-value' } })}`)
  const { cli, err } = await run(['--port', '0', '--seed', file])
  expect(err).toContain('1 parameter,')
  expect(cli?.store.engine.size).toBe(1)
})

test('a seed file that is not JSON, or not a seed, is refused without quoting its content', async () => {
  const file = seedFile('{"parameters": {"/a": "CANARY-7f3a-x"')
  const broken = await refusal(['--port', '0', '--seed', file])
  expect(broken.message).toBe(`--seed ${file} is not valid JSON: line 1, column 38`)
  const empty = await refusal(['--port', '0', '--seed', seedFile('')])
  expect(empty.message).toBe(`--seed ${file} is not valid JSON: line 1, column 1 (the file is empty)`)
  const token = await refusal(['--port', '0', '--seed', seedFile('{\r\n  "secrets": {\r\n    "a": CANARY-7f3a-y\r\n}')])
  expect(token.message).toBe(`--seed ${file} is not valid JSON: line 3, column 10`)
  expect(token.message).not.toContain('CANARY-7f3a')
  const shape = await refusal(['--port', '0', '--seed', seedFile({ parameters: { '/a': { type: 'String' } } })])
  expect(shape.message).toMatch(/parameter \/a: needs a "value" or "versions"/)
  const badName = await refusal(['--port', '0', '--seed', seedFile({ parameters: { 'a b': 'CANARY-7f3a-y' } })])
  expect(badName.message).toMatch(/a b/)
  expect(badName.message).not.toContain('CANARY-7f3a')
  expect((await refusal(['--port', '0', '--seed', seedFile([1])])).message).toMatch(/JSON object/)
})

test('a port in use is a CliError that says what to do', async () => {
  const { cli } = await run(['--port', '0'])
  const port = new URL(cli?.store.clientConfig.endpoint as string).port
  expect((await refusal(['--port', port])).message).toMatch(/port \d+ is in use.*--port 0/)
})
