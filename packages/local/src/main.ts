// The `middy-secrets-local` command: runs the CLI and stops it cleanly on Ctrl-C or SIGTERM.
import { CliError, runCli } from './cli.js'

const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) }

try {
  const running = await runCli(process.argv.slice(2), io)
  if (running) {
    const stop = (signal: string) => {
      io.err(`middy-secrets-local: ${signal}, stopping\n`)
      running.close().then(
        () => process.exit(0),
        (error: unknown) => {
          io.err(`middy-secrets-local: could not stop cleanly (${(error as Error).name})\n`)
          process.exit(1)
        },
      )
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  }
} catch (error) {
  io.err(`middy-secrets-local: ${error instanceof CliError ? error.message : (error as Error).name}\n`)
  process.exitCode = error instanceof CliError ? 2 : 1
}
