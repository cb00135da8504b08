/**
 * Lists a customer's orders. Reads the shared connection string through db.js, like invoices.js: both
 * functions follow a rotation of /shared/db-url within `cacheExpiry`, without a redeploy.
 */
import { databaseFunction } from './db.js'

/** @param {ReturnType<typeof import('./db.js').createDatabase>} db */
const listOrders = (db) => async (event, context) => {
  const pool = db.pool(context)
  const customerId = event?.pathParameters?.customerId
  const { rows } = await pool.query('select id, total from orders where customer_id = $1', [customerId])
  return { orders: rows, poolBuilds: db.builds, passwordFingerprint: pool.passwordFingerprint }
}

/** `createHandler(overrides)` for tests and the demo; `handler` is the entry point serverless.yml names: `orders.handler`. */
export const { createHandler, handler } = databaseFunction(listOrders)

/** This function's map (db.js's parameters), for the least-privilege check of serverless.yml's roles. */
export { dbParameters as fetchData } from './db.js'
