/**
 * Child process of the footprint scenario: imports the AWS SDK's SSM client first (every contender needs it,
 * and a Lambda function has it loaded anyway), then times `import(specifier)` alone and prints the ms as JSON.
 * `--cold` skips the preload, to time the SDK itself.
 *
 * Usage: node bench/import-time.js <specifier> [--cold]
 */
const [specifier, flag] = process.argv.slice(2)
if (flag !== '--cold') await import('@aws-sdk/client-ssm')
const start = process.hrtime.bigint()
await import(specifier)
const ms = Number(process.hrtime.bigint() - start) / 1e6
process.stdout.write(`${JSON.stringify({ specifier, ms })}\n`)
