/**
 * Lists a customer's invoices. Reads the shared connection string through db.js, like orders.js: both
 * functions follow a rotation of /shared/db-url within `cacheExpiry`, without a redeploy.
 */
import middy from '@middy/core'
import { secrets } from 'middy-secrets'
import { createDatabase, dbParameters } from './db.js'

/** @param {ReturnType<typeof createDatabase>} db */
const listInvoices = (db) => async (event, context) => {
  const pool = db.pool(context)
  const customerId = event?.pathParameters?.customerId
  const { rows } = await pool.query('select id, due_date from invoices where customer_id = $1', [customerId])
  return { invoices: rows, poolBuilds: db.builds, passwordFingerprint: pool.passwordFingerprint }
}

/**
 * Builds the function: `overrides` are merged into the middleware's options (a local store, a short expiry).
 * An `onChange` among them runs after the pool's own.
 *
 * @param {Partial<import('middy-secrets').SecretsOptions>} [overrides]
 */
export const createHandler = (overrides = {}) => {
  const db = createDatabase()
  const config = secrets({
    fetchData: dbParameters,
    ...overrides,
    onChange: (keys) => {
      db.onChange(keys)
      overrides.onChange?.(keys)
    },
  })
  return { handler: middy(listInvoices(db)).use(config), secrets: config, db }
}

// Built at load in Lambda (the first fetch overlaps the init phase); elsewhere only on first call, so that
// importing this file in a test or the demo never reaches for AWS.
let lambdaHandler = process.env.AWS_LAMBDA_FUNCTION_NAME ? createHandler().handler : undefined

/** The entry point serverless.yml names: `invoices.handler`. */
export const handler = (event, context) => {
  lambdaHandler ??= createHandler().handler
  return lambdaHandler(event, context)
}
