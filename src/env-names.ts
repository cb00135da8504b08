/**
 * Which environment variables this package may write with `setToEnv`: never one the Lambda runtime, Node, the
 * dynamic loader, TLS or an HTTP client reads for itself. A store value there would change how the function
 * runs (`NODE_OPTIONS=--require …`, `NODE_TLS_REJECT_UNAUTHORIZED=0`, `HTTPS_PROXY`, the SDK's `AWS_*`).
 */
const RESERVED_PREFIXES = ['AWS_', '_AWS_', 'LAMBDA_', '_LAMBDA_', '_X_AMZN_', 'NODE_', 'LD_', 'SSL_', 'UV_']
const RESERVED_NAMES = new Set(['_HANDLER', 'PATH', 'TZ', 'LANG', 'HOME', 'TMPDIR', 'PWD', 'SHELL', 'USER'])
// Clients read these in either case (curl, Node's undici and proxy-agent libraries).
const PROXY = /^(https?|no|all|ftp|grpc)_proxy$/i

/** Whether a variable belongs to the runtime, Node or the network stack. */
export const reservedVariable = (name: string): boolean =>
  RESERVED_NAMES.has(name) || PROXY.test(name) || RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix))

/** Whether every variable a path key would derive (`KEY_` + anything) is reserved: `AWS`, `NODE`, `LD`, `AWS_X`. */
export const reservedPathKey = (key: string): boolean =>
  RESERVED_PREFIXES.some((prefix) => `${key}_`.startsWith(prefix))

/** The variable of a path's parameter: `KEY_` + the relative name upper-cased, anything not alphanumeric as `_`. */
export const envName = (key: string, relative: string): string =>
  `${key}_${relative.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`
