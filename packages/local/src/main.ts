// The `middy-secrets-local` command: runs the CLI and stops it cleanly on Ctrl-C or SIGTERM. A mistake in the
// command line, a seed file or a file that cannot be read or written exits 2 with a message naming it; nothing
// exits with a stack, and nothing keeps running once it has failed.
import { CliError, type RunningCli, runCli } from './cli.js'

const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text) }

/** What to print for anything thrown: a CliError's message; otherwise its name and code (a message may quote a value). */
const explain = (error: unknown): string =>
  error instanceof CliError
    ? error.message
    : `unexpected ${(error as Error)?.name ?? 'error'}${(error as NodeJS.ErrnoException)?.code ? ` (${(error as NodeJS.ErrnoException).code})` : ''}`

/** Prints why and exits (2 for a CliError), once the message is written: stderr is asynchronous on some pipes. */
const fail = (error: unknown): void => {
  process.stderr.write(`middy-secrets-local: ${explain(error)}\n`, () =>
    process.exit(error instanceof CliError ? 2 : 1),
  )
}

let running: RunningCli | undefined
let signalled: string | undefined
const stop = (signal: string) => {
  io.err(`middy-secrets-local: ${signal}, stopping\n`)
  if (running) running.close().then(() => process.exit(0), fail)
  else signalled = signal
}
// Listening for the signals from the start: one that arrives while the store starts is kept for when it has.
process.once('SIGINT', () => stop('SIGINT'))
process.once('SIGTERM', () => stop('SIGTERM'))

try {
  running = await runCli(process.argv.slice(2), io)
  const started = running
  if (started) {
    started.stopped.then((error) => started.close().finally(() => fail(error)))
    if (signalled) started.close().then(() => process.exit(0), fail)
  }
} catch (error) {
  fail(error)
}
