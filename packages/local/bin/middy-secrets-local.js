#!/usr/bin/env node
// The CLI lives in the build (dist/cli.js): a published package ships it; in a clone, `npm install` builds it.
import { existsSync } from 'node:fs'

const cli = new URL('../dist/cli.js', import.meta.url)
if (existsSync(cli)) {
  await import(cli.href)
} else {
  console.error('middy-secrets-local is not built yet: run `npm run build` at the repository root, then try again.')
  process.exitCode = 1
}
