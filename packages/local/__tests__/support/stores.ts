/**
 * Local stores and AWS SDK clients a test starts, all closed after each test; and a raw request to a store that
 * bypasses the SDK.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { type LocalParameterStore, type LocalStoreOptions, startLocalStore } from '../../src/index.js'

/** An AWS SDK v3 client class: configured by an object, destroyed when done. */
type ClientClass = new (...config: any[]) => { destroy(): void }
type ConfigOf<K extends ClientClass> = NonNullable<ConstructorParameters<K>[0]>

export interface Stores {
  /** Starts a store on 127.0.0.1, on an OS-chosen port. */
  start(options?: LocalStoreOptions): Promise<LocalParameterStore>
  /** A client of the store with one attempt (the SDK's retries would hide what the store answered). */
  client<K extends ClientClass>(Client: K, store: LocalParameterStore, extra?: Partial<ConfigOf<K>>): InstanceType<K>
  /** Closes, after the test, a store the test made itself. */
  closeAfter(store: LocalParameterStore): LocalParameterStore
  /** Destroys, after the test, a client the test made itself. */
  destroyAfter<C extends { destroy(): void }>(client: C): C
}

/** Registers the after-each cleanup for the test file: `const stores = useStores()`. */
export const useStores = (): Stores => {
  const stores: LocalParameterStore[] = []
  const clients: { destroy(): void }[] = []
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy()
    await Promise.all(stores.splice(0).map((store) => store.close()))
  })
  const closeAfter = (store: LocalParameterStore) => {
    stores.push(store)
    return store
  }
  const destroyAfter = <C extends { destroy(): void }>(client: C) => {
    clients.push(client)
    return client
  }
  return {
    start: async (options) => closeAfter(await startLocalStore(options)),
    client: (Client, store, extra = {}) =>
      destroyAfter(new Client({ ...store.clientConfig, maxAttempts: 1, ...extra })) as InstanceType<typeof Client>,
    closeAfter,
    destroyAfter,
  }
}

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** A JSON 1.1 request to the store as it comes (no SDK, no signature), on a connection of its own. */
export const rawRequest = (
  store: LocalParameterStore,
  body: string | Buffer,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const url = new URL(store.clientConfig.endpoint)
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: '/',
        method,
        agent: false,
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'Content-Length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        )
      },
    )
    req.on('error', reject)
    req.end(body)
  })
