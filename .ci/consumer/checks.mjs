// Loads the installed middy-secrets every way a user's function can, on the Node that runs this script
// (`node checks.mjs`, once per Node version in .ci/run):
// - an esbuild bundle of an ES module handler, as ESM and as CommonJS (format 'cjs': CDK NodejsFunction's
//   default), run with Lambda's own flags (--no-experimental-require-module);
// - require('middy-secrets') from CommonJS: it works where Node can require an ES module (22.12 and later), and
//   under Lambda's nodejs20.x/22.x flags it fails with ERR_REQUIRE_ESM (the README says what to do), never
//   with ERR_PACKAGE_PATH_NOT_EXPORTED;
// - a CommonJS TypeScript file compiled with module nodenext (out/typed-cjs.cjs, built by `npm run build-cjs`).
import { execFile } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { startLocalStore } from 'middy-secrets-local'

const here = fileURLToPath(new URL('.', import.meta.url))
const major = Number(process.versions.node.split('.')[0])
const [minor] = process.versions.node.split('.').slice(1).map(Number)
const canRequireEsm = major > 22 || (major === 22 && minor >= 12)
const LAMBDA_FLAGS = ['--no-experimental-require-module']
let failed = 0
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} node ${process.version}: ${what}`)
  if (!ok) failed++
}
// Asynchronous: the local store answers from this process while the child runs.
const node = (args, env = {}) =>
  new Promise((resolve) => {
    const options = { cwd: here, env: { ...process.env, NODE_OPTIONS: '', ...env }, timeout: 30_000 }
    execFile(process.execPath, args, options, (error, stdout, stderr) =>
      resolve({ status: error ? (error.code ?? 1) : 0, stdout, stderr }),
    )
  })

const store = await startLocalStore({
  parameters: { '/consumer/token': 'fake-token', '/consumer/db/host': 'db.local' },
})
store.putSecret('consumer/bundled', '{"user":"fake-user"}')
const { endpoint, region, credentials } = store.clientConfig
// What Lambda gives a function, pointed at the local store.
const lambdaEnv = {
  AWS_ENDPOINT_URL_SSM: endpoint,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
  AWS_REGION: region,
  AWS_ACCESS_KEY_ID: credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  AWS_EC2_METADATA_DISABLED: 'true',
}
const invoke = (file, format) =>
  format === 'cjs'
    ? `const { handler } = require(${JSON.stringify(file)}); handler({}, { getRemainingTimeInMillis: () => 3000 }).then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e.name, e.code); process.exit(1) })`
    : `const { handler } = await import(${JSON.stringify(file)}); console.log(JSON.stringify(await handler({}, { getRemainingTimeInMillis: () => 3000 })))`
const expected = JSON.stringify({ token: 'fake-token', host: 'db.local', user: 'fake-user' })

try {
  mkdirSync(`${here}out`, { recursive: true })
  for (const format of ['esm', 'cjs']) {
    const outfile = `${here}out/lambda.${format === 'cjs' ? 'cjs' : 'mjs'}`
    // As CDK's NodejsFunction bundles for nodejs18.x and later: the AWS SDK is the runtime's, left external.
    await build({
      entryPoints: [`${here}lambda.mjs`],
      outfile,
      bundle: true,
      format,
      platform: 'node',
      target: 'node22',
      external: ['@aws-sdk/*'],
      logLevel: 'error',
    })
    const args =
      format === 'cjs' ? ['-e', invoke(outfile, 'cjs')] : ['--input-type=module', '-e', invoke(outfile, 'esm')]
    const run = await node([...LAMBDA_FLAGS, ...args], lambdaEnv)
    check(
      run.status === 0 && run.stdout.trim() === expected,
      `esbuild ${format} bundle runs under Lambda's flags (${run.stdout.trim() || run.stderr.trim().split('\n').at(-1)})`,
    )
  }

  const requireIt =
    "const m = require('middy-secrets'); console.log(typeof m.secrets, typeof m.default, typeof m.SecretsError)"
  const plain = await node(['-e', requireIt])
  if (canRequireEsm)
    check(
      plain.status === 0 && plain.stdout.trim() === 'function function function',
      `require('middy-secrets') works (${plain.stdout.trim() || plain.stderr.trim().split('\n').at(-1)})`,
    )
  else check(/ERR_REQUIRE_ESM/.test(plain.stderr), "require('middy-secrets') fails with ERR_REQUIRE_ESM")
  const flagged = await node([...LAMBDA_FLAGS, '-e', requireIt])
  check(
    flagged.status !== 0 &&
      /ERR_REQUIRE_ESM/.test(flagged.stderr) &&
      !/ERR_PACKAGE_PATH_NOT_EXPORTED/.test(flagged.stderr),
    "under Lambda's --no-experimental-require-module, require('middy-secrets') fails with ERR_REQUIRE_ESM",
  )
  const imported = await node([
    ...LAMBDA_FLAGS,
    '-e',
    "import('middy-secrets').then((m) => console.log(typeof m.secrets))",
  ])
  check(imported.stdout.trim() === 'function', "a CommonJS handler loads it with import() under Lambda's flags")

  const cts = await node(['out/typed-cjs.cjs'])
  if (canRequireEsm)
    check(
      cts.status === 0 && cts.stdout.includes('cjs typescript: function function function function'),
      `the nodenext CommonJS TypeScript output runs (${cts.stdout.trim() || cts.stderr.trim().split('\n').at(-1)})`,
    )
} finally {
  await store.close()
}
console.log(`consumer load checks on node ${process.version}: ${failed === 0 ? 'ok' : `${failed} failed`}`)
if (failed > 0) process.exitCode = 1
