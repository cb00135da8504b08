import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { APPCONFIG_OPERATIONS, AppConfigEngine, type DeployOptions, type SeedAppConfig } from './appconfig-engine.js'
import { appConfigReply, appConfigRequest, type RestReply } from './appconfig-http.js'
import { type EngineOptions, OPERATIONS, ParameterEngine, type ParameterType, type SsmOperation } from './engine.js'
import { SsmServiceError } from './errors.js'
import {
  applySecretDenials,
  type FaultDecision,
  type FaultEngine,
  FaultRules,
  type FaultSpec,
  faultError,
  internalError,
} from './faults.js'
import {
  type PutSecretOptions,
  SECRETS_OPERATIONS,
  SecretsEngine,
  type SecretsOperation,
  type SeedSecrets,
} from './secrets-engine.js'
import { unknownName } from './unknown-name.js'

/**
 * What an `SSMClient` or a `SecretsManagerClient` needs to talk to a started store: spread it into the client's
 * configuration. The credentials are fake, so nothing reaches for real ones or the instance metadata service.
 *
 * @example
 * ```ts
 * const ssm = new SSMClient({ ...store.clientConfig, maxAttempts: 1 })
 * const secretsManager = new SecretsManagerClient({ ...store.clientConfig, maxAttempts: 1 })
 * ```
 */
export interface LocalClientConfig {
  endpoint: string
  region: string
  credentials: { accessKeyId: string; secretAccessKey: string }
  // An index signature, so the config also fits option types that are records (`awsClientOptions`).
  [option: string]: unknown
}

/**
 * The environment variables that point an unmodified AWS SDK (v3 for JavaScript, boto3, the AWS CLI) at a
 * started store: per-service endpoints, the region (`AWS_REGION`, and `AWS_DEFAULT_REGION` for Python), and fake
 * credentials.
 *
 * @example
 * ```ts
 * Object.assign(process.env, store.env)
 * const { handler } = await import('./handler.js') // its SSMClient() now talks to the store
 * ```
 */
export interface LocalStoreEnv {
  AWS_ENDPOINT_URL_SSM: string
  AWS_ENDPOINT_URL_SECRETS_MANAGER: string
  AWS_ENDPOINT_URL_APPCONFIGDATA: string
  AWS_REGION: string
  AWS_DEFAULT_REGION: string
  AWS_ACCESS_KEY_ID: string
  AWS_SECRET_ACCESS_KEY: string
  [name: string]: string
}

/**
 * Options of a {@link LocalParameterStore}: the SSM engine's (`region`, `accountId`, `seed` and `now` serve the
 * Secrets Manager engine too), the secrets to seed, and a store-wide latency.
 *
 * @example
 * ```ts
 * const store = await startLocalStore({
 *   parameters: { '/app/db-url': 'postgres://db', '/app/token': { value: 's3cret', type: 'SecureString' } },
 *   secrets: { 'prod/db': '{"password":"p"}' },
 *   bestEffortPaging: true,
 *   seed: 42,
 *   latencyMs: 5,
 * })
 * ```
 */
export interface LocalStoreOptions extends EngineOptions {
  /** Added before every response, in ms. Default `0`. Settable later through `store.latencyMs`. */
  latencyMs?: number
  /** Port to listen on. Default `0`: the OS picks a free one (read it from `store.clientConfig.endpoint`). */
  port?: number
  /** Address to listen on. Default `'127.0.0.1'`: nothing off this machine can reach the store. */
  host?: string
  /**
   * How many of the latest requests `store.requests` keeps (older ones are dropped, so a long-running store
   * stays small; `store.calls` keeps counting all of them). Default `1000`.
   */
  maxRequests?: number
  /**
   * Called after every write that succeeded over the wire (any operation that is not a `Get`, `Describe`, `List`
   * or `BatchGet`): the CLI's `--data` file is saved from here. Not called for in-process writes.
   */
  onChange?: (operation: string) => void
  /** Secrets Manager secrets created at construction: name → value, each on `AWSCURRENT`. */
  secrets?: SeedSecrets
  /**
   * AppConfig configuration profiles deployed at construction: `application/environment/profile` → content (or
   * `{ content, contentType, versionLabel }`). Poll intervals and token lifetimes count on `now`: a test on a
   * manual clock passes the same clock here, and is never refused for polling too soon.
   */
  appconfig?: SeedAppConfig
}

