// The ARN an AppConfig access denial names is the one IAM checks StartConfigurationSession and
// GetLatestConfiguration against: the `configuration` resource type,
// arn:aws:appconfig:<region>:<account>:application/<applicationId>/environment/<environmentId>/configuration/<profileId>
// (Service Authorization Reference, "Actions, resources, and condition keys for AWS AppConfig"), with the ids.
import { AppConfigDataClient, StartConfigurationSessionCommand } from '@aws-sdk/client-appconfigdata'
import { classifyError } from '../../../src/classify.js'
import { AppConfigEngine } from '../src/index.js'
import { rejection } from './support/errors.js'
import { useStores } from './support/stores.js'

const stores = useStores()

const denied = async (options: Parameters<typeof stores.start>[0], ids: string[], names = ['shop/prod/flags']) => {
  const store = await stores.start(options)
  const client = stores.client(AppConfigDataClient, store)
  store.fault({ kind: 'access-denied', names, count: 1 })
  const error = await rejection(
    client.send(
      new StartConfigurationSessionCommand({
        ApplicationIdentifier: ids[0],
        EnvironmentIdentifier: ids[1],
        ConfigurationProfileIdentifier: ids[2],
      }),
    ),
  )
  return { store, error }
}

test('the reported input: a denial for shop/prod/flags names the configuration ARN with its ids', async () => {
  const { store, error } = await denied({ appconfig: { 'shop/prod/flags': '{}' } }, ['shop', 'prod', 'flags'])
  const ids = store.appConfigEngine.idsOf('shop/prod/flags')
  const arn = `arn:aws:appconfig:us-east-1:123456789012:application/${ids?.application}/environment/${ids?.environment}/configuration/${ids?.profile}`
  expect(error.name).toBe('AccessDeniedException')
  expect(error.message).toBe(
    'User: arn:aws:sts::123456789012:assumed-role/fake/local-parameter-store is not authorized to perform: ' +
      `appconfig:StartConfigurationSession on resource: ${arn} because no identity-based policy allows the ` +
      'appconfig:StartConfigurationSession action',
  )
  expect(arn).toMatch(
    /^arn:aws:appconfig:us-east-1:123456789012:application\/[a-z0-9]{7}\/environment\/[a-z0-9]{7}\/configuration\/[a-z0-9]{7}$/,
  )
  // The runtime picks the same ARN out of the message (src/classify.ts, DENIED_ARN).
  expect(classifyError(error)).toMatchObject({ reason: 'access_denied', resourceArn: arn })
})

test('a session asked for by ids is denied on the same ARN; the store’s region and account are in it', async () => {
  const engine = new AppConfigEngine({ appconfig: { 'shop/prod/flags': '{}' } })
  expect(engine.region).toBe('us-east-1')
  const { store, error } = await denied(
    { appconfig: { 'shop/prod/flags': '{}' }, region: 'eu-west-1', accountId: '210987654321' },
    ['shop', 'prod', 'flags'],
  )
  const ids = store.appConfigEngine.idsOf('shop/prod/flags')
  const arn = `arn:aws:appconfig:eu-west-1:210987654321:application/${ids?.application}/environment/${ids?.environment}/configuration/${ids?.profile}`
  expect(classifyError(error).resourceArn).toBe(arn)
  expect(error.message).toContain('User: arn:aws:sts::210987654321:assumed-role/')
  const byIds = stores.client(AppConfigDataClient, store)
  store.fault({ kind: 'access-denied', names: ['shop/prod/flags'], count: 1 })
  const again = await rejection(
    byIds.send(
      new StartConfigurationSessionCommand({
        ApplicationIdentifier: ids?.application,
        EnvironmentIdentifier: ids?.environment,
        ConfigurationProfileIdentifier: ids?.profile,
      }),
    ),
  )
  expect(classifyError(again).resourceArn).toBe(arn)
})

test('a profile the store does not have is named as asked; with no profile at all, each part is *', async () => {
  const { error } = await denied({}, ['shop', 'prod', 'missing'], ['shop/prod/missing'])
  expect(classifyError(error).resourceArn).toBe(
    'arn:aws:appconfig:us-east-1:123456789012:application/shop/environment/prod/configuration/missing',
  )
  expect(new AppConfigEngine().arnOf(undefined)).toBe(
    'arn:aws:appconfig:us-east-1:123456789012:application/*/environment/*/configuration/*',
  )
})
