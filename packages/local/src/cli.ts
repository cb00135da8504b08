import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { lineAndColumn, syntaxErrorAt } from './json-position.js'
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

/** A started CLI server. */
export interface RunningCli {
  store: LocalParameterStore
  /** Stops the store, then saves `--data` (if given); rejects with a {@link CliError} naming the file if it cannot. */
  close: () => Promise<void>
  /**
   * Settles when the store stopped on its own: `--data` could not be saved after a write (the folder was removed,
   * the disk is full). The error names the file and what to do; the command prints it and exits 2.
   */
  stopped: Promise<CliError>
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

/** What an errno means for a file the user named, and what to do about it. */
const IO_ADVICE: Record<string, [why: string, todo: string]> = {
  ENOENT: ['no such file', 'check the path'],
  ENOTDIR: ['a part of the path is a file, not a folder', 'check the path'],
  EISDIR: ['it is a folder, not a file', 'name a JSON file'],
  EACCES: ['permission denied', 'give this user access to it, or choose another path'],
  EPERM: ['permission denied', 'give this user access to it, or choose another path'],
  EROFS: ['the file system is read-only', 'choose another path'],
  ENOSPC: ['the disk is full', 'free some space, or choose another path'],
  EDQUOT: ['the disk quota is used up', 'free some space, or choose another path'],
  ENAMETOOLONG: ['the path is too long', 'choose a shorter one'],
  ELOOP: ['the path has a loop of symbolic links', 'check the path'],
  EMFILE: ['too many open files', 'close some, then try again'],
}

/** A file the CLI could not read or write, as a {@link CliError}: the path, why and what to do; never a stack. */
const ioError = (flag: string, file: string, action: string, error: unknown, advice?: [string, string]): CliError => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? 'error'
  const [why, todo] = advice ?? IO_ADVICE[code] ?? ['it failed', 'check the path and its permissions']
  return new CliError(`${flag} ${file} cannot be ${action}: ${why} (${code}); ${todo}`)
}

const readJson = (file: string, flag: string): unknown => {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw ioError(flag, file, 'read', error)
  }
  // Editors on Windows save UTF-8 with a byte order mark, which JSON.parse refuses: it is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  try {
    return JSON.parse(text)
  } catch {
    // JSON.parse's message quotes the file's text, which may hold secrets: say where, never what.
    const { line, column } = lineAndColumn(text, syntaxErrorAt(text) ?? text.length)
    throw new CliError(
      `${flag} ${file} is not valid JSON: line ${line}, column ${column}${text.trim() === '' ? ' (the file is empty)' : ''}`,
    )
  }
}

/** Writes atomically (a half-written data file would lose every value at the next start), readable by the owner. */
const save = (file: string, store: LocalParameterStore): void => {
  const temporary = `${file}.${process.pid}.tmp`
  try {
    writeFileSync(
      temporary,
      `${JSON.stringify(snapshot(store.engine, store.secretsEngine, store.appConfigEngine), null, 2)}\n`,
      { mode: 0o600 },
    )
    renameSync(temporary, file)
  } catch (error) {
    try {
      rmSync(temporary, { force: true })
    } catch {
      // Nothing was written, or nothing can be removed: the error below is the one to report.
    }
    const code = (error as NodeJS.ErrnoException).code
    const folder = dirname(resolve(file))
    // Creating the file failed: the folder is what the user must fix.
    const advice: [string, string] | undefined =
      code === 'ENOENT'
        ? [`the folder ${folder} does not exist`, 'create it, or choose a path in an existing folder']
        : code === 'EACCES' || code === 'EPERM'
          ? [`this user may not write in the folder ${folder}`, 'choose a folder this user can write to']
          : undefined
    throw ioError('--data', file, 'saved', error, advice)
  }
}

/** `1 parameter`, `2 parameters`: the count with its noun. */
export const counted = (count: number, singular: string, plural = `${singular}s`): string =>
  `${count} ${count === 1 ? singular : plural}`

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
  // Set once the store serves: saves after a write, or stops the store when the file cannot be written.
  let saveNow: () => void = () => undefined
  const saveSoon = () => {
    if (!dataFile || saveTimer) return
    saveTimer = setTimeout(() => {
      saveTimer = undefined
      saveNow()
    }, SAVE_DELAY_MS)
  }
  const store = new LocalParameterStore({ port, host: values.host ?? '127.0.0.1', region, onChange: saveSoon })
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
  if (dataFile) {
    // Saved before anything is printed: a --data path that cannot be written stops the store now, not at the first
    // write (when the server would be listening with nobody told, or at exit, with the writes lost).
    try {
      save(dataFile, store)
    } catch (error) {
      await store.close()
      throw error
    }
  }
  const env = store.env
  const counts = [
    counted(store.engine.size, 'parameter'),
    counted(store.secretsEngine.size, 'secret'),
    counted(store.appConfigEngine.size, 'AppConfig profile'),
  ]
  io.err(
    `middy-secrets-local: SSM Parameter Store, Secrets Manager and AppConfig Data on ${store.clientConfig.endpoint} ` +
      `(${counts.join(', ')}${dataFile ? `, saved to ${dataFile}` : ''})\n`,
  )
  io.out(
    `${Object.entries(env)
      .map(([name, value]) => `export ${name}=${value}`)
      .join('\n')}\n`,
  )
  io.err('Paste the export lines into a shell (or eval them); Ctrl-C stops the store.\n')
  const started = store
  let closing: Promise<void> | undefined
  let stop: (error: CliError) => void = () => undefined
  const stopped = new Promise<CliError>((resolve) => {
    stop = resolve
  })
  saveNow = () => {
    try {
      save(dataFile as string, started)
    } catch (error) {
      // The folder went away or filled up while serving: writes would be lost without a word, so the store stops.
      closing ??= started.close()
      stop(error as CliError)
    }
  }
  return {
    store: started,
    stopped,
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
