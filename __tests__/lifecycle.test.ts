import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { runNode, useStore } from './support/harness.js'

const s = useStore()
const root = fileURLToPath(new URL('..', import.meta.url))

// Runs in a child process against the built package (npm test builds first): the child must end by
// itself once the invocation is done — no timer or socket of ours may hold the event loop.
const child = `
import middy from '@middy/core'
import { secrets } from './dist/index.js'
const config = JSON.parse(process.env.STORE_CONFIG)
const mw = secrets({ fetchData: { TOKEN: '/exit/token' }, awsClientOptions: config, cacheExpiry: 50, jitter: 0.5 })
const handler = middy(async (_event, context) => context.TOKEN).use(mw)
const context = { getRemainingTimeInMillis: () => 3000 }
console.log('first', await handler({}, context))
await new Promise((resolve) => setTimeout(resolve, 60))
console.log('second', await handler({}, context))
`

const runChild = (script: string) =>
  runNode(['--input-type=module', '-e', script], { STORE_CONFIG: JSON.stringify(s.store.clientConfig) }, 15_000)

// 150 names: 15 calls of one round share one abort signal.
const many = `
import middy from '@middy/core'
import { secrets } from './dist/index.js'
const config = JSON.parse(process.env.STORE_CONFIG)
const fetchData = Object.fromEntries(Array.from({ length: 150 }, (_, i) => ['P' + i, '/many/p' + i]))
const handler = middy(async (_event, context) => context.P149).use(secrets({ fetchData, awsClientOptions: config }))
console.log('value', await handler({}, { getRemainingTimeInMillis: () => 3000 }))
`

describe('lifecycle', () => {
  test('a round of more than ten calls prints no listener-leak warning', async () => {
    for (let i = 0; i < 150; i++) s.store.put(`/many/p${i}`, `v${i}`)
    const result = await runChild(many)
    expect(result.out).toContain('value v149')
    expect(result.code).toBe(0)
    expect(result.err).not.toContain('MaxListenersExceededWarning')
  })

  test('the process exits by itself after invocations and a refresh', async () => {
    expect(existsSync(`${root}/dist/index.js`)).toBe(true)
    s.store.put('/exit/token', 'exit-value')
    const result = await runChild(child)
    expect(result.out).toContain('first exit-value')
    expect(result.out).toContain('second exit-value')
    expect(result.code).toBe(0)
    expect(s.store.calls.total).toBeGreaterThanOrEqual(2)
  })
})
