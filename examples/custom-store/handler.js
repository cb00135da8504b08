/**
 * Entries `config:<name>` come from the HTTP config service, beside Parameter Store entries, in one map: each
 * gets the same ladder, refresh and typing. The same cache serves a plain handler (`createSecrets`) and a middy
 * one (`secrets(instance)`).
 */
import middy from '@middy/core'
import { createSecrets, secrets } from 'middy-secrets'
import { httpConfigSource } from './config-service.js'

/** @param {Record<string, unknown>} [overrides] options merged over the defaults (the tests use it) */
export const createHandlers = (overrides = {}) => {
  const config = createSecrets({
    fetchData: {
      FLAGS: { name: 'config:checkout/flags', transform: 'json' },
      GREETING: 'config:checkout/greeting',
    },
    stores: { config: httpConfigSource(process.env.CONFIG_URL ?? 'http://127.0.0.1:8080') },
    ...overrides,
  })

  /** A plain Lambda handler: no middy. */
  const plain = async (/** @type {unknown} */ _event, /** @type {import('aws-lambda').Context} */ context) => {
    const { FLAGS, GREETING } = await config.get(context)
    return { greeting: GREETING, flags: FLAGS }
  }

  /** A middy handler served from the same cache: no second fetch. */
  const withMiddy = middy()
    .use(secrets(config))
    .handler(async (_event, context) => ({ greeting: context.GREETING }))

  return { plain, withMiddy, config }
}
