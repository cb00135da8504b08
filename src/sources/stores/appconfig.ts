import type { Classify } from '../../classify.js'
import type { FailureInfo } from '../../errors.js'
import type { AwsClientLike, Clock } from '../../types.js'
import { INVALID_RESPONSE } from '../answers.js'
import type { AppConfigRef } from '../appconfig.js'
import type { Outcome, Source } from '../source.js'

/**
 * The poll interval each configuration session asks for: AppConfig's smallest. A session's interval is a floor
 * AppConfig enforces on every poll, so the smallest one leaves `cacheExpiry` (and its jitter) free above it.
 */
export const APPCONFIG_MIN_POLL_SECONDS = 15

/** What the source needs of `@aws-sdk/client-appconfigdata`: loaded on first use, never at import. */
export interface AppConfigModule {
  StartConfigurationSessionCommand: new (input: object) => unknown
  GetLatestConfigurationCommand: new (input: object) => unknown
}

interface Sdk {
  client: AwsClientLike
  module: AppConfigModule
}

/** One configuration session per reference. */
interface Session {
  /** The next poll's token; undefined once sent (a token is used once, whatever became of the call). */
  token: string | undefined
  /** The session's first poll answers the whole configuration; later ones answer empty when nothing changed. */
  first: boolean
  /** AppConfig refuses a poll sooner than this (the previous answer's NextPollIntervalInSeconds). */
  pollAfter: number
  /** The configuration as last answered: what an empty answer ("unchanged") stands for. */
  raw: string | undefined
}

const decoder = new TextDecoder()

const errorName = (error: unknown): unknown => {
  try {
    return (error as { name?: unknown } | null)?.name
  } catch {
    return undefined
  }
}

/**
 * The AWS AppConfig source, through the AppConfig Data API: one configuration session per reference, each poll
 * with the token the previous one returned, never sooner than the interval AppConfig set. An empty answer means
 * unchanged, and is answered with the configuration last seen. A token is spent once sent: after a poll that
 * failed or was cut off, the next poll opens a new session; a token AppConfig rejects (expired after 24 hours,
 * or not valid) is replaced by a new session within the same fetch.
 */
export class AppConfigSource implements Source<AppConfigRef> {
  calls = 0
  private readonly sessions = new Map<string, Session>()
  private loaded: Promise<Sdk> | undefined

  constructor(
    private readonly load: () => Promise<Sdk>,
    private readonly clock: Clock,
    private readonly classify: Classify,
  ) {}

  async fetch(refs: readonly AppConfigRef[], signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    let sdk: Sdk
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
    await Promise.all(refs.map((ref) => this.fetchOne(sdk, ref, signal, out)))
  }

  private async fetchOne(sdk: Sdk, ref: AppConfigRef, signal: AbortSignal, out: Map<string, Outcome>): Promise<void> {
    let session = this.sessions.get(ref.id)
    if (session === undefined) {
      session = { token: undefined, first: true, pollAfter: Number.NEGATIVE_INFINITY, raw: undefined }
      this.sessions.set(ref.id, session)
    }
    // A round before the interval is over (invalidate(), a retry) would be refused: a new session answers at once.
    let renewed = false
    if (session.token === undefined || this.clock.now() < session.pollAfter) {
      const failure = await this.startSession(sdk, ref, session, signal)
      if (failure) {
        out.set(ref.id, { ok: false, failure })
        return
      }
      renewed = true
    }
    for (;;) {
      const token = session.token
      session.token = undefined
      this.calls++
      let result: unknown
      try {
        result = await sdk.client.send(new sdk.module.GetLatestConfigurationCommand({ ConfigurationToken: token }), {
          abortSignal: signal,
        })
      } catch (error) {
        // BadRequestException on a poll is AppConfig rejecting the token (expired, not valid, or too soon).
        if (!renewed && errorName(error) === 'BadRequestException' && !signal.aborted) {
          const failure = await this.startSession(sdk, ref, session, signal)
          if (failure) {
            out.set(ref.id, { ok: false, failure })
            return
          }
          renewed = true
          continue
        }
        out.set(ref.id, { ok: false, failure: this.classify(error) })
        return
      }
      out.set(ref.id, this.answer(session, result))
      return
    }
  }

  private async startSession(
    sdk: Sdk,
    ref: AppConfigRef,
    session: Session,
    signal: AbortSignal,
  ): Promise<FailureInfo | undefined> {
    this.calls++
    try {
      const result = (await sdk.client.send(
        new sdk.module.StartConfigurationSessionCommand({
          ApplicationIdentifier: ref.application,
          EnvironmentIdentifier: ref.environment,
          ConfigurationProfileIdentifier: ref.profile,
          RequiredMinimumPollIntervalInSeconds: APPCONFIG_MIN_POLL_SECONDS,
        }),
        { abortSignal: signal },
      )) as { InitialConfigurationToken?: unknown } | undefined
      const token = result?.InitialConfigurationToken
      if (typeof token !== 'string' || token.length === 0) return { reason: 'invalid_response' }
      session.token = token
      session.first = true
      session.pollAfter = Number.NEGATIVE_INFINITY
      return undefined
    } catch (error) {
      return this.classify(error)
    }
  }

  /** Reads one GetLatestConfiguration answer into the session, and says what it means for the key. */
  private answer(session: Session, result: unknown): Outcome {
    const { Configuration, NextPollConfigurationToken, NextPollIntervalInSeconds } = (result ?? {}) as {
      Configuration?: unknown
      NextPollConfigurationToken?: unknown
      NextPollIntervalInSeconds?: unknown
    }
    const interval = NextPollIntervalInSeconds
    if (
      typeof NextPollConfigurationToken !== 'string' ||
      NextPollConfigurationToken.length === 0 ||
      typeof interval !== 'number' ||
      !(interval >= 0 && interval <= 86_400) ||
      // The SDK reads an empty body as null; bytes may come from another realm (a test runner's vm).
      (Configuration !== undefined && Configuration !== null && !ArrayBuffer.isView(Configuration))
    ) {
      // Without a next token the session is over: the next fetch opens another.
      return INVALID_RESPONSE
    }
    const bytes = Configuration as Uint8Array | null | undefined
    // Empty means unchanged since this session's previous poll; on a session's first poll it is the content.
    const raw = bytes && bytes.byteLength > 0 ? decoder.decode(bytes) : session.first ? '' : (session.raw ?? '')
    session.token = NextPollConfigurationToken
    session.first = false
    session.pollAfter = this.clock.now() + interval * 1000
    session.raw = raw
    return { ok: true, raw, minIntervalMs: interval * 1000 }
  }
}
