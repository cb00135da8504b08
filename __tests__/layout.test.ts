import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// DESIGN §6: the runtime never imports the local store (it lives in packages/local as middy-secrets-local).
const src = fileURLToPath(new URL('../src/', import.meta.url))
const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))

const importsOf = (text: string): string[] =>
  [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1] as string)

const emulator = (specifier: string): boolean =>
  specifier === 'middy-secrets-local' ||
  specifier.startsWith('middy-secrets-local/') ||
  specifier.includes('packages/local') ||
  specifier.includes('/local/')

test('nothing under src/ imports the local store', () => {
  expect(files.length).toBeGreaterThan(10)
  const offenders = files.flatMap((file) =>
    importsOf(readFileSync(`${src}${file}`, 'utf8'))
      .filter(emulator)
      .map((specifier) => `${file}: ${specifier}`),
  )
  expect(offenders).toEqual([])
})

test('the check sees an import of the local store in each form it can take', () => {
  const forms = [
    "import { startLocalStore } from 'middy-secrets-local'",
    "import type { FaultKind } from '../packages/local/src/index.js'",
    "const local = await import('./local/index.js')",
    'export * from "middy-secrets-local/dist/index.js"',
  ]
  for (const form of forms) expect(importsOf(form).some(emulator)).toBe(true)
  expect(importsOf("import { parseRef } from './parameter.js'").some(emulator)).toBe(false)
})

test('the runtime package neither exports nor ships the local store', () => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    exports: Record<string, unknown>
    files: string[]
    workspaces: string[]
  }
  expect(Object.keys(manifest.exports).filter((entry) => entry.includes('local'))).toEqual([])
  expect(manifest.files.filter((entry) => entry.includes('local') || entry.includes('packages'))).toEqual([])
  expect(manifest.workspaces).toContain('packages/local')
})
