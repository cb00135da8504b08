import type { GetParametersByPathCommand, GetParametersCommand } from '@aws-sdk/client-ssm'
import type { Classify } from '../../classify.js'
import type { ParameterRef } from '../../parameter.js'
import type { AwsClientLike } from '../../types.js'
import { INVALID_RESPONSE, isObject, NOT_FOUND, type Page, readPages } from '../answers.js'
import type { Outcome, Source } from '../source.js'

/** AWS's limit on `Names` in one GetParameters call, and on `MaxResults` of GetParametersByPath. */
export const BATCH_SIZE = 10
/**
 * Pages of one path per round: 1,000 parameters at ten a page. A store that keeps answering with a
 * `NextToken` (or repeats one) ends the path's fetch with `invalid_response` instead of calling forever.
 */
export const MAX_PAGES = 100

/** What the source needs of `@aws-sdk/client-ssm`: loaded on first use, never at import. */
export interface SsmModule {
  GetParametersCommand: typeof GetParametersCommand
  GetParametersByPathCommand: typeof GetParametersByPathCommand
}

/**
 * The `Name` + `Selector` texts a result answering `ref` may carry. An ARN drops the name's leading slash, so
 * an ARN of a flat-looking name may answer as either.
 */
const answerNames = (ref: ParameterRef): string[] =>
  ref.arn && !ref.name.startsWith('/')
    ? [ref.name + ref.selector, `/${ref.name}${ref.selector}`]
    : [ref.name + ref.selector]

/**
 * Groups names into calls of at most ten where no two references could be answered by results of the same
 * `Name` and `Selector`: an own `/foo` and another account's `/foo` by ARN go in separate calls, so no answer is
 * ever ambiguous.
 */
const batches = (refs: readonly ParameterRef[]): ParameterRef[][] => {
  const all: ParameterRef[][] = []
  // Batches with room left: almost always one, so grouping stays linear in the number of names.
  let open: { refs: ParameterRef[]; names: Set<string> }[] = []
  for (const ref of refs) {
    const names = answerNames(ref)
    let batch = open.find((b) => names.every((n) => !b.names.has(n)))
    if (batch === undefined) {
      batch = { refs: [], names: new Set() }
      open.push(batch)
      all.push(batch.refs)
    }
    batch.refs.push(ref)
    for (const n of names) batch.names.add(n)
    if (batch.refs.length === BATCH_SIZE) open = open.filter((b) => b !== batch)
  }
  return all
}

/**
 * Matches one GetParameters answer to exactly the references of its call: by ARN for a reference asked by
 * ARN, else by name and selector; a duplicate or an unasked-for result is ignored; a name neither returned
 * nor listed in `InvalidParameters` was not answered. A malformed answer fails the whole call.
 */
const matchAnswer = (batch: readonly ParameterRef[], result: unknown): Map<string, Outcome> | undefined => {
  if (!isObject(result)) return undefined
  const parameters = result.Parameters ?? []
  const invalid = result.InvalidParameters ?? []
  if (!Array.isArray(parameters) || !Array.isArray(invalid)) return undefined
  const byArn = new Map<string, ParameterRef>()
  const byName = new Map<string, ParameterRef>()
  for (const ref of batch) {
    if (ref.arn) byArn.set(ref.arn + ref.selector, ref)
    for (const name of answerNames(ref)) byName.set(name, ref)
  }
  const answers = new Map<string, Outcome>()
  for (const p of parameters) {
    if (!isObject(p) || typeof p.Name !== 'string') return undefined
    const selector = typeof p.Selector === 'string' ? p.Selector : ''
    const arn = typeof p.ARN === 'string' ? p.ARN : undefined
    let ref = arn === undefined ? undefined : byArn.get(arn + selector)
    if (ref === undefined) {
      const named = byName.get(p.Name + selector)
      // Asked by ARN, answered with another ARN: another account's parameter of the same name.
      if (named !== undefined && !(named.arn && arn !== undefined)) ref = named
    }
    if (ref === undefined || answers.has(ref.id)) continue
    answers.set(ref.id, typeof p.Value === 'string' ? { ok: true, raw: p.Value } : INVALID_RESPONSE)
  }
  for (const id of invalid) {
    if (typeof id !== 'string') return undefined
    const ref = batch.find((r) => r.id === id)
    if (ref !== undefined && !answers.has(ref.id)) answers.set(ref.id, NOT_FOUND)
  }
  return answers
}

