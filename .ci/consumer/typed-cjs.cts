// A CommonJS TypeScript project (module nodenext, a .cts file): it compiles to require('middy-secrets'), which
// Node loads from 22.12 on (require of an ES module). checks.mjs runs the output.
import { type SecretsContext, SecretsError, secrets } from 'middy-secrets'

const options = { fetchData: { PORT: { name: '/consumer/port', transform: 'number' } }, disablePrefetch: true } as const
const read = (context: SecretsContext<typeof options>): number => context.PORT
const middleware = secrets(options)
console.log(`cjs typescript: ${typeof secrets} ${typeof SecretsError} ${typeof middleware.before} ${typeof read}`)
