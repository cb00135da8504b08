/**
 * dynalite has no fault injection: this is a small HTTP proxy in front of it that forwards every request as it is,
 * unless a fault is set for a request naming one of the fault's ids, which it then answers the way a failing
 * DynamoDB (or the path to it) would. Values still come from dynalite; only the faults are ours.
 */
import { createServer, request as httpRequest } from 'node:http'
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

export const startFaultProxy = async (target: string) => {
  const { port: targetPort } = new URL(target)
  const rules: { kind: DynamoFault; ids: readonly string[] }[] = []
  const requests: { operation: string; body: string }[] = []
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const text = body.toString()
      const target = String(req.headers['x-amz-target'] ?? '')
      requests.push({ operation: target.slice(target.indexOf('.') + 1), body: text })
      // An id is matched as the JSON string DynamoDB's wire carries it: `{"S":"<id>"}`.
      const rule = rules.find((r) => r.ids.some((id) => text.includes(JSON.stringify({ S: id }))))
      if (rule === undefined) {
        const upstream = httpRequest(
          { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers)
            answer.pipe(res)
          },
        )
        upstream.end(body)
        return
      }
      const error = ERRORS[rule.kind]
      if (error) {
        const payload = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${error[1]}`, message: 'fault' })
        res.writeHead(error[0], { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'fault-1' })
        res.end(payload)
      } else if (rule.kind === 'reset') req.socket.destroy()
      else if (rule.kind === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' })
        res.end('{"Responses": [ not json')
      } else if (rule.kind === 'truncated') {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': '400' })
        res.end('{"Responses": {"config": [')
      }
      // 'hang': no answer at all.
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
