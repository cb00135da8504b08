// Runs the project's own TypeScript compiler (node_modules/typescript), failing the build when it fails.
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const TSC = require.resolve('typescript/bin/tsc')

/** @param {string[]} args */
export const tsc = (args) => {
  execFileSync(process.execPath, [TSC, ...args], { stdio: 'inherit' })
}
