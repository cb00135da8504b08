/**
 * Child process of the warm scenario: one implementation, alone in its process as in a Lambda function, against
 * an embedded store of its own. Prints the raw samples as JSON; scenarios/warm.js pools them.
 *
 * Usage: node bench/warm-child.js '{"id":"middy-secrets","sizes":[1,10],"rounds":5,"blockMs":15,"warmUpMs":200,"latencyMs":20}'
 */
import { startLocalStore } from 'middy-secrets-local'
import { seed } from './implementations.js'
import { measureHere } from './scenarios/warm.js'

const options = JSON.parse(process.argv[2] ?? '{}')
const store = await startLocalStore({ parameters: seed(), latencyMs: options.latencyMs ?? 20 })
try {
  const result = await measureHere({ store, ...options })
  process.stdout.write(`${JSON.stringify(result)}\n`)
} finally {
  await store.close()
}
