import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The least-privilege check CI runs on every example's packaged serverless template and SAM template
// (scripts/examples-iam.js): here its rules, and the SAM templates as they stand.
type Grants = Map<string, Set<string>>
interface Checker {
  needed(fetchData: Record<string, unknown>): Grants
  granted(statements: unknown[]): { grants: Grants; problems: string[] }
  checkExample(dir: string): Promise<{ problems: string[]; checked: string[] }>
}
const checker = import('../../scripts/examples-iam.js' as string) as Promise<Checker>
const root = fileURLToPath(new URL('../..', import.meta.url))
const plain = (grants: Grants) => Object.fromEntries([...grants].map(([action, set]) => [action, [...set].sort()]))
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own Fn::Sub syntax
const P = 'arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter'

describe('what a map needs', () => {
  test('each kind of entry, exactly', async () => {
    const { needed } = await checker
    const grants = needed({
      TOKEN: '/bots/superman/twitter-token',
      PINNED: '/shared/db-url:3',
      LABELLED: { name: '/shared/flags:prod', transform: 'json' },
      DB: '/shared/db/',
      SHARED: 'arn:aws:ssm:us-east-1:111111111111:parameter/shared/flags',
      CREDS: { name: 'secretsmanager:prod/db', transform: 'json' },
      OLD: { name: 'secretsmanager:prod/db', versionStage: 'AWSPREVIOUS' },
      BY_ARN: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:other-AbCdEf',
    })
    expect(plain(grants)).toEqual({
      'ssm:GetParameters': [
        `${P}/bots/superman/twitter-token`,
        `${P}/shared/db-url`,
        `${P}/shared/flags`,
        'arn:aws:ssm:us-east-1:111111111111:parameter/shared/flags',
      ].sort(),
      'ssm:GetParametersByPath': [`${P}/shared/db`],
      'secretsmanager:GetSecretValue': [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own Fn::Sub syntax
        'arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:prod/db-??????',
        'arn:aws:secretsmanager:us-east-1:111111111111:secret:other-AbCdEf',
      ],
    })
  })

  test('kms:Decrypt must go through SSM; wildcards are reported', async () => {
    const { granted } = await checker
    const { problems } = granted([
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: 'arn:aws:kms:us-east-1:111111111111:key/k' },
      { Effect: 'Allow', Action: 'ssm:*', Resource: '*' },
    ])
    expect(problems).toEqual(['kms:Decrypt without a kms:ViaService condition to SSM'])
    expect(plain(granted([{ Effect: 'Allow', Action: 'ssm:*', Resource: '*' }]).grants)).toEqual({ 'ssm:*': ['*'] })
  })
})

describe('the examples', () => {
  test.each(['superman-batman', 'shared-config'])('%s: each function gets exactly what its map needs', async (name) => {
    const { checkExample } = await checker
    const { problems } = await checkExample(join(root, 'examples', name))
    expect(problems).toEqual([])
  })

  test('a SAM template granting a whole hierarchy fails the check', async () => {
    const { checkExample } = await checker
    // Inside the repository, so that the handlers' import of middy-secrets resolves as the examples' does.
    mkdirSync(join(root, '.build'), { recursive: true })
    const dir = mkdtempSync(join(root, '.build', 'iam-'))
    try {
      const example = join(root, 'examples', 'superman-batman')
      for (const file of ['template.yaml', 'package.json', 'superman.js', 'batman.js', 'twitter.js']) {
        cpSync(join(example, file), join(dir, file))
      }
      const template = readFileSync(join(dir, 'template.yaml'), 'utf8')
      writeFileSync(
        join(dir, 'template.yaml'),
        template.replace('parameter/bots/batman/twitter-token', 'parameter/bots/*'),
      )
      const { problems } = await checkExample(dir)
      expect(problems).toHaveLength(1)
      expect(problems[0]).toContain('sam BatmanFunction (batman.handler): grants')
      expect(problems[0]).toContain('parameter/bots/*')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