// Every option, once: the record makes the compiler list a new one here.
const STORE_OPTIONS = Object.keys({
  latencyMs: true,
  port: true,
  host: true,
  maxRequests: true,
  onChange: true,
  secrets: true,
  appconfig: true,
  region: true,
  accountId: true,
  seed: true,
  bestEffortPaging: true,
  parameters: true,
  now: true,
} satisfies Record<keyof LocalStoreOptions, true>)

/**
 * Requests received per operation (the `X-Amz-Target` without its `AmazonSSM.` or `secretsmanager.` prefix), and
 * in `total` (both services). The implemented operations are always present (from 0); any other appears once
 * received.
 *
 * @example
 * ```ts
 * const calls: CallCounts = store.calls
 * expect(calls.GetParameters).toBe(3)
 * expect(calls.GetSecretValue).toBe(2)
 * expect(calls.total).toBe(5)
 * ```
 */
export type CallCounts = Record<string, number> &
  Record<'total' | SsmOperation | SecretsOperation | (typeof APPCONFIG_OPERATIONS)[number], number>

/**
 * One request as received, faulted or not. `input` is the parsed body (`undefined` if it was not JSON),
 * `at` the store's clock (`now`, default `Date.now`) when it arrived.
 *
 * @example
 * ```ts
 * const [first]: readonly RecordedRequest[] = store.requests
 * expect(first).toMatchObject({ operation: 'GetParameters', input: { Names: ['/app/db-url'] } })
 * ```
 */
export interface RecordedRequest {
  operation: string
  input: unknown
  at: number
}

/** Distinct unknown operation names counted one by one; any further ones share `OTHER_OPERATIONS`. */
const MAX_UNKNOWN_OPERATIONS = 100
const OTHER_OPERATIONS = '(other)'
const DEFAULT_MAX_REQUESTS = 1000
const READ_OPERATION = /^(Get|Describe|List|BatchGet)/
/** AWS rejects request bodies over 1 MiB before the service sees them. */
const MAX_BODY_BYTES = 1024 * 1024
const SSM_PREFIX = 'AmazonSSM.'
const SECRETS_PREFIX = 'secretsmanager.'
const FAKE_CREDENTIALS = { accessKeyId: 'LOCALSTOREFAKEKEY', secretAccessKey: 'local-parameter-store-fake-secret' }

interface Reply {
  status: number
  body: string
  contentType: string
}

/** How a client reaches `host`: a wildcard address is reached on loopback, an IPv6 address in brackets. */
const endpointHost = (host: string): string => {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}

const zeroCounts = (): CallCounts => {
  // No prototype: a target such as `AmazonSSM.constructor` must count as itself, not hit Object.prototype.
  const counts = Object.assign(Object.create(null), { total: 0 }) as CallCounts
  for (const operation of [...OPERATIONS, ...SECRETS_OPERATIONS, ...APPCONFIG_OPERATIONS]) counts[operation] = 0
  return counts
}

const errorReply = (error: SsmServiceError): Reply => ({
  status: error.statusCode,
  body: JSON.stringify(error.toBody()),
  contentType: 'application/x-amz-json-1.1',
})

/** Reads a body, keeping at most `MAX_BODY_BYTES`; `undefined` if the client went away first. */
const readBody = (req: IncomingMessage): Promise<{ text: string; tooLarge: boolean } | undefined> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = []
    let bytes = 0
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length
      // Keep draining past the limit, so the client reads our 413 instead of a broken pipe.
      if (bytes <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), tooLarge: bytes > MAX_BODY_BYTES }))
    req.on('close', () => resolve(undefined))
    req.on('error', () => resolve(undefined))
  })

