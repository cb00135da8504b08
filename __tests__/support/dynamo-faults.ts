/**
 * dynalite has no fault injection: this is a small HTTP proxy in front of it that forwards every request as it is,
 * unless a fault is set for a request naming one of the fault's ids, which it then answers the way a failing
 * DynamoDB (or the path to it) would. Values still come from dynalite; only the faults are ours. A malformed or
 * truncated answer is dynalite's own, spoiled, so it still holds the values (which nothing may show).
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type DynamoFault =
  | 'throttle'
  | 'provisioned'
  | 'server-error'
  | 'access-denied'
  | 'reset'
  | 'hang'
  | 'malformed'
  | 'truncated'

const ERRORS: Partial<Record<DynamoFault, [number, string]>> = {
  throttle: [400, 'ThrottlingException'],
  provisioned: [400, 'ProvisionedThroughputExceededException'],
  'server-error': [500, 'InternalServerError'],
  'access-denied': [400, 'AccessDeniedException'],
}

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

export const startFaultProxy = async (target: string) => {
  const { port: targetPort } = new URL(target)
  const rules: { kind: DynamoFault; ids: readonly string[] }[] = []
  const requests: { operation: string; body: string }[] = []
  const sockets = new Set<Socket>()
  // Writes the test made without waiting: every request waits for them first, so it reads what the test wrote.
  let writes: Promise<unknown> = Promise.resolve()

  const forward = (method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method, path: url, headers }, (answer) => {
        const chunks: Buffer[] = []
        answer.on('data', (chunk: Buffer) => chunks.push(chunk))
        answer.on('end', () =>
          resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }),
        )
      })
      upstream.on('error', reject)
      upstream.end(body)
    })

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', async () => {
      await writes.catch(() => {})
      const body = Buffer.concat(chunks)
      const text = body.toString()
      const target = String(req.headers['x-amz-target'] ?? '')
      requests.push({ operation: target.slice(target.indexOf('.') + 1), body: text })
      // An id is matched as DynamoDB's wire carries it: `{"S":"<id>"}`.
      const rule = rules.find((r) => r.ids.some((id) => text.includes(JSON.stringify({ S: id }))))
      const error = rule && ERRORS[rule.kind]
      if (error) {
        const payload = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${error[1]}`, message: 'fault' })
        res.writeHead(error[0], { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'fault-1' })
        res.end(payload)
        return
      }
      if (rule?.kind === 'reset') return void req.socket.resetAndDestroy()
      if (rule?.kind === 'hang') return
      let answer: Answer
      try {
        answer = await forward(req.method ?? 'POST', req.url ?? '/', req.headers, body)
      } catch {
        return void req.socket.destroy()
      }
      let out = answer.body
      if (rule?.kind === 'malformed') out = Buffer.from(`<html><body>${out}</body></html>`)
      if (rule?.kind === 'truncated') out = out.subarray(0, Math.floor(out.length / 2))
      const headers: IncomingHttpHeaders = { ...answer.headers, 'content-length': String(out.length) }
      // dynalite signs its body with a CRC32 header the SDK checks: a spoiled body must not fail on that instead.
      if (rule) delete headers['x-amz-crc32']
      res.writeHead(answer.status, headers)
      res.end(out)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    fault: (kind: DynamoFault, ids: readonly string[]) => void rules.push({ kind, ids }),
    clearFaults: () => void rules.splice(0),
    /** Runs a write after the ones before it; requests wait for it. */
    write: (op: () => Promise<unknown>) => {
      writes = writes.then(op, op)
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
