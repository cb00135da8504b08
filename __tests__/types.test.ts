import middy from '@middy/core'
import {
  type JsonValue,
  type SecretsContext,
  type SecretsMiddleware,
  type SecretsOptions,
  secrets,
} from '../src/index.js'
import { lambdaContext, useStore } from './support/harness.js'

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
