// Type tests of createSecrets, secrets(instance) and the Source interface, against the built package's .d.ts.
import middy from '@middy/core'
import { createSecrets, type JsonValue, type SecretsInstance, type Source, secrets } from 'middy-secrets'

const options = {
  fetchData: {
    TOKEN: '/bots/superman/twitter-token',
    LIMITS: { name: '/shared/limits', transform: 'json' },
    PORT: { name: '/shared/port', transform: 'number' },
    OPTIONAL: { name: '/shared/optional', required: false },
    DB: '/shared/db/',
  },
} as const
const store = createSecrets(options)

export const plain = async (_event: unknown, context: { getRemainingTimeInMillis(): number }) => {
  const values = await store.get(context)
  const token: string = values.TOKEN
  const limits: JsonValue = values.LIMITS
  const port: number = values.PORT
  const optional: string | undefined = values.OPTIONAL
  const db: Record<string, string> = values.DB
  // @ts-expect-error a number is not a string
  const wrong: string = values.PORT
  // @ts-expect-error an optional value may be undefined
  const notOptional: string = values.OPTIONAL
  // @ts-expect-error keys not in the map are not there
  values.NOT_IN_MAP
  // @ts-expect-error the values are read-only: they are shared by every get()
  values.TOKEN = 'x'
  return [token, limits, port, optional, db, wrong, notOptional]
}

// get() takes no argument, or anything with getRemainingTimeInMillis.
store.get()
// @ts-expect-error not a context
store.get('soon')

store.invalidate(['TOKEN'])
// @ts-expect-error not a key of the map
store.invalidate(['TOKNE'])

// The same instance serves a middy handler, typed the same way.
export const withMiddy = middy()
  .use(secrets(store))
  .handler(async (_event, context) => {
    const port: number = context.PORT
    // @ts-expect-error PORT is a number
    const wrong: string = context.PORT
    return [port, wrong]
  })

export const general: SecretsInstance<typeof options> = store

// A store of your own: a Source in `stores`.
const vault: Source = {
  calls: 0,
  async fetch(refs, _signal, out) {
    for (const ref of refs) out.set(ref.id, { ok: true, raw: ref.name })
  },
}
secrets({ fetchData: { A: 'vault:a' }, stores: { vault } })
// @ts-expect-error a source has fetch() and calls
secrets({ fetchData: { A: 'vault:a' }, stores: { vault: { fetch: async () => {} } } })
export const badSource: Source = {
  calls: 0,
  async fetch(refs, _signal, out) {
    // @ts-expect-error a raw value is a string or an object of strings
    out.set(refs[0]!.id, { ok: true, raw: 3 })
    // @ts-expect-error a reason is one of the package's reasons
    out.set(refs[0]!.id, { ok: false, failure: { reason: 'oops' } })
  },
}
