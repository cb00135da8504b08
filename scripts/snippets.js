// `npm run typecheck` part two: every ```ts block of the README, docs/ and packages/local/README.md compiles as
// written (a README example that does not compile is a bug report waiting to happen: TS2322 on
// `awsClientOptions: store.clientConfig` shipped once). Each block is its own module; names a fragment may use
// without importing are declared once in the prelude below. Usage: node scripts/snippets.js [file.md …]
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const out = `${root}node_modules/.cache/middy-secrets-snippets/`
const files =
  process.argv.length > 2
    ? process.argv.slice(2)
    : [
        'README.md',
        ...readdirSync(`${root}docs`)
          .filter((f) => f.endsWith('.md'))
          .map((f) => `docs/${f}`),
        'packages/local/README.md',
      ]

const PRELUDE = `// Names the docs' fragments use without importing them.
declare global {
  const secrets: typeof import('middy-secrets').secrets
  function postTweet(token: string): Promise<unknown>
}
export {}
`

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
const origin = new Map()
let count = 0
for (const file of files) {
  const lines = readFileSync(new URL(file, `file://${root}`), 'utf8').split('\n')
  let start = -1
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (start < 0 && /^```(ts|typescript)\s*$/.test(line)) start = i + 1
    else if (start >= 0 && /^```\s*$/.test(line)) {
      const name = `${file.replace(/[^a-zA-Z0-9]+/g, '_')}_${start + 1}.ts`
      writeFileSync(`${out}${name}`, `${lines.slice(start, i).join('\n')}\nexport {}\n`)
      origin.set(name, { file, line: start })
      count++
      start = -1
    }
  }
}
writeFileSync(`${out}prelude.d.ts`, PRELUDE)
// The handler module the testing recipes import as './handler.js'.
writeFileSync(
  `${out}handler.ts`,
  "export declare const handler: (event: unknown, context: import('aws-lambda').Context) => Promise<unknown>\n",
)
writeFileSync(
  `${out}tsconfig.json`,
  JSON.stringify({
    extends: `${root}tsconfig.json`,
    compilerOptions: {
      noEmit: true,
      rootDir: root,
      types: ['node'],
      noUnusedLocals: false,
      paths: {
        'middy-secrets': [`${root}src/index.ts`],
        'middy-secrets-local': [`${root}packages/local/src/index.ts`],
      },
    },
    include: [`${out}*.ts`],
  }),
)
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const run = spawnSync(process.execPath, [tsc, '-p', `${out}tsconfig.json`, '--pretty', 'false'], { encoding: 'utf8' })
const report = `${run.stdout}${run.stderr}`.replace(
  /^(?:.*\/)?([A-Za-z0-9_]+\.ts)\((\d+),(\d+)\)/gm,
  (whole, name, line, column) => {
    const at = origin.get(name)
    return at ? `${at.file}:${at.line + Number(line)}:${column}` : whole
  },
)
if (run.status !== 0) {
  process.stderr.write(`${report}\nsnippets: a TypeScript block in the docs does not compile (above)\n`)
  process.exit(1)
}
console.log(`snippets: ${count} TypeScript blocks in ${files.length} files compile`)
