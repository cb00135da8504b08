/**
 * What the shared-config functions have in common: the parameters that locate the database, and a pool
 * rebuilt when the connection string rotates. Every function that talks to the database reads the same
 * parameter, so a rotation is one `put-parameter`, not a redeploy of every service.
 */
import { createHash } from 'node:crypto'
import middy from '@middy/core'
import { secrets } from 'middy-secrets'

/** The parameters every database function reads. */
export const dbParameters = {
  // A SecureString under a customer-managed KMS key: postgres://user:password@host:port/db
  DB_URL: '/shared/db-url',
  // Not secret: every parameter under the path, as numbers, e.g. { max: 5, 'idle-timeout-ms': 10000 }.
  DB_POOL: { name: '/shared/db-pool/', transform: 'number' },
}

const fingerprint = (secret) => createHash('sha256').update(secret).digest('hex').slice(0, 8)

/**
 * A stand-in for a real pool (pg.Pool and the like): it connects to nothing and keeps no copy of the URL,
 * only a fingerprint of the password it would log in with, so a test can see which password it uses.
 */
export class FakePool {
  /**
   * @param {string} url the connection string
   * @param {Record<string, number>} [settings] the pool settings under /shared/db-pool/
   */
  constructor(url, settings = {}) {
    this.passwordFingerprint = fingerprint(decodeURIComponent(new URL(url).password))
    this.max = settings.max ?? 10
    this.open = true
  }

  /**
   * @param {string} _sql
   * @param {unknown[]} [_params]
   * @returns {Promise<{ rows: unknown[] }>}
   */
  async query(_sql, _params = []) {
    if (!this.open) throw new Error('FakePool: query on a pool that was ended')
    return { rows: [] }
  }

  /** Like pg's `pool.end()`: no new queries; one already running (it checked `open`) still completes. */
  async end() {
    this.open = false
  }
}

/**
 * One pool per function instance, built on first use from the invocation's `DB_URL`. `onChange` drops it when
 * the URL (or the pool settings) changed: middy-secrets hands `onChange` key names, never values, and the new
 * value reaches the handler on the next invocation's `context`, so that is where the new pool is built.
 */
export const createDatabase = () => {
  /** @type {FakePool | undefined} */
  let pool
  const db = {
    /** How many pools this instance has built: 1 after the cold start, one more per rotation. */
    builds: 0,
    /** @param {{ DB_URL: string, DB_POOL: Record<string, number> }} context */
    pool(context) {
      if (!pool) {
        pool = new FakePool(context.DB_URL, context.DB_POOL)
        db.builds++
      }
      return pool
    },
    /** @param {string[]} keys the keys whose value changed, from middy-secrets' `onChange` */
    onChange(keys) {
      if (!keys.includes('DB_URL') && !keys.includes('DB_POOL')) return
      pool?.end()
      pool = undefined
    },
  }
  return db
}

/**
 * Wires one database function: middy, middy-secrets reading {@link dbParameters}, and the pool dropped on a
 * rotation. `createHandler(overrides)` builds it (`overrides` are merged into the middleware's options — a
 * local store, a short expiry; an `onChange` among them runs after the pool's own); `handler` is the entry
 * point serverless.yml names, built at load in Lambda (the first fetch overlaps the init phase) and elsewhere
 * only on first call, so that importing a function in a test or the demo never reaches for AWS.
 *
 * @param {(db: ReturnType<typeof createDatabase>) => (event: any, context: any) => Promise<unknown>} query
 */
export const databaseFunction = (query) => {
  /** @param {Partial<import('middy-secrets').SecretsOptions>} [overrides] */
  const createHandler = (overrides = {}) => {
    const db = createDatabase()
    const config = secrets({
      fetchData: dbParameters,
      ...overrides,
      onChange: (keys) => {
        db.onChange(keys)
        overrides.onChange?.(keys)
      },
    })
    return { handler: middy(query(db)).use(config), secrets: config, db }
  }
  let lambdaHandler = process.env.AWS_LAMBDA_FUNCTION_NAME ? createHandler().handler : undefined
  const handler = (event, context) => {
    lambdaHandler ??= createHandler().handler
    return lambdaHandler(event, context)
  }
  return { createHandler, handler }
}
