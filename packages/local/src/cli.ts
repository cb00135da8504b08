import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { LocalParameterStore } from './server.js'
import { applySeed, snapshot } from './state.js'

/** What `middy-secrets-local --help` prints. */
export const USAGE = `Usage: middy-secrets-local [options]

An SSM Parameter Store, a Secrets Manager and AppConfig Data on one local port, for the AWS CLI, boto3 and the
AWS SDKs.

Options:
  --port N       port to listen on (default 4583; 0 lets the OS choose)
  --host ADDR    address to listen on (default 127.0.0.1: nothing off this machine can reach it)
  --seed FILE    JSON of parameters, secrets and appconfig profiles to start with (see the README: "Seed file")
  --data FILE    keep the store in FILE: loaded at start (then --seed is not applied), saved after every write
                 and at exit. Values are stored as plain text: use it for development data only.
  --region NAME  region in ARNs and in the printed AWS_REGION (default us-east-1)
  -h, --help     print this and exit

Prints the endpoint and the export lines that point the AWS CLI, boto3 and the SDKs at the store.
Ctrl-C (SIGINT) or SIGTERM saves --data and stops.`

/** Where the CLI writes: standard output gets the endpoint and export lines, standard error the rest. */
export interface CliIo {
  out: (text: string) => void
  err: (text: string) => void
}

/** A started CLI server. `close()` saves `--data` (if given) and stops the store. */
export interface RunningCli {
  store: LocalParameterStore
  close: () => Promise<void>
}

/** A mistake in the command line or a seed file: the message says what to change. */
export class CliError extends Error {
  override name = 'CliError'
}

const SAVE_DELAY_MS = 50

const parsePort = (text: string): number => {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new CliError(`--port must be 0 to 65535, not ${text}`)
  return Number(text)
}

const readJson = (file: string, flag: string): unknown => {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new CliError(`${flag} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  try {
    return JSON.parse(text)
  } catch {
    // JSON.parse's message quotes the file's text, which may hold secrets: say where, not what.
    throw new CliError(`${flag} ${file} is not valid JSON`)
  }
}

/** Writes atomically (a half-written data file would lose every value at the next start), readable by the owner. */
const save = (file: string, store: LocalParameterStore): void => {
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(
    temporary,
    `${JSON.stringify(snapshot(store.engine, store.secretsEngine, store.appConfigEngine), null, 2)}\n`,
    {
      mode: 0o600,
    },
  )
  renameSync(temporary, file)
}

/**
 * Parses the command line, starts the store and prints the endpoint and export lines; `undefined` after `--help`.
 * Throws a {@link CliError} for a bad flag, port, seed or data file.
 */
export const runCli = async (argv: string[], io: CliIo): Promise<RunningCli | undefined> => {
  let values: { port?: string; host?: string; seed?: string; data?: string; region?: string; help?: boolean }
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        data: { type: 'string' },
        region: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`)
  }
  if (values.help) {
    io.out(`${USAGE}\n`)
    return undefined
  }
  const port = parsePort(values.port ?? '4583')
  const region = values.region ?? 'us-east-1'
  if (!/^[a-z0-9-]{1,32}$/.test(region)) throw new CliError(`--region must look like us-east-1, not ${region}`)
  const dataFile = values.data
  let saveTimer: NodeJS.Timeout | undefined
  let store: LocalParameterStore | undefined
  const saveSoon = () => {
    if (!dataFile || saveTimer) return
    saveTimer = setTimeout(() => {
      saveTimer = undefined
      if (store) save(dataFile, store)
    }, SAVE_DELAY_MS)
  }
  store = new LocalParameterStore({ port, host: values.host ?? '127.0.0.1', region, onChange: saveSoon })
  const from =
    dataFile && existsSync(dataFile) ? ['--data', dataFile] : values.seed ? ['--seed', values.seed] : undefined
  if (from) {
    const [flag, file] = from as [string, string]
    try {
      applySeed(readJson(file, flag), store.engine, store.secretsEngine, store.appConfigEngine)
    } catch (error) {
      if (error instanceof CliError) throw error
      // Engine errors name the entry and the rule, never the value.
      throw new CliError(`${flag} ${file}: ${(error as Error).message}`)
    }
  }
  try {
    await store.start()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CliError(
      code === 'EADDRINUSE'
        ? `port ${port} is in use: stop what holds it, or pass --port 0 to let the OS choose`
        : `cannot listen on ${values.host ?? '127.0.0.1'}:${port} (${code ?? 'error'})`,
    )
  }
  if (dataFile && !existsSync(dataFile)) save(dataFile, store)
  const env = store.env
  io.err(
    `middy-secrets-local: SSM Parameter Store, Secrets Manager and AppConfig Data on ${store.clientConfig.endpoint} ` +
      `(${store.engine.size} parameters, ${store.secretsEngine.size} secrets, ${store.appConfigEngine.size} AppConfig profiles${dataFile ? `, saved to ${dataFile}` : ''})\n`,
  )
  io.out(
    `${Object.entries(env)
      .map(([name, value]) => `export ${name}=${value}`)
      .join('\n')}\n`,
  )
  io.err('Paste the export lines into a shell (or eval them); Ctrl-C stops the store.\n')
  const started = store
  let closing: Promise<void> | undefined
  return {
    store: started,
    close: () => {
      closing ??= (async () => {
        clearTimeout(saveTimer)
        saveTimer = undefined
        await started.close()
        if (dataFile) save(dataFile, started)
      })()
      return closing
    },
  }
}
