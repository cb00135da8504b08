// The context a handler sees, from the built package's .d.ts.
import middy from '@middy/core'
import type { Context } from 'aws-lambda'
import { type SecretsContext, secrets } from 'middy-secrets'

// Declared without `as const`: the names are only `string`, so a path cannot be told from a name and the value
// may be either; the handler narrows instead of reading a string that is really an object.
const loose = {
  fetchData: {
    DB: '/shared/db/',
    OPTIONAL: { name: '/shared/optional', required: false },
  },
}
export const looseHandler = async (_event: unknown, context: SecretsContext<typeof loose>) => {
  // @ts-expect-error may be an object (a path)
  const db: string = context.DB
  const either: string | Record<string, string> = context.DB
  const host = typeof context.DB === 'string' ? undefined : context.DB.host
  // @ts-expect-error required is only known to be a boolean: it may be missing
  const optional: string | Record<string, string> = context.OPTIONAL
  return [db, either, host, optional]
}

const exact = {
  fetchData: {
    DB: '/shared/db/',
    TOKEN: '/bots/token',
    PORT: { name: '/shared/port', transform: 'number' },
    HOSTS: { name: '/shared/hosts', transform: 'stringList' },
    CREDS: { name: 'secretsmanager:prod/db', transform: 'json' },
    OPTIONAL: { name: '/shared/optional', required: false },
  },
} as const
export const exactHandler = async (_event: unknown, context: SecretsContext<typeof exact>) => {
  const db: Record<string, string> = context.DB
  const token: string = context.TOKEN
  const port: number = context.PORT
  const hosts: string[] = context.HOSTS
  const optional: string | undefined = context.OPTIONAL
  // @ts-expect-error a path is an object
  const dbString: string = context.DB
  // @ts-expect-error may be undefined
  const required: string = context.OPTIONAL
  // @ts-expect-error not in the map
  context.MISSING
  // The Lambda context stays typed (from @types/aws-lambda, a peer): never `any`.
  const remaining: number = context.getRemainingTimeInMillis()
  // @ts-expect-error functionName is a string
  const functionName: number = context.functionName
  const lambda: Context = context
  return [db, token, port, hosts, optional, dbString, required, remaining, functionName, lambda, context.CREDS]
}

export const handler = middy(exactHandler).use(secrets(exact))
