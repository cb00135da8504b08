import type { GetParametersByPathCommand, GetParametersCommand } from '@aws-sdk/client-ssm'
import { classifyError } from './errors.js'
import type { ParameterRef } from './parameter.js'
import type { Outcome, Source } from './source.js'
import type { AwsClientLike } from './types.js'

/** AWS's limit on `Names` in one GetParameters call, and on `MaxResults` of GetParametersByPath. */
export const BATCH_SIZE = 10
// A store that keeps answering with a NextToken must not keep a fetch going forever.
const MAX_PAGES = 10_000

interface GetParametersOutput {
  Parameters?: { Name?: string; Value?: string; Selector?: string; ARN?: string }[]
  InvalidParameters?: string[]
}
interface GetParametersByPathOutput {
  Parameters?: { Name?: string; Value?: string }[]
  NextToken?: string
}

/** What the source needs of `@aws-sdk/client-ssm`: loaded on first use, never at import. */
export interface SsmModule {
  GetParametersCommand: typeof GetParametersCommand
  GetParametersByPathCommand: typeof GetParametersByPathCommand
}

const NOT_FOUND: Outcome = { ok: false, failure: { reason: 'not_found' } }
const INVALID_RESPONSE: Outcome = { ok: false, failure: { reason: 'invalid_response' } }

/**
 * The SSM Parameter Store source: names in GetParameters batches of at most ten, paths paged through
 * GetParametersByPath, every call of a round at once. A batch that AWS denies as a whole (one name the
 * role may not read denies all ten) is split into single-name calls on the next attempt, which the
 * refresh backoff schedules, so the other names recover and each name gets its own reason.
 */
export class SsmSource implements Source {
  calls = 0
  /** Names to send alone: suspected or known to be denied. */
  private readonly alone = new Set<string>()
  private client: AwsClientLike | undefined

  constructor(
    private readonly createClient: () => AwsClientLike,
    private readonly sdk: SsmModule,
  ) {}

  async fetch(refs: readonly ParameterRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    this.client ??= this.createClient()
    const tasks: Promise<void>[] = []
    let batch: ParameterRef[] = []
    for (const ref of refs) {
      if (ref.kind === 'path') tasks.push(this.fetchPath(ref, signal, out))
      else if (this.alone.has(ref.id)) tasks.push(this.fetchBatch([ref], signal, out))
      else {
        batch.push(ref)
        if (batch.length === BATCH_SIZE) {
          tasks.push(this.fetchBatch(batch, signal, out))
          batch = []
        }
      }
    }
    if (batch.length > 0) tasks.push(this.fetchBatch(batch, signal, out))
    await Promise.all(tasks)
  }

  private async send<T>(command: unknown, signal: AbortSignal): Promise<T> {
    this.calls++
    return (await (this.client as AwsClientLike).send(command, { abortSignal: signal })) as T
  }

  private async fetchBatch(batch: ParameterRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    let result: GetParametersOutput
    try {
      result = await this.send<GetParametersOutput>(
        new this.sdk.GetParametersCommand({ Names: batch.map((ref) => ref.id), WithDecryption: true }),
        signal,
      )
    } catch (error) {
      const failure = classifyError(error)
      if (failure.reason === 'access_denied' || failure.reason === 'kms_denied') {
        for (const ref of batch) this.alone.add(ref.id)
      }
      for (const ref of batch) out.set(ref.id, { ok: false, failure })
      return
    }
    // Results carry the plain name plus the selector asked for; an ARN request is matched by ARN too.
    const found = new Map<string, string | undefined>()
    for (const p of result.Parameters ?? []) {
      const selector = p.Selector ?? ''
      if (p.Name !== undefined) found.set(p.Name + selector, p.Value)
      if (p.ARN !== undefined) found.set(p.ARN + selector, p.Value)
    }
    for (const ref of batch) {
      const hit = lookup(found, ref)
      if (hit === MISSING) out.set(ref.id, NOT_FOUND)
      else if (typeof hit !== 'string') out.set(ref.id, INVALID_RESPONSE)
      else {
        if (batch.length === 1) this.alone.delete(ref.id)
        out.set(ref.id, { ok: true, raw: hit })
      }
    }
  }

  private async fetchPath(ref: ParameterRef, signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    // Null prototype: a parameter named __proto__ under the path must stay plain data.
    const values: Record<string, string> = Object.create(null)
    let count = 0
    let token: string | undefined
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const result = await this.send<GetParametersByPathOutput>(
          new this.sdk.GetParametersByPathCommand({
            // AWS documents and authorizes the path without its trailing slash: /shared/db, not /shared/db/.
            Path: ref.name === '/' ? '/' : ref.name.slice(0, -1),
            Recursive: ref.recursive,
            WithDecryption: true,
            MaxResults: BATCH_SIZE,
            NextToken: token,
          }),
          signal,
        )
        for (const p of result.Parameters ?? []) {
          if (typeof p.Name !== 'string' || typeof p.Value !== 'string' || !p.Name.startsWith(ref.name)) {
            out.set(ref.id, INVALID_RESPONSE)
            return
          }
          values[p.Name.slice(ref.name.length)] = p.Value
          count++
        }
        token = result.NextToken
        if (!token) break
      }
    } catch (error) {
      out.set(ref.id, { ok: false, failure: classifyError(error) })
      return
    }
    // A required path that holds nothing is most likely a typo: it must not yield {} forever.
    out.set(ref.id, token ? INVALID_RESPONSE : count === 0 ? NOT_FOUND : { ok: true, raw: values })
  }
}

const MISSING = Symbol('missing')

const lookup = (found: Map<string, string | undefined>, ref: ParameterRef): string | undefined | typeof MISSING => {
  const keys = ref.arn ? [ref.arn + ref.selector, ref.name + ref.selector, `/${ref.name}${ref.selector}`] : [ref.id]
  for (const key of keys) {
    if (found.has(key)) return found.get(key)
  }
  return MISSING
}
