// The installed command, as a user runs it: `npx middy-secrets-local` (the workspace's bin link) from the build
// that `npm test` makes first (pretest), stopped with Ctrl-C (SIGINT) and with SIGTERM.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm'
import { useTempDir } from './support/cli.js'

const bin = fileURLToPath(new URL('../../../node_modules/.bin/middy-secrets-local', import.meta.url))

const start = (args: string[], options: SpawnOptions = {}) => {
  const child = spawn(bin, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
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

// Permissions do not bind root: as root, the command runs as nobody (65534) for the permission cases, so they hold
// for whoever runs the tests.
const unprivileged: SpawnOptions = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}

/** Runs the command to its end: it must exit, within the test's timeout (a hang fails the test), with nothing on stdout. */
const refused = async (args: string[], options: SpawnOptions = {}) => {
  const run = start(args, options)
  children.push(run.child)
  const code = await run.exit
  const { out, err } = run.output()
  expect(out).toBe('')
  expect(err).not.toMatch(/\n\s+at /)
  return { code, err }
}

describe('a file the command cannot read or write: exit 2, a message naming it and what to do, never a hang', () => {
  test('the reported input: --data in a folder that does not exist', async () => {
    expect(existsSync('/nonexistent-dir')).toBe(false)
    expect(await refused(['--data', '/nonexistent-dir/x.json', '--port', '0'])).toEqual({
      code: 2,
      err:
        'middy-secrets-local: --data /nonexistent-dir/x.json cannot be saved: the folder /nonexistent-dir does not ' +
        'exist (ENOENT); create it, or choose a path in an existing folder\n',
    })
  })

  test('--seed names a file that does not exist', async () => {
    const seed = join(folder.path, 'missing.json')
    expect(await refused(['--port', '0', '--seed', seed])).toEqual({
      code: 2,
      err: `middy-secrets-local: --seed ${seed} cannot be read: no such file (ENOENT); check the path\n`,
    })
  })

  test.each(['--seed', '--data'])('%s names a folder', async (flag) => {
    expect(await refused(['--port', '0', flag, folder.path])).toEqual({
      code: 2,
      err: `middy-secrets-local: ${flag} ${folder.path} cannot be read: it is a folder, not a file (EISDIR); name a JSON file\n`,
    })
  })

  test.each(['--seed', '--data'])('%s names a file under a file', async (flag) => {
    const file = join(folder.path, 'plain.txt')
    writeFileSync(file, 'x')
    const path = join(file, 'x.json')
    expect(await refused(['--port', '0', flag, path])).toEqual({
      code: 2,
      err:
        flag === '--seed'
          ? `middy-secrets-local: --seed ${path} cannot be read: a part of the path is a file, not a folder (ENOTDIR); check the path\n`
          : `middy-secrets-local: --data ${path} cannot be saved: a part of the path is a file, not a folder (ENOTDIR); check the path\n`,
    })
  })

  test.each(['--seed', '--data'])('%s names a file this user may not read', async (flag) => {
    chmodSync(folder.path, 0o755)
    const file = join(folder.path, 'secret.json')
    writeFileSync(file, JSON.stringify({ parameters: { '/p': 'CANARY-7f3a-unread' } }))
    chmodSync(file, 0o000)
    expect(await refused(['--port', '0', flag, file], unprivileged)).toEqual({
      code: 2,
      err: `middy-secrets-local: ${flag} ${file} cannot be read: permission denied (EACCES); give this user access to it, or choose another path\n`,
    })
  })

  test('--data in a folder this user may not write in', async () => {
    chmodSync(folder.path, 0o755)
    const locked = join(folder.path, 'locked')
    mkdirSync(locked, { mode: 0o555 })
    const data = join(locked, 'data.json')
    expect(await refused(['--port', '0', '--data', data], unprivileged)).toEqual({
      code: 2,
      err: `middy-secrets-local: --data ${data} cannot be saved: this user may not write in the folder ${locked} (EACCES); choose a folder this user can write to\n`,
    })
    expect(existsSync(data)).toBe(false)
  })

  test('a seed file that is not JSON: line and column, never its text', async () => {
    const seed = join(folder.path, 'seed.json')
    writeFileSync(seed, '{\n  "parameters": {\n    "/app/token": "CANARY-7f3a-json" x\n  }\n}\n')
    const { code, err } = await refused(['--port', '0', '--seed', seed])
    expect({ code, err }).toEqual({
      code: 2,
      err: `middy-secrets-local: --seed ${seed} is not valid JSON: line 3, column 38\n`,
    })
    expect(err).not.toContain('CANARY-7f3a')
  })

  test('the --data folder removed while serving: the next write stops the command with exit 2', async () => {
    const sub = join(folder.path, 'sub')
    mkdirSync(sub)
    const data = join(sub, 'data.json')
    const server = start(['--port', '0', '--data', data])
    children.push(server.child)
    const client = new SSMClient({
      endpoint: await server.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      maxAttempts: 1,
    })
    rmSync(sub, { recursive: true })
    await client.send(new PutParameterCommand({ Name: '/p', Value: 'CANARY-7f3a-lost', Type: 'SecureString' }))
    client.destroy()
    expect(await server.exit).toBe(2)
    const { out, err } = server.output()
    expect(err.split('\n').at(-2)).toBe(
      `middy-secrets-local: --data ${data} cannot be saved: the folder ${sub} does not exist (ENOENT); create it, or choose a path in an existing folder`,
    )
    expect(`${out}${err}`).not.toContain('CANARY-7f3a')
  })

  test('the --data folder removed before Ctrl-C: exit 2 naming the file, not 0 with the writes lost', async () => {
    const sub = join(folder.path, 'sub')
    mkdirSync(sub)
    const data = join(sub, 'data.json')
    const server = start(['--port', '0', '--data', data])
    children.push(server.child)
    await server.endpoint
    rmSync(sub, { recursive: true })
    server.child.kill('SIGINT')
    expect(await server.exit).toBe(2)
    expect(server.output().err.split('\n').slice(-3, -1)).toEqual([
      'middy-secrets-local: SIGINT, stopping',
      `middy-secrets-local: --data ${data} cannot be saved: the folder ${sub} does not exist (ENOENT); create it, or choose a path in an existing folder`,
    ])
  })
})

test('counts are written as counted: 1 parameter, 1 secret, 1 AppConfig profile; 0 and 2 in the plural', async () => {
  const seed = join(folder.path, 'seed.json')
  writeFileSync(seed, JSON.stringify({ parameters: { '/p': 'v' }, secrets: { s: 'v' }, appconfig: { 'a/b/c': '{}' } }))
  const one = start(['--port', '0', '--seed', seed])
  children.push(one.child)
  const endpoint = await one.endpoint
  expect(one.output().err).toContain(`on ${endpoint} (1 parameter, 1 secret, 1 AppConfig profile)\n`)
  writeFileSync(seed, JSON.stringify({ parameters: { '/p': 'v', '/q': 'w' }, secrets: { s: 'v', t: 'w' } }))
  const more = start(['--port', '0', '--seed', seed])
  children.push(more.child)
  const other = await more.endpoint
  expect(more.output().err).toContain(`on ${other} (2 parameters, 2 secrets, 0 AppConfig profiles)\n`)
})
