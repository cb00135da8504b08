// The installed command, as a user runs it: `npx middy-secrets-local` (the workspace's bin link) from the build
// that `npm test` makes first (pretest), stopped with Ctrl-C (SIGINT) and with SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm'
import { useTempDir } from './support/cli.js'

const bin = fileURLToPath(new URL('../../../node_modules/.bin/middy-secrets-local', import.meta.url))

const start = (args: string[]) => {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk
  })
  const endpoint = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', () => {
      const match = /^export AWS_ENDPOINT_URL_SSM=(\S+)$/m.exec(out)
      if (match && out.includes('AWS_SECRET_ACCESS_KEY')) resolve(match[1] as string)
    })
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${err}`)))
  })
  // Commands that exit at once (--help) never listen: that rejection is expected and only awaited where it matters.
  endpoint.catch(() => undefined)
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, endpoint, exit, output: () => ({ out, err }) }
}

const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})
// After the children are gone, their folder.
const folder = useTempDir('middy-secrets-local-bin-')

test.each(['SIGINT', 'SIGTERM'] as const)('serves, then %s saves --data and exits 0', async (signal) => {
  const data = join(folder.path, 'data.json')
  const server = start(['--port', '0', '--data', data])
  children.push(server.child)
  const endpoint = await server.endpoint
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  const client = new SSMClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    maxAttempts: 1,
  })
  await client.send(new PutParameterCommand({ Name: '/p', Value: 'CANARY-7f3a-bin', Type: 'SecureString' }))
  const got = await client.send(new GetParameterCommand({ Name: '/p', WithDecryption: true }))
  client.destroy()
  expect(got.Parameter?.Value).toBe('CANARY-7f3a-bin')
  server.child.kill(signal)
  expect(await server.exit).toBe(0)
  const { out, err } = server.output()
  expect(err).toContain(`${signal}, stopping`)
  expect(`${out}${err}`).not.toContain('CANARY-7f3a')
  expect(JSON.parse(readFileSync(data, 'utf8')).parameters['/p'].versions[0].value).toBe('CANARY-7f3a-bin')
})

test('--help through the bin link exits 0; a bad flag exits 2 with the usage', async () => {
  const help = start(['--help'])
  expect(await help.exit).toBe(0)
  expect(help.output().out).toMatch(/^Usage: middy-secrets-local/)
  const bad = start(['--nope'])
  expect(await bad.exit).toBe(2)
  expect(bad.output().err).toMatch(/Unknown option '--nope'[\s\S]*Usage:/)
})

test('a seed file with an unknown section exits 2 naming it and the known ones, without its values', async () => {
  const seed = join(folder.path, 'seed.json')
  writeFileSync(seed, JSON.stringify({ parameter: { '/app/token': 'CANARY-7f3a-lost' } }))
  const run = start(['--port', '0', '--seed', seed])
  children.push(run.child)
  expect(await run.exit).toBe(2)
  const { out, err } = run.output()
  expect(err).toBe(
    `middy-secrets-local: --seed ${seed}: seed file: unknown section "parameter" (did you mean "parameters"?); the sections are "parameters", "secrets" and "appconfig"\n`,
  )
  expect(`${out}${err}`).not.toContain('CANARY-7f3a')
})