/**
 * An SSM Parameter Store and a Secrets Manager on 127.0.0.1, on one port, that the real `SSMClient` and
 * `SecretsManagerClient` talk to through `endpoint`: it speaks the AWS JSON 1.1 wire protocol (SSM's
 * `GetParameters`, `GetParametersByPath`, `GetParameter`, `PutParameter`, `LabelParameterVersion`,
 * `DeleteParameter`; Secrets Manager's `GetSecretValue`, `BatchGetSecretValue`, `CreateSecret`, `PutSecretValue`,
 * `DeleteSecret`) with AWS's limits and error shapes, counts calls, and injects faults. Requests go to one service
 * or the other by their `X-Amz-Target` prefix. Signatures are not checked. Close it when done: `close()` also
 * cuts requests left hanging.
 *
 * @example
 * ```ts
 * import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm'
 * import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
 * import { LocalParameterStore } from 'middy-secrets-local'
 *
 * const store = new LocalParameterStore({ parameters: { '/app/db-url': 'postgres://db' }, secrets: { 'prod/db': 'p' } })
 * const config = await store.start()
 * const client = new SSMClient({ ...config, maxAttempts: 1 })
 * const { Parameters } = await client.send(new GetParametersCommand({ Names: ['/app/db-url'] }))
 * store.put('/app/db-url', 'postgres://db2')          // version 2, visible to the next call
 * const secrets = new SecretsManagerClient({ ...config, maxAttempts: 1 })
 * store.putSecret('prod/db', 'p2')                   // AWSCURRENT now, 'p' is AWSPREVIOUS
 * const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: 'prod/db' })) // 'p2'
 * store.fault({ kind: 'throttle', count: 1 })        // the next call, to either service, gets ThrottlingException
 * console.log(store.calls.GetParameters, store.calls.GetSecretValue) // 1 1
 * await store.close()
 * ```
 */
export class LocalParameterStore {
  /** The in-memory SSM behind the server; drive it directly for in-process simulations. */
  readonly engine: ParameterEngine
  /** The in-memory Secrets Manager behind the server (`secretsmanager.*` targets); drive it directly as well. */
  readonly secretsEngine: SecretsEngine
  /** The in-memory AppConfig Data behind the server (`/configurationsessions`, `/configuration`). */
  readonly appConfigEngine: AppConfigEngine
  /** Added before every response, in ms. Settable at any time. */
  latencyMs: number
  readonly #now: () => number
  readonly #faults = new FaultRules()
  readonly #sockets = new Set<Socket>()
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #host: string
  readonly #onChange: ((operation: string) => void) | undefined
  readonly #maxRequests: number
  #counts = zeroCounts()
  #unknownOperations = 0
  /** A ring: `#requestsStart` is the oldest kept entry once it is full. */
  #requests: RecordedRequest[] = []
  #requestsStart = 0
  #server: Server | undefined
  #starting: Promise<LocalClientConfig> | undefined
  #closing: Promise<void> | undefined
  #port: number | undefined

