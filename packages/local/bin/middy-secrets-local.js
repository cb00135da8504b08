#!/usr/bin/env node
// The CLI lives in the build (dist/cli.js): a published package ships it. In a clone of the repository it is built
// here on first use, so `npx middy-secrets-local` works right after `npm install` without an install script (an
// install script in the root package.json would ship in its tarball and make npm warn every consumer about it).
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cli = new URL('../dist/cli.js', import.meta.url)
const build = fileURLToPath(new URL('../scripts/build.js', import.meta.url))
if (!existsSync(cli) && existsSync(build)) {
  console.error('middy-secrets-local: first run in this clone, building it (npm run build does it too)…')
  try {
    // Standard output carries the export lines (`eval "$(npx middy-secrets-local …)"`): the build writes to stderr.
    execFileSync(process.execPath, [build], { stdio: ['ignore', 2, 2] })
  } catch {
    console.error(
      'middy-secrets-local: the build failed (above); run `npm install` at the repository root, then try again.',
    )
    process.exit(1)
  }
}
if (existsSync(cli)) {
  await import(cli.href)
} else {
  console.error('middy-secrets-local is not built: run `npm run build` at the repository root, then try again.')
  process.exitCode = 1
}
