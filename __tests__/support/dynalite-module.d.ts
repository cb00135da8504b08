// dynalite ships no types: the little of it the tests use.
declare module 'dynalite' {
  import type { Server } from 'node:http'

  interface DynaliteOptions {
    createTableMs?: number
    deleteTableMs?: number
    updateTableMs?: number
  }
  const dynalite: (options?: DynaliteOptions) => Server
  export default dynalite
}
