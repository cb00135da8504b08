import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleInputs } from '../support/cold-start.js'
import { useDynalite } from '../support/dynalite.js'
import { onlyInstalled, useOnlySdk } from '../support/only-sdk.js'

// A DynamoDB-only map loads neither the SSM nor the Secrets Manager client, nor their code (npm test builds dist/
// first): the packaged build, installed where only @aws-sdk/client-dynamodb is, against dynalite.
const root = fileURLToPath(new URL('../..', import.meta.url))
const d = useDynalite()

describe('a DynamoDB-only map', () => {
  const only = useOnlySdk(['@aws-sdk/client-dynamodb'])
  beforeAll(async () => {
    await d.db.createTable('config')
    await d.db.putValue('config', 'app', 'fake-app')
    await d.db.putValue('config', 'flags', 'on', 'beta')
  })

  test('runs where @aws-sdk/client-ssm and @aws-sdk/client-secrets-manager are not installed', async () => {
    expect(await only.importable()).toEqual(onlyInstalled(['@aws-sdk/client-dynamodb']))
    const result = await only.run(
      `
const awsClientOptions = JSON.parse(process.env.DYNAMODB_CONFIG)
const handler = middy(async (_event, context) => context.APP)
  .use(secrets({ fetchData: { APP: 'dynamodb:config/app' }, awsClientOptions }))
console.log('dynamodb gave:', await handler({}, context))
console.log('ssm:', await parameterMap(awsClientOptions))
`,
      { DYNAMODB_CONFIG: JSON.stringify(d.db.clientOptions) },
    )
    expect(result.err).not.toMatch(/Cannot find package|Unhandled| {4}at /)
    expect(result.out).toContain('dynamodb gave: fake-app')
    expect(result.out).toContain('ssm: UNAVAILABLE sdk_missing true')
    expect(result.code).toBe(0)
  })

  test('the entry holds no DynamoDB code; an SSM-only bundle loads none at cold start', async () => {
    const entry = readFileSync(join(root, 'dist/index.js'), 'utf8')
    expect(entry).not.toMatch(/BatchGetItemCommand|UnprocessedKeys|class DynamoDbSource|DynamoDbSource = class/)
    expect(entry).toMatch(/import\(["']\.\/stores\/dynamodb\.js["']\)/)
    const inputs = await bundleInputs({ TOKEN: '/bots/token' })
    expect(inputs.loaded.some((input) => input.endsWith('stores/dynamodb.js'))).toBe(false)
    expect(inputs.all.some((input) => input.endsWith('stores/dynamodb.js'))).toBe(true)
  })
})
