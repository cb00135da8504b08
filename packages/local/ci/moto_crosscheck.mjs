// Two independent peers agree with the runtime: one map of parameters, paths and secrets is seeded into moto
// (`python3 -m moto.server`) and into middy-secrets-local through the same SDK calls, then read through the
// middy-secrets middleware from each. Only what moto models faithfully: plain names (latest version), paths
// (recursive and one level), the three parameter types, secrets. Not selectors: moto 5.2 answers `name:1` without
// the `Selector` field AWS documents (SSM-FACTS.md), so the middleware rightly finds no answer for it there. Ends with `moto cross-check: N keys agree, M differ`.
// Needs both packages built (npm run build). Prints key names, never values.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { isDeepStrictEqual } from 'node:util'
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm'
import middy from '@middy/core'
import { secrets } from '../../../dist/index.js'
import { invoke, startLocalStore } from '../dist/index.js'

const PARAMETERS = [
  ['/xc/app/db-url', 'postgres://db-v1.local', 'String'],
  ['/xc/app/db-url', 'postgres://db-v2.local', 'String'],
  ['/xc/app/token', 'fake-token', 'SecureString'],
  ['/xc/app/hosts', 'a.local,b.local', 'StringList'],
  ['/xc/app/db/host', 'db.local', 'String'],
  ['/xc/app/db/port', '5432', 'String'],
  ['/xc/app/db/pool/size', '10', 'String'],
  ['xc-flat', 'flat-value', 'String'],
]
const SECRETS = [
  ['xc/db', '{"user":"app","password":"fake-password"}'],
  ['xc/api', 'fake-api-key'],
]
const fetchData = {
  DB_URL: '/xc/app/db-url',
  TOKEN: '/xc/app/token',
  HOSTS: { name: '/xc/app/hosts', transform: 'stringList' },
  DB: '/xc/app/db/',
  APP: { name: '/xc/app/', recursive: false },
  FLAT: 'xc-flat',
  DB_SECRET: { name: 'secretsmanager:xc/db', transform: 'json' },
  API: 'secretsmanager:xc/api',
  MISSING: { name: '/xc/nope', required: false },
}
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' }

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

const startMoto = async () => {
  const port = await freePort()
  const child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' })
  const endpoint = `http://127.0.0.1:${port}`
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`moto.server exited with ${child.exitCode}`)
    try {
      await fetch(`${endpoint}/moto-api/`)
      return { endpoint, stop: () => child.kill('SIGTERM') }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  child.kill('SIGKILL')
  throw new Error('moto.server did not answer within 20 s')
}

const seed = async (endpoint) => {
  const config = { endpoint, region: 'us-east-1', credentials, maxAttempts: 1 }
  const ssm = new SSMClient(config)
  const sm = new SecretsManagerClient(config)
  try {
    for (const [Name, Value, Type] of PARAMETERS) {
      await ssm.send(new PutParameterCommand({ Name, Value, Type, Overwrite: true }))
    }
    for (const [Name, SecretString] of SECRETS) await sm.send(new CreateSecretCommand({ Name, SecretString }))
  } finally {
    ssm.destroy()
    sm.destroy()
  }
}

const read = async (endpoint) => {
  const handler = middy()
    .use(
      secrets({
        fetchData,
        fallbackToEnv: false,
        // MISSING is missing on purpose: its warning is expected, not news.
        logger: { warn: () => {} },
        awsClientOptions: { endpoint, region: 'us-east-1', credentials, maxAttempts: 1 },
      }),
    )
    .handler(async (_event, context) => Object.fromEntries(Object.keys(fetchData).map((key) => [key, context[key]])))
  return invoke(handler, {})
}

const moto = await startMoto()
const store = await startLocalStore()
let differ = []
let agree = 0
try {
  await seed(moto.endpoint)
  await seed(store.clientConfig.endpoint)
  const fromMoto = await read(moto.endpoint)
  const fromLocal = await read(store.clientConfig.endpoint)
  for (const key of Object.keys(fetchData)) {
    if (isDeepStrictEqual(fromMoto[key], fromLocal[key])) agree++
    else differ.push(key)
  }
  // Agreement on nothing would prove nothing: the values must be the ones seeded.
  if (fromLocal.DB_URL !== 'postgres://db-v2.local' || fromLocal.DB?.['pool/size'] !== '10')
    differ.push('(seeded values)')
} catch (error) {
  console.error(`moto cross-check: ${error.name}: ${error.code ?? ''}`)
  differ = ['(run failed)']
} finally {
  moto.stop()
  await store.close()
}
if (differ.length > 0) console.error(`differ: ${differ.join(', ')}`)
console.log(`moto cross-check: ${agree} keys agree, ${differ.length} differ`)
process.exitCode = differ.length === 0 ? 0 : 1
