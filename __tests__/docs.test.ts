import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// Every public export carries TSDoc with an @example: the API reference (TypeDoc) is built from it.
const src = fileURLToPath(new URL('../src/', import.meta.url))
const local = fileURLToPath(new URL('../packages/local/src/', import.meta.url))
// Recursive: public types live in src/core/ and src/sources/ too.
const below = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => `${dir}${f}`)
const files = [...below(src), ...below(local)].filter((f) => f.endsWith('.ts'))
const sources = files.map((f) => readFileSync(f, 'utf8'))

const exportedNames = (entry: string): string[] => {
  const text = readFileSync(entry, 'utf8')
  const names: string[] = []
  for (const block of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of (block[1] as string).split(',')) {
      const name = part
        .replace(/\btype\b/, '')
        .trim()
        .split(/\s+as\s+/)[0]
      if (name) names.push(name)
    }
  }
  return names
}

const docOf = (name: string): string | undefined => {
  const declaration = new RegExp(
    `(/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/)\\s*export\\s+(?:declare\\s+)?(?:const|class|interface|type|function|enum)\\s+${name}\\b`,
  )
  for (const text of sources) {
    const match = declaration.exec(text)
    if (match) return match[1]
  }
  return undefined
}

describe('API docs', () => {
  test.each([
    ['src/index.ts', exportedNames(`${src}index.ts`)],
    ['packages/local/src/index.ts', exportedNames(`${local}index.ts`)],
  ])('every export of %s has TSDoc with an @example', (_entry, names) => {
    expect(names.length).toBeGreaterThan(5)
    const missing = names.filter((name) => !docOf(name)?.includes('@example'))
    expect(missing).toEqual([])
  })
})