/**
 * The SSM Parameter Store source: names in GetParameters batches of at most ten, paths paged through
 * GetParametersByPath, every call of a round at once. A batch that AWS denies as a whole (one name the
 * role may not read denies all ten) is split into single-name calls at once, in the same round, so every
 * readable name is served and each name gets its own verdict.
 */
export class SsmSource implements Source<ParameterRef> {
  calls = 0
  /** Names to send alone: known to be denied. */
  private readonly alone = new Set<string>()
  private client: AwsClientLike | undefined

  constructor(
    private readonly createClient: () => AwsClientLike,
    private readonly sdk: SsmModule,
    private readonly classify: Classify,
  ) {}

  async fetch(refs: readonly ParameterRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    this.client ??= this.createClient()
    const tasks: Promise<void>[] = []
    const names: ParameterRef[] = []
    for (const ref of refs) {
      if (ref.kind === 'path') tasks.push(this.fetchPath(ref, signal, out))
      else if (this.alone.has(ref.id)) tasks.push(this.fetchBatch([ref], signal, out))
      else names.push(ref)
    }
    for (const batch of batches(names)) tasks.push(this.fetchBatch(batch, signal, out))
    await Promise.all(tasks)
  }

  private async send(command: unknown, signal: AbortSignal): Promise<unknown> {
    this.calls++
    return await (this.client as AwsClientLike).send(command, { abortSignal: signal })
  }

  private async fetchBatch(batch: ParameterRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    let result: unknown
    try {
      result = await this.send(
        new this.sdk.GetParametersCommand({ Names: batch.map((ref) => ref.id), WithDecryption: true }),
        signal,
      )
    } catch (error) {
      const failure = this.classify(error)
      const denied = failure.reason === 'access_denied' || failure.reason === 'kms_denied'
      if (denied && batch.length > 1 && !signal.aborted) {
        // AWS authorizes the call as a whole: the denial says nothing yet about any one name.
        await Promise.all(batch.map((ref) => this.fetchBatch([ref], signal, out)))
        return
      }
      if (denied) this.alone.add(batch[0]!.id)
      for (const ref of batch) out.set(ref.id, { ok: false, failure })
      return
    }
    const answers = matchAnswer(batch, result)
    for (const ref of batch) {
      const outcome = answers === undefined ? INVALID_RESPONSE : (answers.get(ref.id) ?? INVALID_RESPONSE)
      if (batch.length === 1 && outcome.ok) this.alone.delete(ref.id)
      out.set(ref.id, outcome)
    }
  }

  private async fetchPath(ref: ParameterRef, signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    const page = async (token: string | undefined): Promise<Page<string> | undefined> => {
      const result = await this.send(
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
      const parameters = isObject(result) ? result.Parameters : undefined
      const next = isObject(result) ? result.NextToken : undefined
      if (!Array.isArray(parameters) || (next !== undefined && typeof next !== 'string')) return undefined
      const values: [string, string][] = []
      for (const p of parameters) {
        if (!isObject(p) || typeof p.Name !== 'string' || typeof p.Value !== 'string' || !p.Name.startsWith(ref.name)) {
          return undefined
        }
        values.push([p.Name.slice(ref.name.length), p.Value])
      }
      return { values, next: next || undefined }
    }
    try {
      out.set(ref.id, await readPages(MAX_PAGES, page, (token) => token))
    } catch (error) {
      out.set(ref.id, { ok: false, failure: this.classify(error) })
    }
  }
}
