import type { Classify } from '../../classify.js'
import type { ParameterRef } from '../../parameter.js'
import type { AwsClientLike } from '../../types.js'
import { INVALID_RESPONSE } from '../answers.js'
import type { Outcome, Source } from '../source.js'

/** AWS's limit on `SecretIdList` in one BatchGetSecretValue call. */
export const SECRETS_BATCH_SIZE = 20

interface SecretValue {
  ARN?: string
  Name?: string
  SecretString?: string
  SecretBinary?: Uint8Array
}

/** What the source needs of `@aws-sdk/client-secrets-manager`: loaded on first use, never at import. */
export interface SecretsManagerModule {
  GetSecretValueCommand: new (input: object) => unknown
  BatchGetSecretValueCommand: new (input: object) => unknown
}

// A binary secret is handed over as base64 text: context values and variables are strings.
const outcomeOf = (secret: unknown): Outcome => {
  if (typeof secret !== 'object' || secret === null) return INVALID_RESPONSE
  const { SecretString, SecretBinary } = secret as SecretValue
  if (typeof SecretString === 'string') return { ok: true, raw: SecretString }
  if (SecretBinary instanceof Uint8Array) return { ok: true, raw: Buffer.from(SecretBinary).toString('base64') }
  return INVALID_RESPONSE
}

const isList = (x: unknown): x is unknown[] => x === undefined || Array.isArray(x)

/**
 * Matches one BatchGetSecretValue answer to exactly the secrets of its call; a duplicate or an unasked-for
 * entry is ignored, a secret neither returned nor in `Errors` was not answered. A malformed answer fails the
 * whole call (undefined).
 */
const matchBatch = (
  batch: readonly ParameterRef[],
  result: unknown,
  classify: Classify,
): Map<string, Outcome> | undefined => {
  if (typeof result !== 'object' || result === null) return undefined
  const { SecretValues, Errors } = result as { SecretValues?: unknown; Errors?: unknown }
  if (!isList(SecretValues) || !isList(Errors)) return undefined
  const answers = new Map<string, Outcome>()
  for (const secret of SecretValues ?? []) {
    if (typeof secret !== 'object' || secret === null) return undefined
    // Two references to one secret (its name and its ARN) are both answered by its one entry.
    for (const ref of batch) {
      if (!answers.has(ref.id) && matches(ref.name, secret as SecretValue)) answers.set(ref.id, outcomeOf(secret))
    }
  }
  for (const error of Errors ?? []) {
    if (typeof error !== 'object' || error === null) return undefined
    const { SecretId, ErrorCode, Message } = error as { SecretId?: unknown; ErrorCode?: unknown; Message?: unknown }
    const ref = batch.find((r) => r.name === SecretId)
    if (ref !== undefined && !answers.has(ref.id)) {
      const name = typeof ErrorCode === 'string' ? ErrorCode : ''
      // The message is read only to classify (a secret scheduled for deletion), never kept.
      const failure = classify({ name, message: typeof Message === 'string' ? Message : '' })
      // An entry of Errors is the store's answer about one secret, never a network fault: a name classify does not
      // know (InvalidRequestException for a secret scheduled for deletion) is a refusal, or the store failing inside.
      if (failure.reason === 'unreachable') {
        failure.reason = name === 'InternalServiceError' ? 'store_error' : 'invalid_request'
      }
      answers.set(ref.id, { ok: false, failure })
    }
  }
  return answers
}

// A SecretId may be the name, the full ARN, or the ARN without its six-character suffix.
const matches = (id: string, secret: SecretValue): boolean =>
  secret.Name === id ||
  secret.ARN === id ||
  (secret.ARN?.startsWith(`${id}-`) === true && secret.ARN.length === id.length + 7)

/**
 * The Secrets Manager source. By default one GetSecretValue per secret, all at once: its quota is about
 * 10,000 calls per second, a hundred times BatchGetSecretValue's, which matters in a fleet's deploy
 * burst. With `batch`, secrets on AWSCURRENT go in BatchGetSecretValue calls of up to 20.
 */
export class SecretsManagerSource implements Source<ParameterRef> {
  calls = 0
  /** Secrets of a batch that IAM refused as a whole (no `secretsmanager:BatchGetSecretValue`): asked for alone. */
  private readonly alone = new Set<string>()
  private loaded: Promise<{ client: AwsClientLike; module: SecretsManagerModule }> | undefined

  constructor(
    private readonly load: () => Promise<{ client: AwsClientLike; module: SecretsManagerModule }>,
    private readonly batch: boolean,
    private readonly classify: Classify,
  ) {}

  async fetch(refs: readonly ParameterRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    let sdk: { client: AwsClientLike; module: SecretsManagerModule }
    try {
      this.loaded ??= this.load()
      sdk = await this.loaded
    } catch (error) {
      // The SDK package missing (sdk_missing) or the client not made (client_config): tried again next round.
      this.loaded = undefined
      const failure = this.classify(error)
      for (const ref of refs) out.set(ref.id, { ok: false, failure })
      return
    }
    const tasks: Promise<void>[] = []
    const batchable = this.batch ? refs.filter((ref) => ref.selector === '' && !this.alone.has(ref.id)) : []
    for (let i = 0; i < batchable.length; i += SECRETS_BATCH_SIZE) {
      tasks.push(this.fetchBatch(sdk, batchable.slice(i, i + SECRETS_BATCH_SIZE), signal, out))
    }
    for (const ref of refs) if (!batchable.includes(ref)) tasks.push(this.fetchOne(sdk, ref, signal, out))
    await Promise.all(tasks)
  }

  private async fetchOne(
    { client, module }: { client: AwsClientLike; module: SecretsManagerModule },
    ref: ParameterRef,
    signal: AbortSignal,
    out: Map<string, Outcome>,
  ): Promise<void> {
    this.calls++
    try {
      const input = ref.selector ? { SecretId: ref.name, VersionStage: ref.selector } : { SecretId: ref.name }
      out.set(ref.id, outcomeOf(await client.send(new module.GetSecretValueCommand(input), { abortSignal: signal })))
    } catch (error) {
      out.set(ref.id, { ok: false, failure: this.classify(error) })
    }
  }

  private async fetchBatch(
    sdk: { client: AwsClientLike; module: SecretsManagerModule },
    batch: ParameterRef[],
    signal: AbortSignal,
    out: Map<string, Outcome>,
  ): Promise<void> {
    this.calls++
    let result: unknown
    try {
      result = await sdk.client.send(
        new sdk.module.BatchGetSecretValueCommand({ SecretIdList: batch.map((ref) => ref.name) }),
        { abortSignal: signal },
      )
    } catch (error) {
      const failure = this.classify(error)
      // AWS reports a secret the role may not read inside Errors: a refused call is a refused action, which
      // GetSecretValue may still be allowed. Asked again at once, one secret per call, and so from now on.
      if (failure.reason === 'access_denied' && !signal.aborted) {
        for (const ref of batch) this.alone.add(ref.id)
        await Promise.all(batch.map((ref) => this.fetchOne(sdk, ref, signal, out)))
        return
      }
      for (const ref of batch) out.set(ref.id, { ok: false, failure })
      return
    }
    const answers = matchBatch(batch, result, this.classify)
    for (const ref of batch) {
      out.set(ref.id, answers === undefined ? INVALID_RESPONSE : (answers.get(ref.id) ?? INVALID_RESPONSE))
    }
  }
}
