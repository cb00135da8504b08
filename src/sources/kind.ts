import type { FailureInfo } from '../errors.js'
import type { ResolvedOptions, StoreOptions } from '../options.js'
import type { Source, SourceRef } from './source.js'

/** The object-form fields of one entry beyond `name`, `transform` and `required`, as given (absent ones left out). */
export type SpecFields = Readonly<Record<string, unknown>>

/**
 * A refusal of one field of an entry's object form: `fetchData.KEY.versionStage must be a string`. A plain Error
 * is about the entry's name: `fetchData.KEY: "x" is not …`.
 */
export class SpecError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field} ${problem}`)
  }
}

/**
 * What advice says about an AWS store, in that service's own words. A store without it (a user's store) gets
 * advice that names no AWS service, IAM action, KMS or AWS Health.
 */
export interface AwsAdvice {
  /** The IAM actions that read the reference: `ssm:GetParameters` for a name, `ssm:GetParametersByPath` for a path. */
  actions(ref: SourceRef): string
  /**
   * What to create or fix when the store answers that it does not exist: `create the secret or fix its name`; the
   * failure says why when the store gave more (`detail`: a secret scheduled for deletion).
   */
  missing(ref: SourceRef, failure: FailureInfo): string
  /**
   * What to check when the store refused the request itself (HTTP 4xx, `invalid_request`): the user's mistakes the
   * store answers that way (a DynamoDB key that does not fit the table, a secret scheduled for deletion), and a
   * report to middy-secrets only where the entry was checked at construction and the refusal would be our bug.
   */
  invalidRequest(ref: SourceRef, failure: FailureInfo): string
  /** What raises the account's quota when the store throttles it. */
  readonly quota: string
  /** The service a VPC endpoint for it names: `com.amazonaws.<region>.<endpoint>`. */
  readonly endpoint: string
}

/**
 * One kind of store, as the registry knows it: how its entries are recognised and parsed (at construction, in the
 * core's bundle), which SDK it needs and how its source is made (its code and SDK load on the first fetch).
 */
export interface StoreKind {
  /** The name its references carry in `SourceRef.store`. */
  readonly store: string
  /** What messages call the store: `Secrets Manager`. */
  readonly title: string
  /** The advice of an AWS store's errors; absent for a user's store. */
  readonly aws?: AwsAdvice
  /** The prefix its entries start with (`secretsmanager:`), listed when an unknown prefix is refused. */
  readonly prefix?: string
  /** Whether an entry string is this store's. The Parameter Store kind is not asked: it takes the rest. */
  recognises(input: string): boolean
  /**
   * Parses an entry; throws a {@link SpecError} (or an Error about the name) when it is not a valid one. `settings`
   * are the store's own option's settings (`secretsManager: { batch }`), as given; `{}` when there are none.
   */
  parse(input: string, fields: SpecFields, settings: Readonly<Record<string, unknown>>): SourceRef
  /** Extra object-form fields the store reads, each with what it applies to (`versionStage` → `secrets`). */
  readonly fields?: Readonly<Record<string, string>>
  /**
   * A top-level option of the store's own (`secretsManager`): its client's `awsClientOptions` and `AwsClient`
   * (defaulting to the top-level ones), and the extra settings named here with their type.
   */
  readonly option?: {
    readonly name: string
    readonly settings?: Readonly<Record<string, 'boolean' | 'number' | 'string'>>
  }
  /** The SDK package its source needs (an optional peer), named when it cannot be loaded. */
  readonly sdk: string
  /** Makes the store's source for one instance; nothing is loaded before its first fetch. */
  source(opts: ResolvedOptions, settings: StoreOptions): Source
}
