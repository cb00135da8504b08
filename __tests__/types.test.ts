import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import middy from '@middy/core'
import {
  type JsonValue,
  type SecretsContext,
  type SecretsMiddleware,
  type SecretsOptions,
  secrets,
} from '../src/index.js'
import { lambdaContext, runNode, useStore } from './support/harness.js'

// Compile-time checks: `npm run typecheck` fails if a type here is wrong; the test runs the same code.
const s = useStore()

const options = {
  fetchData: {
    TOKEN: '/types/token',
    DB: '/types/db/',
    LIMITS: { name: '/types/limits', transform: 'json' },
    PORT: { name: '/types/port', transform: 'number' },
    ON: { name: '/types/on', transform: 'boolean' },
    HOSTS: { name: '/types/hosts', transform: 'stringList' },
    LENGTH: { name: '/types/token', transform: (raw: string) => raw.length },
    OPTIONAL: { name: '/types/optional', required: false },
  },
} as const

const superman = async (_event: unknown, context: SecretsContext<typeof options>) => {
  const token: string = context.TOKEN
  const db: Record<string, string> = context.DB
  const limits: JsonValue = context.LIMITS
  const port: number = context.PORT
  const on: boolean = context.ON
  const hosts: string[] = context.HOSTS
  const length: number = context.LENGTH
  const optional: string | undefined = context.OPTIONAL
  // @ts-expect-error a string is not a number
  const wrong: number = context.TOKEN
  // @ts-expect-error an optional value may be undefined
  const notOptional: string = context.OPTIONAL
  // @ts-expect-error keys not in the map are not on the context
  context.NOT_IN_MAP
  // the Lambda context is still there
  const fn: string = context.functionName
  return { token, db, limits, port, on, hosts, length, optional, wrong, notOptional, fn }
}

describe('types follow the map', () => {
  test('a handler typed with SecretsContext receives the typed values', async () => {
    s.store.put('/types/token', 'tok')
    s.store.put('/types/db/host', 'h')
    s.store.put('/types/limits', '{"max":3}')
    s.store.put('/types/port', '5432')
    s.store.put('/types/on', 'true')
    s.store.put('/types/hosts', 'a,b', { type: 'StringList' })
    const handler = middy(superman).use(secrets({ ...options, awsClientOptions: s.clientOptions }))
    const out = await handler({}, lambdaContext() as never)
    expect(out).toMatchObject({
      token: 'tok',
      db: { host: 'h' },
      limits: { max: 3 },
      port: 5432,
      on: true,
      hosts: ['a', 'b'],
      length: 3,
      optional: undefined,
      fn: 'test-fn',
    })
  })

  test('.use() types the context of .handler() without `as const`', async () => {
    s.store.put('/types/inline', 'inline')
    const handler = middy()
      .use(
        secrets({
          fetchData: { INLINE: '/types/inline', N: { name: '/types/port', transform: 'number' } },
          awsClientOptions: s.clientOptions,
        }),
      )
      .handler(async (_event, context) => {
        const inline: string = context.INLINE
        const n: number = context.N
        // @ts-expect-error N is a number
        const s2: string = context.N
        return [inline, n, s2]
      })
    expect(await handler({}, lambdaContext() as never)).toEqual(['inline', 5432, 5432])
  })

  test('setToContext false leaves the context type alone', () => {
    const ctx = lambdaContext() as SecretsContext<{ fetchData: { A: '/a' }; setToContext: false }>
    // @ts-expect-error not on the context
    expect(ctx.A).toBeUndefined()
  })
})

describe('exports', () => {
  test('the factory is also the default export', async () => {
    const module = await import('../src/index.js')
    expect(module.default).toBe(module.secrets)
  })
})

describe('assignability', () => {
  test('a middleware for one map is a SecretsMiddleware<SecretsOptions>', () => {
    const specific = secrets({ fetchData: { A: '/a' }, disablePrefetch: true })
    const general: SecretsMiddleware<SecretsOptions> = specific
    expect(general.stats().keys.A?.rung).toBe('pending')
  })
})

// The type tests in __tests__/types/ compile against the built package's rolled-up .d.ts, as a user's project
// does: every @ts-expect-error there must meet its error ("Unused '@ts-expect-error' directive" otherwise).
const root = fileURLToPath(new URL('..', import.meta.url))
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

describe('type tests (tsc on __tests__/types against dist/index.d.ts)', () => {
  test('every expected type error happens and nothing else fails', async () => {
    const result = await runNode([tsc, '-p', '__tests__/types/tsconfig.json', '--listFiles'], {}, 60_000)
    const errors = result.out.split('\n').filter((line) => line.includes('error TS'))
    expect(errors).toEqual([])
    expect(result.code).toBe(0)
    // The fixtures were compiled, against the built package's types (not the sources).
    expect(result.out).toContain('__tests__/types/options.ts')
    expect(result.out).toContain('__tests__/types/context.ts')
    expect(result.out).toContain('__tests__/types/core.ts')
    expect(result.out).toMatch(/\/dist\/index\.d\.ts/)
  })

  test('under exactOptionalPropertyTypes (strict presets) the middleware still fits .use()', async () => {
    const result = await runNode([tsc, '-p', '__tests__/types/exact/tsconfig.json', '--listFiles'], {}, 60_000)
    expect(result.out.split('\n').filter((line) => line.includes('error TS'))).toEqual([])
    expect(result.code).toBe(0)
    expect(result.out).toContain('__tests__/types/exact/use.ts')
  })

  test('a project without the AWS SDK installed still compiles, and its context is still typed', async () => {
    // The SDK config types are type-only imports: with skipLibCheck (tsc --init's default) they degrade to
    // `any` where the SDK is not installed, and nothing else changes.
    const dir = mkdtempSync(join(tmpdir(), 'middy-secrets-types-'))
    try {
      const modules = join(dir, 'node_modules')
      mkdirSync(join(modules, 'middy-secrets'), { recursive: true })
      mkdirSync(join(modules, '@types'), { recursive: true })
      cpSync(join(root, 'dist'), join(modules, 'middy-secrets', 'dist'), { recursive: true })
      cpSync(join(root, 'package.json'), join(modules, 'middy-secrets', 'package.json'))
      for (const name of ['@middy', '@types/aws-lambda', '@types/node']) {
        symlinkSync(join(root, 'node_modules', name), join(modules, name), 'dir')
      }
      writeFileSync(join(dir, 'package.json'), '{ "type": "module" }')
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { module: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
          files: ['handler.ts'],
        }),
      )
      writeFileSync(
        join(dir, 'handler.ts'),
        `import { type SecretsContext, secrets } from 'middy-secrets'
const options = {
  fetchData: {
    DB: 'secretsmanager:prod/db',
    PORT: { name: '/p', transform: 'number' },
    FLAGS: { name: 'appconfig:shop/prod/flags', transform: 'json' },
  },
  appConfig: { awsClientOptions: { region: 'eu-central-1' } },
} as const
export const main = async (_event: unknown, context: SecretsContext<typeof options>) => {
  const port: number = context.PORT
  // @ts-expect-error still typed: a number is not a string
  const wrong: string = context.PORT
  // @ts-expect-error still typed: the Lambda context's own fields
  const name: number = context.functionName
  return [port, wrong, name, context.DB]
}
export const mw = secrets(options)
`,
      )
      const result = await runNode([tsc, '-p', join(dir, 'tsconfig.json')], {}, 60_000)
      expect(result.out).toBe('')
      expect(result.code).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
