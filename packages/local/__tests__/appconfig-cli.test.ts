import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  AppConfigDataClient,
  GetLatestConfigurationCommand,
  StartConfigurationSessionCommand,
} from '@aws-sdk/client-appconfigdata'
import { CliError } from '../src/cli.js'
import { useCli, useTempDir } from './support/cli.js'

// Servers close (saving --data) before their folder goes.
const run = useCli()
const folder = useTempDir('middy-secrets-local-appconfig-')

const file = (name: string, content: unknown) => {
  const path = join(folder.path, name)
  writeFileSync(path, JSON.stringify(content))
  return path
}

const read = async (endpoint: string, app: string, env: string, profile: string) => {
  const client = new AppConfigDataClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
  })
  try {
    const { InitialConfigurationToken } = await client.send(
      new StartConfigurationSessionCommand({
        ApplicationIdentifier: app,
        EnvironmentIdentifier: env,
        ConfigurationProfileIdentifier: profile,
      }),
    )
    const out = await client.send(new GetLatestConfigurationCommand({ ConfigurationToken: InitialConfigurationToken }))
    return { text: Buffer.from(out.Configuration ?? new Uint8Array()).toString('utf8'), type: out.ContentType }
  } finally {
    client.destroy()
  }
}

test('--seed takes appconfig profiles (text, or content with its type, or versions), served over AppConfig Data', async () => {
  const seed = file('seed.json', {
    appconfig: {
      'shop/prod/banner': 'CANARY-7f3a-banner',
      'shop/prod/flags': { content: '{"beta":{"enabled":true}}', contentType: 'application/json' },
      'shop/prod/history': {
        versions: [{ content: 'one' }, { content: 'two', contentType: 'text/plain', versionLabel: 'v2' }],
      },
    },
  })
  const { cli, out, err } = await run(['--port', '0', '--seed', seed])
  const endpoint = /^export AWS_ENDPOINT_URL_APPCONFIGDATA=(.*)$/m.exec(out)?.[1] as string
  expect(endpoint).toBe(cli?.store.clientConfig.endpoint)
  expect(err).toContain('0 parameters, 0 secrets, 3 AppConfig profiles')
  expect(`${out}${err}`).not.toContain('CANARY-7f3a')
  expect(await read(endpoint, 'shop', 'prod', 'banner')).toEqual({
    text: 'CANARY-7f3a-banner',
    type: 'application/json',
  })
  expect(await read(endpoint, 'shop', 'prod', 'flags')).toEqual({
    text: '{"beta":{"enabled":true}}',
    type: 'application/json',
  })
  expect(await read(endpoint, 'shop', 'prod', 'history')).toEqual({ text: 'two', type: 'text/plain' })
})

test('--data keeps appconfig profiles with their versions', async () => {
  const data = join(folder.path, 'data.json')
  const seed = file('seed.json', { appconfig: { 'a/b/c': 'first' } })
  const first = await run(['--port', '0', '--seed', seed, '--data', data])
  first.cli?.store.deployConfiguration('a/b/c', 'second', { contentType: 'text/plain' })
  await first.cli?.close()
  expect(JSON.parse(readFileSync(data, 'utf8')).appconfig).toEqual({
    'a/b/c': {
      versions: [
        { content: 'first', contentType: 'application/json' },
        { content: 'second', contentType: 'text/plain' },
      ],
    },
  })
  const again = await run(['--port', '0', '--data', data])
  expect(again.cli?.store.appConfigEngine.get('a/b/c')).toBe('second')
})

test.each([
  [{ appconfig: [] }, /"appconfig": must be an object/],
  [{ appconfig: { 'a/b': 'x' } }, /appconfig a\/b: the key must be application\/environment\/profile/],
  [{ appconfig: { 'a/b/c': 5 } }, /appconfig a\/b\/c: must be a string or an object/],
  [{ appconfig: { 'a/b/c': { versions: [] } } }, /appconfig a\/b\/c: has no versions: give one or more$/],
  [{ appconfig: { 'a/b/c': { content: 1 } } }, /appconfig a\/b\/c: "content" must be a string \(put it in quotes\)$/],
  [{ appconfig: { 'a/b/c': { contentType: 'text/plain' } } }, /appconfig a\/b\/c: needs a "content" or "versions"$/],
  [{ appconfig: { 'a/b/c': { versions: [{ contentType: 'text/plain' }] } } }, /each version needs a "content"$/],
  [{ appconfig: { 'a/b/c': { versions: ['x'] } } }, /each version must be an object with a "content"$/],
  [
    { appconfig: { 'a/b/c': { content: 'x', contentType: 1 } } },
    /"contentType" must be a string \(put it in quotes\)$/,
  ],
  [{ appconfig: { 'a/b/c': { content: 'x', versionLabel: [] } } }, /: "versionLabel" must be a string$/],
  [
    { appconfig: { 'a/b/c': { contentType: 1, versions: [{ content: 'x' }] } } },
    /: "contentType" must be a string \(put it in quotes\)$/,
  ],
  [
    { appconfig: { 'a/b/c': { content: 'x', versions: [{ content: 'y' }] } } },
    /appconfig a\/b\/c: has both "content" and "versions": give one \(the last version is the current one\)$/,
  ],
  [
    { appconfig: { 'a/b/c': { versionLabel: 'v1', versions: [{ content: 'y' }] } } },
    /appconfig a\/b\/c: "versionLabel" goes on each version when there are "versions"$/,
  ],
  [
    { appconfig: { 'a/b/c': { versions: [{ contnet: 'x' }] } } },
    /appconfig a\/b\/c: unknown version field "contnet" \(did you mean "content"\?\); the version fields are "content", "contentType" and "versionLabel"$/,
  ],
])('a bad appconfig seed is refused naming the entry: %j', async (content, message) => {
  let error: unknown
  try {
    await run(['--port', '0', '--seed', file('bad.json', content)])
  } catch (e) {
    error = e
  }
  expect(error).toBeInstanceOf(CliError)
  expect((error as Error).message).toMatch(message)
})
