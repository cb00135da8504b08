// Compiles against the packed package's own .d.ts: typed values on context, and wrong types refused.
import middy from '@middy/core'
import { type SecretsContext, secrets } from 'middy-secrets'

const options = {
  fetchData: {
    TOKEN: '/bots/superman/twitter-token',
    PORT: { name: '/shared/port', transform: 'number' },
    DB: '/shared/db/',
    OPTIONAL: { name: '/shared/optional', required: false },
  },
} as const

const superman = async (_event: unknown, context: SecretsContext<typeof options>) => {
  const token: string = context.TOKEN
  const port: number = context.PORT
  const host: string | undefined = context.DB.host
  const optional: string | undefined = context.OPTIONAL
  // @ts-expect-error a number is not a string
  const wrong: string = context.PORT
  // @ts-expect-error may be undefined
  const notOptional: string = context.OPTIONAL
  // @ts-expect-error not in the map
  context.MISSING
  return [token, port, host, optional, wrong, notOptional]
}

export const handler = middy(superman).use(secrets(options))

export const inline = middy()
  .use(secrets({ fetchData: { N: { name: '/n', transform: 'number' } } }))
  .handler(async (_event, context) => {
    const n: number = context.N
    // @ts-expect-error N is a number
    const s: string = context.N
    return [n, s]
  })
