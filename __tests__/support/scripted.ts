/**
 * A scripted AWS JSON 1.1 endpoint for wire-level inputs the local store does not produce on its own (another
 * account's parameter of the same name, a malformed or huge body, endless paging): a real HTTP server on
 * 127.0.0.1, an OS-chosen port, answering each request with whatever the test's function returns. Clients are
 * the real SDK clients.
 */
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ScriptedRequest {
  /** `GetParameters`, `GetParametersByPath`, `GetSecretValue`… */
  operation: string
  input: Record<string, any>
}

/** A JSON value to send with 200, a raw body, or a function that writes the response itself. */
export type Script = (
  request: ScriptedRequest,
  n: number,
) => unknown | { raw: string } | ((res: ServerResponse) => void)

export const startScripted = async (script: Script) => {
  const requests: ScriptedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '')
      const request = {
        operation: target.slice(target.indexOf('.') + 1),
        input: JSON.parse(Buffer.concat(chunks).toString() || '{}'),
      }
      requests.push(request)
      const reply = script(request, requests.length)
      if (typeof reply === 'function') return (reply as (res: ServerResponse) => void)(res)
      const body =
        typeof reply === 'object' && reply !== null && 'raw' in reply
          ? String((reply as { raw: string }).raw)
          : JSON.stringify(reply)
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(body) })
      res.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    requests,
    clientOptions: {
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDSCRIPTED', secretAccessKey: 'scripted' },
      maxAttempts: 1,
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** One answer of a replying endpoint: status, body and headers, as a real or broken store might send them. */
export interface Reply {
  status: number
  body?: string
  headers?: Record<string, string>
}

/**
 * A scripted endpoint that answers every request with one `reply`, settable per test: for the answers the emulator
 * has no fault for (an expired token, a 429 without a body, a 200 of the wrong shape).
 */
export const startReplying = async () => {
  let reply: Reply = { status: 200, body: '{}' }
  const scripted = await startScripted(() => (res: ServerResponse) => {
    res.writeHead(reply.status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': 'scripted-request-1',
      ...reply.headers,
    })
    res.end(reply.body ?? '')
  })
  return {
    get reply(): Reply {
      return reply
    },
    set reply(value: Reply) {
      reply = value
    },
    get requests(): number {
      return scripted.requests.length
    },
    endpoint: scripted.clientOptions.endpoint,
    close: scripted.close,
  }
}

/** A port nothing listens on: bound by the OS, then closed. */
export const closedPort = async (): Promise<number> => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
