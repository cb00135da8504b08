import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One answer of a scripted endpoint: status, body and headers, as a real or broken store might send them. */
export interface Reply {
  status: number
  body?: string
  headers?: Record<string, string>
}

/**
 * An HTTP endpoint on 127.0.0.1 that answers every request with `reply` (settable per test): for the answers the
 * emulator has no fault for (an expired token, a 429 without a body, a 200 of the wrong shape). The real SDK
 * client talks to it over the wire.
 */
export const startScripted = async (): Promise<{
  reply: Reply
  endpoint: string
  requests: number
  close(): Promise<void>
}> => {
  const state = { reply: { status: 200, body: '{}' } as Reply, requests: 0 }
  const server: Server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      state.requests++
      res.writeHead(state.reply.status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': 'scripted-request-1',
        ...state.reply.headers,
      })
      res.end(state.reply.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    get reply() {
      return state.reply
    },
    set reply(value: Reply) {
      state.reply = value
    },
    get requests() {
      return state.requests
    },
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
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
