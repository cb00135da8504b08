import {
  AppConfigDataClient,
  GetLatestConfigurationCommand,
  StartConfigurationSessionCommand,
} from '@aws-sdk/client-appconfigdata'
import { AppConfigEngine, type LocalStoreOptions } from '../src/index.js'
import { rejection } from './support/errors.js'
import { useStores } from './support/stores.js'

const stores = useStores()
const started = async (options?: LocalStoreOptions) => {
  const store = await stores.start(options)
  return { store, client: stores.client(AppConfigDataClient, store) }
}

const session = (client: AppConfigDataClient, ids = ['shop', 'prod', 'flags'], interval?: number) =>
  client.send(
    new StartConfigurationSessionCommand({
      ApplicationIdentifier: ids[0],
      EnvironmentIdentifier: ids[1],
      ConfigurationProfileIdentifier: ids[2],
      RequiredMinimumPollIntervalInSeconds: interval,
    }),
  )

const poll = (client: AppConfigDataClient, token: string | undefined) =>
  client.send(new GetLatestConfigurationCommand({ ConfigurationToken: token }))

const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8')

describe('AppConfig Data through the real AppConfigDataClient', () => {
  it('starts a session (201) and answers the configuration with its headers, then empty while unchanged', async () => {
    let now = 1_000_000
    const { store, client } = await started({
      now: () => now,
      appconfig: { 'shop/prod/flags': { content: '{"beta":{"enabled":true}}', contentType: 'application/json' } },
    })
    const { InitialConfigurationToken } = await session(client, undefined, 15)
    expect(typeof InitialConfigurationToken).toBe('string')
    const first = await poll(client, InitialConfigurationToken)
    expect(text(first.Configuration)).toBe('{"beta":{"enabled":true}}')
    expect(first.ContentType).toBe('application/json')
    expect(first.NextPollIntervalInSeconds).toBe(15)
    expect(first.NextPollConfigurationToken).toMatch(/^[A-Za-z0-9_-]{40,}$/)
    expect(first.$metadata.httpStatusCode).toBe(200)
    now += 15_000
    const second = await poll(client, first.NextPollConfigurationToken)
    expect(text(second.Configuration)).toBe('')
    now += 15_000
    store.deployConfiguration('shop/prod/flags', '{"beta":{"enabled":false}}', { versionLabel: 'v2' })
    const third = await poll(client, second.NextPollConfigurationToken)
    expect(text(third.Configuration)).toBe('{"beta":{"enabled":false}}')
    expect(third.VersionLabel).toBe('v2')
    expect(store.calls).toMatchObject({ StartConfigurationSession: 1, GetLatestConfiguration: 3, total: 4 })
    expect(store.requests[1]).toMatchObject({
      operation: 'GetLatestConfiguration',
      input: { ConfigurationToken: InitialConfigurationToken },
    })
  })

  it('defaults the interval to 60 s and refuses a poll sooner (PollIntervalNotSatisfied), keeping the token', async () => {
    let now = 0
    const { client } = await started({ now: () => now, appconfig: { 'shop/prod/flags': 'a' } })
    const { InitialConfigurationToken } = await session(client)
    const first = await poll(client, InitialConfigurationToken)
    expect(first.NextPollIntervalInSeconds).toBe(60)
    now += 59_999
    const early = await rejection(poll(client, first.NextPollConfigurationToken))
    expect(early.name).toBe('BadRequestException')
    expect(early.$metadata.httpStatusCode).toBe(400)
    expect(early.Details).toEqual({
      InvalidParameters: { ConfigurationToken: { Problem: 'PollIntervalNotSatisfied' } },
    })
    now += 1
    expect(text((await poll(client, first.NextPollConfigurationToken)).Configuration)).toBe('')
  })

  it('refuses a token used twice, a made-up one and one past 24 h, and counts the reuse', async () => {
    let now = 0
    const { store, client } = await started({ now: () => now, appconfig: { 'shop/prod/flags': 'a' } })
    const { InitialConfigurationToken } = await session(client)
    const first = await poll(client, InitialConfigurationToken)
    const again = await rejection(poll(client, InitialConfigurationToken))
    expect(again.name).toBe('BadRequestException')
    expect(again.Details.InvalidParameters.ConfigurationToken.Problem).toBe('Expired')
    expect(store.appConfigEngine.reusedTokens).toBe(1)
    const made = await rejection(poll(client, 'not-a-token'))
    expect(made.Details.InvalidParameters.ConfigurationToken.Problem).toBe('Corrupted')
    now += 24 * 60 * 60 * 1000
    const old = await rejection(poll(client, first.NextPollConfigurationToken))
    expect(old.Details.InvalidParameters.ConfigurationToken.Problem).toBe('Expired')
    expect(store.appConfigEngine.reusedTokens).toBe(1)
  })

  it('takes ids for names, and answers ResourceNotFoundException (404) naming the resource type', async () => {
    const { store, client } = await started({ appconfig: { 'shop/prod/flags': 'by-id' } })
    const ids = store.appConfigEngine.idsOf('shop/prod/flags')!
    expect(ids.application).toMatch(/^[a-z0-9]{7}$/)
    const { InitialConfigurationToken } = await session(client, [ids.application, 'prod', ids.profile])
    expect(text((await poll(client, InitialConfigurationToken)).Configuration)).toBe('by-id')
    const noApp = await rejection(session(client, ['nope', 'prod', 'flags']))
    expect(noApp.name).toBe('ResourceNotFoundException')
    expect(noApp.$metadata.httpStatusCode).toBe(404)
    expect(noApp.ResourceType).toBe('Application')
    const noProfile = await rejection(session(client, ['shop', 'prod', 'other']))
    expect(noProfile.ResourceType).toBe('ConfigurationProfile')
    expect(store.appConfigEngine.idsOf('nope/x/y')).toBeUndefined()
  })

  it('refuses a poll interval outside 15..86400 and an identifier over 128 characters', async () => {
    const { client } = await started({ appconfig: { 'shop/prod/flags': 'a' } })
    expect((await rejection(session(client, undefined, 14))).name).toBe('BadRequestException')
    expect((await rejection(session(client, undefined, 86_401))).name).toBe('BadRequestException')
    expect((await rejection(session(client, ['a'.repeat(129), 'prod', 'flags']))).name).toBe('BadRequestException')
  })

  it('injects faults by profile and operation: throttle 429, server error 500, denial 403, malformed, cut', async () => {
    const { store, client } = await started({ appconfig: { 'shop/prod/flags': 'a', 'shop/prod/other': 'b' } })
    store.fault({ kind: 'throttle', names: ['shop/prod/flags'], count: 1 })
    const throttled = await rejection(session(client))
    expect([throttled.name, throttled.$metadata.httpStatusCode]).toEqual(['ThrottlingException', 429])
    expect((await session(client, ['shop', 'prod', 'other'])).InitialConfigurationToken).toBeDefined()
    store.fault({ kind: 'server-error', operations: ['GetLatestConfiguration'], count: 1 })
    const { InitialConfigurationToken } = await session(client)
    const failed = await rejection(poll(client, InitialConfigurationToken))
    expect([failed.name, failed.$metadata.httpStatusCode]).toEqual(['InternalServerException', 500])
    store.fault({ kind: 'access-denied', names: ['shop/prod/flags'], count: 1 })
    const denied = await rejection(session(client))
    expect([denied.name, denied.$metadata.httpStatusCode]).toEqual(['AccessDeniedException', 403])
    expect(denied.message).toContain('appconfig:StartConfigurationSession')
    store.fault({ kind: 'malformed', operations: ['StartConfigurationSession'], count: 1 })
    expect((await rejection(session(client))).$metadata?.httpStatusCode).toBe(200)
    const fresh = await session(client)
    store.fault({ kind: 'malformed', operations: ['GetLatestConfiguration'], count: 1 })
    const page = await poll(client, fresh.InitialConfigurationToken)
    expect(page.NextPollConfigurationToken).toBeUndefined()
    const again = await session(client)
    store.fault({ kind: 'truncated', operations: ['GetLatestConfiguration'], count: 1 })
    store.deployConfiguration('shop/prod/flags', 'x'.repeat(10_000))
    await expect(poll(client, again.InitialConfigurationToken)).rejects.toBeDefined()
    store.fault({ kind: 'reset', count: 1 })
    await expect(session(client)).rejects.toBeDefined()
  })

  it('a deleted profile: its sessions get ResourceNotFoundException; a poll is still named by its profile for faults', async () => {
    const { store, client } = await started({ appconfig: { 'shop/prod/flags': 'a' } })
    const { InitialConfigurationToken } = await session(client)
    store.deleteConfiguration('shop/prod/flags')
    expect(() => store.deleteConfiguration('shop/prod/flags')).toThrow('ConfigurationProfile not found')
    const gone = await rejection(poll(client, InitialConfigurationToken))
    expect([gone.name, gone.$metadata.httpStatusCode, gone.ResourceType]).toEqual([
      'ResourceNotFoundException',
      404,
      'ConfigurationProfile',
    ])
    expect(
      store.appConfigEngine.profileOf('GetLatestConfiguration', { ConfigurationToken: InitialConfigurationToken }),
    ).toBe('shop/prod/flags')
    expect(
      store.appConfigEngine.profileOf('GetLatestConfiguration', { ConfigurationToken: 'never-issued' }),
    ).toBeUndefined()
    expect(store.appConfigEngine.profileOf('StartConfigurationSession', { ApplicationIdentifier: 'x' })).toBeUndefined()
    // Deployed again, it is a new profile: a new session reads it.
    store.deployConfiguration('shop/prod/flags', 'b')
    const again = await session(client)
    expect(text((await poll(client, again.InitialConfigurationToken)).Configuration)).toBe('b')
  })

  it('points AWS_ENDPOINT_URL_APPCONFIGDATA at the store, and a client made from the environment reaches it', async () => {
    const { store } = await started({ appconfig: { 'shop/prod/flags': 'from-env' } })
    expect(store.env.AWS_ENDPOINT_URL_APPCONFIGDATA).toBe(store.clientConfig.endpoint)
    const saved = { ...process.env }
    Object.assign(process.env, store.env)
    try {
      const client = stores.destroyAfter(new AppConfigDataClient({ maxAttempts: 1 }))
      const { InitialConfigurationToken } = await session(client)
      expect(text((await poll(client, InitialConfigurationToken)).Configuration)).toBe('from-env')
    } finally {
      process.env = saved
    }
  })
})

describe('AppConfigEngine', () => {
  it('refuses bad seeds and deployments naming the key, and keeps versions', () => {
    expect(() => new AppConfigEngine({ appconfig: { 'a/b': 'x' } })).toThrow(/appconfig a\/b: the key must be/)
    expect(() => new AppConfigEngine({ appconfig: { 'a/b/c': 3 as never } })).toThrow(/appconfig a\/b\/c/)
    const engine = new AppConfigEngine({ appconfig: { 'a/b/c': { content: 'one', contentType: 'text/plain' } } })
    expect(() => engine.deploy('a/b/c', 5 as never)).toThrow(/content must be/)
    expect(engine.deploy('a/b/c', new Uint8Array([50]))).toBe(2)
    expect(engine.get('a/b/c')).toBe('2')
    expect(engine.entries()).toEqual([
      [
        'a/b/c',
        [
          { content: 'one', contentType: 'text/plain' },
          { content: '2', contentType: 'text/plain' },
        ],
      ],
    ])
    expect(() => engine.handle('ListApplications', {})).toThrow(/Unknown operation/)
    expect(() => engine.handle('GetLatestConfiguration', {})).toThrow(/ConfigurationToken is required/)
  })
})
