/** A temporary folder per test, and the CLI run in process with its output captured; both ended after each test. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type RunningCli, runCli } from '../../src/cli.js'

/** A new empty folder for each test (`folder.path`), removed after it. */
export const useTempDir = (prefix: string): { readonly path: string } => {
  let path = ''
  beforeEach(() => {
    path = mkdtempSync(join(tmpdir(), prefix))
  })
  afterEach(() => rmSync(path, { recursive: true, force: true }))
  return {
    get path() {
      return path
    },
  }
}

/**
 * Runs the CLI with `argv` as `npx middy-secrets-local` would, its stdout and stderr captured; a server it starts
 * is closed after the test.
 */
export const useCli = () => {
  const running: RunningCli[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.close()))
  })
  return async (argv: string[]): Promise<{ cli: RunningCli | undefined; out: string; err: string }> => {
    const out: string[] = []
    const err: string[] = []
    const cli = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) })
    if (cli) running.push(cli)
    return { cli, out: out.join(''), err: err.join('') }
  }
}