  constructor(options: LocalStoreOptions = {}) {
    // A misspelt option (`parameter` for `parameters`) would drop what it holds without a word.
    for (const name of Object.keys(options)) {
      const problem = unknownName(name, STORE_OPTIONS, 'option')
      if (problem !== undefined) throw new TypeError(`LocalStoreOptions: ${problem}`)
    }
    const { latencyMs, secrets, appconfig, port, host, maxRequests, onChange, ...engineOptions } = options
    this.#onChange = onChange
    if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
      throw new TypeError('LocalStoreOptions.port must be an integer from 0 to 65535')
    }
    if (maxRequests !== undefined && (!Number.isInteger(maxRequests) || maxRequests < 0)) {
      throw new TypeError('LocalStoreOptions.maxRequests must be a non-negative integer')
    }
    this.engine = new ParameterEngine(engineOptions)
    const { region, accountId, seed, now } = engineOptions
    this.secretsEngine = new SecretsEngine({ region, accountId, seed, now, secrets })
    this.appConfigEngine = new AppConfigEngine({ now, appconfig, region, accountId })
    // SSM reads /aws/reference/secretsmanager/<id> from the Secrets Manager next to it, as AWS does.
    this.engine.secretsBridge = this.secretsEngine
    this.latencyMs = latencyMs ?? 0
    this.#now = options.now ?? Date.now
    this.#port = port === 0 ? undefined : port
    this.#host = host ?? '127.0.0.1'
    this.#maxRequests = maxRequests ?? DEFAULT_MAX_REQUESTS
  }

  /**
   * Listens on 127.0.0.1 and returns the client configuration. A port is picked on the first start; a store
   * started again after `close()` listens on the same port, so clients made before an outage reconnect.
   */
  start(): Promise<LocalClientConfig> {
    if (this.#server?.listening) return Promise.resolve(this.clientConfig)
    this.#starting ??= this.#listen().finally(() => {
      this.#starting = undefined
    })
    return this.#starting
  }

  async #listen(): Promise<LocalClientConfig> {
    await this.#closing
    const server = createServer({ requestTimeout: 0 }, (req, res) => this.#onRequest(req, res))
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.#port ?? 0, this.#host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.#server = server
    this.#port = (server.address() as AddressInfo).port
    return this.clientConfig
  }

  /**
   * `{ endpoint, region, credentials }` for `new SSMClient(...)` or `new SecretsManagerClient(...)`. Throws before
   * the first `start()`.
   */
  get clientConfig(): LocalClientConfig {
    if (this.#port === undefined) {
      throw new Error('LocalParameterStore has no endpoint yet: await store.start() before reading clientConfig')
    }
    return {
      endpoint: `http://${endpointHost(this.#host)}:${this.#port}`,
      region: this.engine.region,
      credentials: { ...FAKE_CREDENTIALS },
    }
  }

  /**
   * The environment that points an unmodified handler, the AWS CLI or boto3 at this store: assign it to
   * `process.env` before the code under test creates its clients. Throws before the first `start()`.
   */
  get env(): LocalStoreEnv {
    const { endpoint, region, credentials } = this.clientConfig
    return {
      AWS_ENDPOINT_URL_SSM: endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
      AWS_ENDPOINT_URL_APPCONFIGDATA: endpoint,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    }
  }

  /** Stops listening, cuts every open connection (hung and delayed requests included). Idempotent. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing
    const closing = (async () => {
      await this.#starting?.catch(() => undefined)
      const server = this.#server
      this.#server = undefined
      for (const timer of this.#timers) clearTimeout(timer)
      this.#timers.clear()
      for (const socket of this.#sockets) socket.destroy()
      this.#sockets.clear()
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
    })()
    this.#closing = closing.finally(() => {
      this.#closing = undefined
    })
    return this.#closing
  }

  /** Best-effort paging on or off; see {@link LocalStoreOptions.bestEffortPaging}. */
  get bestEffortPaging(): boolean {
    return this.engine.bestEffortPaging
  }

  set bestEffortPaging(on: boolean) {
    this.engine.bestEffortPaging = on
  }

  /** Creates or overwrites a parameter in process and returns its new version. See {@link ParameterEngine.put}. */
  put(name: string, value: string, options: { type?: ParameterType; overwrite?: boolean } = {}): number {
    return this.engine.put(name, value, options)
  }

  /** Moves `labels` onto `version` of `name`, in process. */
  label(name: string, version: number, labels: string[]): void {
    this.engine.label(name, version, labels)
  }

  /** Deletes a parameter in process; throws `ParameterNotFound` if there is none. */
  delete(name: string): void {
    this.engine.delete(name)
  }

  /**
   * Creates a Secrets Manager secret or adds a version to it, in process, and returns the new `VersionId`. The
   * version goes on `AWSCURRENT` unless `options.stages` says otherwise. See {@link SecretsEngine.put}.
   */
  putSecret(name: string, value: string | Uint8Array, options: PutSecretOptions = {}): string {
    return this.secretsEngine.put(name, value, options)
  }

  /** Deletes a secret in process, at once (no recovery window); throws `ResourceNotFoundException` if none. */
  deleteSecret(name: string): void {
    this.secretsEngine.delete(name)
  }

  /**
   * Deploys a new version of an AppConfig configuration profile (`application/environment/profile`, created if
   * new), in process: every session sees it at its next poll. Returns the version number.
   */
  deployConfiguration(key: string, content: string | Uint8Array, options?: DeployOptions): number {
    return this.appConfigEngine.deploy(key, content, options)
  }

  /** Deletes an AppConfig configuration profile in process; its sessions' next polls are ResourceNotFoundException. */
  deleteConfiguration(key: string): void {
    this.appConfigEngine.delete(key)
  }

  /** A snapshot of requests received per operation, faulted ones included. Known operations start at 0. */
  get calls(): CallCounts {
    return { ...this.#counts }
  }

  /**
   * A copy of the latest requests received since the last `resetCalls()`, oldest first: at most
   * `maxRequests` (default 1000) of them, so a store that runs for hours stays small. `calls` counts them all.
   */
  get requests(): ReadonlyArray<RecordedRequest> {
    return [...this.#requests.slice(this.#requestsStart), ...this.#requests.slice(0, this.#requestsStart)]
  }

  /**
   * Zeroes the counters and forgets the recorded requests: call it between the arrange and the assert of a
   * test (or in `beforeEach`) so `calls` and `requests` describe only the code under test.
   */
  resetCalls(): void {
    this.#counts = zeroCounts()
    this.#unknownOperations = 0
    this.#requests = []
    this.#requestsStart = 0
  }

  /** Adds a fault rule (see {@link FaultSpec}). Throws a `TypeError` for an unusable spec. */
  fault(spec: FaultSpec): void {
    this.#faults.add(spec)
  }

  /**
   * Removes every fault rule, spent or not: call it in `afterEach` (or before the part of a test where the store
   * should be healthy again) so one test's outage does not leak into the next.
   */
  clearFaults(): void {
    this.#faults.clear()
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req)
    if (!body) return
    const appconfig = body.tooLarge ? undefined : appConfigRequest(req.method, req.url, body.text)
    if (appconfig) {
      this.#onAppConfig(req, res, appconfig)
      return
    }
    const target = req.headers['x-amz-target']
    const header = typeof target === 'string' ? target : ''
    const prefix = [SSM_PREFIX, SECRETS_PREFIX].find((p) => header.startsWith(p))
    const known = prefix !== undefined
    const operation = known ? header.slice(prefix.length) : header
    // Unknown targets are answered by the SSM side, as before Secrets Manager was served.
    const engine: FaultEngine = prefix === SECRETS_PREFIX ? this.secretsEngine : this.engine

    let input: unknown
    let refused: SsmServiceError | undefined
    if (body.tooLarge) {
      refused = new SsmServiceError(
        'RequestEntityTooLargeException',
        `Request body must not exceed ${MAX_BODY_BYTES} bytes`,
        413,
      )
    } else if (req.method !== 'POST' || !known) {
      refused = new SsmServiceError('UnknownOperationException', `Unknown operation ${header || '(no X-Amz-Target)'}`)
    } else if (body.text.trim() !== '') {
      try {
        input = JSON.parse(body.text)
      } catch {
        refused = new SsmServiceError('SerializationException', 'The request body is not valid JSON')
      }
    }

    this.#count(operation)
    this.#record({ operation, input, at: this.#now() })

    const decision = this.#faults.decide(operation, input, engine)
    const kind = decision.fault?.kind
    const delay = this.latencyMs + decision.delayMs
    if (kind === 'hang') return
    const requestId = randomUUID()
    const reply = kind === 'reset' ? undefined : this.#reply(engine, operation, input, refused, decision, requestId)
    this.#after(delay, () => {
      if (!reply) {
        req.socket.resetAndDestroy()
        return
      }
      res.writeHead(reply.status, {
        'Content-Type': reply.contentType,
        'Content-Length': Buffer.byteLength(reply.body),
        'x-amzn-RequestId': requestId,
      })
      res.end(reply.body)
    })
  }

  #reply(
    engine: FaultEngine,
    operation: string,
    input: unknown,
    refused: SsmServiceError | undefined,
    decision: FaultDecision,
    requestId: string,
  ): Reply {
    const faulted = faultError(decision, operation, engine, requestId)
    if (refused ?? faulted) return errorReply((refused ?? faulted) as SsmServiceError)
    let reply: Reply
    try {
      const answer = engine.handle(operation, input)
      if (decision.deniedSecrets && engine instanceof SecretsEngine) {
        applySecretDenials(answer as never, decision.deniedSecrets, engine)
      }
      reply = { status: 200, body: JSON.stringify(answer), contentType: 'application/x-amz-json-1.1' }
      if (this.#onChange && !READ_OPERATION.test(operation)) this.#onChange(operation)
    } catch (error) {
      reply = errorReply(error instanceof SsmServiceError ? error : internalError(engine))
    }
    // A broken proxy or a cut connection: a 200 whose body will not parse, yet holds the real values.
    if (decision.fault?.kind === 'malformed') {
      return { status: 200, body: `<html><body>${reply.body}</body></html>`, contentType: 'text/html' }
    }
    if (decision.fault?.kind === 'truncated') {
      return {
        status: 200,
        body: reply.body.slice(0, Math.floor(reply.body.length / 2)),
        contentType: reply.contentType,
      }
    }
    return reply
  }

  /** AppConfig Data speaks REST-JSON: its answers are written here, counted, recorded and faulted as the rest. */
  #onAppConfig(
    req: IncomingMessage,
    res: ServerResponse,
    { operation, input, malformed }: { operation: string; input: unknown; malformed: boolean },
  ): void {
    this.#count(operation)
    this.#record({ operation, input, at: this.#now() })
    const decision = this.#faults.decide(operation, input, this.appConfigEngine)
    const kind = decision.fault?.kind
    if (kind === 'hang') return
    const requestId = randomUUID()
    const reply: RestReply | undefined =
      kind === 'reset' ? undefined : appConfigReply(this.appConfigEngine, operation, input, malformed, decision)
    this.#after(this.latencyMs + decision.delayMs, () => {
      if (!reply) {
        req.socket.resetAndDestroy()
        return
      }
      res.writeHead(reply.status, {
        ...reply.headers,
        'Content-Length': reply.body.length,
        'x-amzn-RequestId': requestId,
      })
      if (reply.cut) {
        res.write(reply.body.subarray(0, Math.floor(reply.body.length / 2)))
        // Flushed, then the connection dies: the client reads a body shorter than its Content-Length.
        setImmediate(() => req.socket.destroy())
        return
      }
      res.end(reply.body)
    })
  }

  #count(operation: string): void {
    let key = operation
    if (!Object.hasOwn(this.#counts, key)) {
      // Made-up targets must not grow the counters without bound on a long-running dev server.
      if (this.#unknownOperations >= MAX_UNKNOWN_OPERATIONS) key = OTHER_OPERATIONS
      else this.#unknownOperations++
    }
    this.#counts[key] = (Object.hasOwn(this.#counts, key) ? (this.#counts[key] as number) : 0) + 1
    this.#counts.total++
  }

  #record(request: RecordedRequest): void {
    if (this.#maxRequests === 0) return
    if (this.#requests.length < this.#maxRequests) {
      this.#requests.push(request)
      return
    }
    this.#requests[this.#requestsStart] = request
    this.#requestsStart = (this.#requestsStart + 1) % this.#maxRequests
  }

  /** Runs `act` after `delay` ms on an unref'd timer that `close()` cancels; at once when there is no delay. */
  #after(delay: number, act: () => void): void {
    if (delay <= 0) {
      act()
      return
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      act()
    }, delay)
    timer.unref()
    this.#timers.add(timer)
  }
}

/**
 * Creates a {@link LocalParameterStore} and starts it.
 *
 * @example
 * ```ts
 * import { SSMClient } from '@aws-sdk/client-ssm'
 * import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
 * import { startLocalStore } from 'middy-secrets-local'
 *
 * const store = await startLocalStore({ parameters: { '/app/db-url': 'postgres://db' }, secrets: { 'prod/db': 'p' } })
 * const client = new SSMClient({ ...store.clientConfig, maxAttempts: 1 })
 * const secrets = new SecretsManagerClient({ ...store.clientConfig, maxAttempts: 1 })
 * // … run the code under test against `client` …
 * await store.close()
 * ```
 */
export const startLocalStore = async (options?: LocalStoreOptions): Promise<LocalParameterStore> => {
  const store = new LocalParameterStore(options)
  await store.start()
  return store
}
