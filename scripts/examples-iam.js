// Least privilege, checked: every function of an example's deployment template is granted exactly the store
// actions its own fetchData map needs — ssm:GetParameters on exactly the named parameters, GetParametersByPath on
// exactly the paths, secretsmanager:GetSecretValue on exactly the secrets (by name with the `-??????` suffix that
// AWS appends to a secret's ARN) — and a kms:Decrypt grant only through SSM.
//
// Usage: node scripts/examples-iam.js <example dir>…
//   checks <dir>/.serverless/cloudformation-template-update-stack.json (what `serverless package` made),
//   <dir>/serverless.yml as written and <dir>/template.yaml (AWS SAM), whichever exist. Each function's handler module (its Handler setting) must
//   export its map as `fetchData` or `options.fetchData`.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse } from 'yaml'

// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own Fn::Sub syntax
const PARAMETER = 'arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter'
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own Fn::Sub syntax
const SECRET = 'arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:'
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[^:]+:\d{12}:secret:/
const PARAMETER_ARN = /^(arn:aws[a-z-]*:ssm:[^:]+:\d{12}:parameter\/[^:]+)(:[^:]+)?$/

const add = (grants, action, resource) => {
  if (!grants.has(action)) grants.set(action, new Set())
  grants.get(action).add(resource)
}

/**
 * The store actions a map needs, as action → resources (CloudFormation `Fn::Sub` strings).
 * @param {Record<string, string | { name: string }>} fetchData
 */
export const needed = (fetchData) => {
  const grants = new Map()
  for (const entry of Object.values(fetchData)) {
    const name = typeof entry === 'string' ? entry : entry.name
    if (name.startsWith('secretsmanager:') || SECRET_ARN.test(name)) {
      const id = name.replace(/^secretsmanager:/, '')
      // A full ARN already ends in its six random characters; a name does not, and may match only them.
      add(grants, 'secretsmanager:GetSecretValue', SECRET_ARN.test(id) ? id : `${SECRET}${id}-??????`)
    } else if (name.startsWith('/aws/reference/secretsmanager/')) {
      throw new Error(`${name}: /aws/reference/secretsmanager/ needs both stores' grants; not checked here`)
    } else if (PARAMETER_ARN.test(name)) {
      add(grants, 'ssm:GetParameters', PARAMETER_ARN.exec(name)[1])
    } else if (name.endsWith('/')) {
      // AWS authorizes GetParametersByPath against the path without its trailing slash.
      add(grants, 'ssm:GetParametersByPath', `${PARAMETER}${name === '/' ? '/' : name.slice(0, -1)}`)
    } else {
      const plain = name.split(':')[0]
      add(grants, 'ssm:GetParameters', `${PARAMETER}${plain.startsWith('/') ? '' : '/'}${plain}`)
    }
  }
  return grants
}

const text = (value) => (typeof value === 'string' ? value : (value?.['Fn::Sub'] ?? JSON.stringify(value)))
const asList = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value])

/**
 * The store actions IAM statements grant, as action → resources; other actions (logs, X-Ray) are left out,
 * except kms:Decrypt, which must be limited to SSM.
 */
export const granted = (statements) => {
  const grants = new Map()
  const problems = []
  for (const statement of statements) {
    if (statement.Effect !== 'Allow') continue
    for (const action of asList(statement.Action)) {
      if (action === 'kms:Decrypt') {
        if (!String(statement.Condition?.StringEquals?.['kms:ViaService'] ?? '').startsWith('ssm.')) {
          problems.push('kms:Decrypt without a kms:ViaService condition to SSM')
        }
        continue
      }
      if (!/^(ssm|secretsmanager):/.test(action)) {
        if (/^(ssm|secretsmanager|\*)/.test(action) || action.includes('*')) problems.push(`wildcard action ${action}`)
        continue
      }
      for (const resource of asList(statement.Resource)) add(grants, action, text(resource))
    }
  }
  return { grants, problems }
}

const sorted = (grants) =>
  Object.fromEntries(
    [...grants].sort(([a], [b]) => a.localeCompare(b)).map(([action, set]) => [action, [...set].sort()]),
  )

const mapOf = async (dir, handler) => {
  const [file, exportName] = handler.split('.')
  const path = join(dir, `${file}.js`)
  if (!existsSync(path)) throw new Error(`${handler}: ${path} does not exist`)
  const module = await import(pathToFileURL(path).href)
  if (typeof module[exportName] !== 'function') throw new Error(`${handler}: ${file}.js exports no ${exportName}()`)
  const fetchData = module.fetchData ?? module.options?.fetchData
  if (!fetchData) throw new Error(`${handler}: ${file}.js exports no fetchData (or options.fetchData)`)
  return fetchData
}

/** Functions of a template packaged by `serverless package`: handler and the statements of its role. */
const serverlessFunctions = (template) =>
  Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .map(([id, r]) => {
      const roleId = r.Properties.Role?.['Fn::GetAtt']?.[0]
      const role = template.Resources[roleId]
      if (!role) throw new Error(`${id}: its role is not in the template`)
      const statements = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement)
      return { id, handler: r.Properties.Handler, runtime: r.Properties.Runtime, statements }
    })

// CloudFormation's short-form tags, as their long forms.
const cfnTags = ['Sub', 'Ref', 'GetAtt', 'Join', 'If', 'Select', 'Split', 'ImportValue', 'FindInMap'].flatMap(
  (name) => {
    const key = name === 'Ref' ? 'Ref' : `Fn::${name}`
    return [
      { tag: `!${name}`, resolve: (value) => ({ [key]: value }) },
      { tag: `!${name}`, collection: 'seq', resolve: (value) => ({ [key]: value.toJSON() }) },
    ]
  },
)

/** Functions of an AWS SAM template: handler, code folder and the statements of its Policies. */
const samFunctions = (template) => {
  if (template.Transform !== 'AWS::Serverless-2016-10-31') throw new Error('template.yaml: not a SAM template')
  const globals = template.Globals?.Function ?? {}
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Serverless::Function')
    .map(([id, r]) => {
      const p = { ...globals, ...r.Properties }
      for (const field of ['Handler', 'Runtime', 'CodeUri']) if (!p[field]) throw new Error(`${id}: no ${field}`)
      const policies = asList(p.Policies)
      for (const policy of policies) if (!policy.Statement) throw new Error(`${id}: a policy that is not a Statement`)
      return {
        id,
        handler: p.Handler,
        runtime: p.Runtime,
        codeUri: p.CodeUri,
        statements: policies.flatMap((x) => x.Statement),
      }
    })
}

/** Functions of serverless.yml as written (serverless-iam-roles-per-function's iamRoleStatements). */
const serverlessSourceFunctions = (config) =>
  Object.entries(config.functions ?? {}).map(([id, fn]) => ({
    id,
    handler: fn.handler,
    runtime: fn.runtime ?? config.provider?.runtime,
    statements: fn.iamRoleStatements ?? [],
  }))

/** Checks one example folder; returns the problems found (none when all is least privilege). */
export const checkExample = async (dir) => {
  const problems = []
  const sources = []
  const packaged = join(dir, '.serverless', 'cloudformation-template-update-stack.json')
  if (existsSync(packaged))
    sources.push(['serverless', serverlessFunctions(JSON.parse(readFileSync(packaged, 'utf8')))])
  const source = join(dir, 'serverless.yml')
  if (existsSync(source)) {
    const config = parse(readFileSync(source, 'utf8'), { customTags: cfnTags, maxAliasCount: -1 })
    sources.push(['serverless.yml', serverlessSourceFunctions(config)])
  }
  const sam = join(dir, 'template.yaml')
  if (existsSync(sam)) sources.push(['sam', samFunctions(parse(readFileSync(sam, 'utf8'), { customTags: cfnTags }))])
  if (sources.length === 0) problems.push(`${dir}: no serverless.yml nor template.yaml`)
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  if (pkg.type !== 'module') problems.push(`${dir}/package.json: "type" is not "module"`)
  for (const name of ['middy-secrets', '@middy/core']) {
    if (!pkg.dependencies?.[name]) problems.push(`${dir}/package.json: ${name} is not a dependency`)
  }
  for (const [kind, functions] of sources) {
    if (functions.length === 0) problems.push(`${kind}: no function`)
    for (const fn of functions) {
      const where = `${kind} ${fn.id} (${fn.handler})`
      if (!/^nodejs(22|24)\.x$/.test(fn.runtime)) problems.push(`${where}: runtime ${fn.runtime}`)
      const codeDir = fn.codeUri ? resolve(dir, fn.codeUri) : dir
      const want = sorted(needed(await mapOf(codeDir, fn.handler)))
      const { grants, problems: found } = granted(fn.statements)
      for (const problem of found) problems.push(`${where}: ${problem}`)
      const got = sorted(grants)
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        problems.push(`${where}: grants ${JSON.stringify(got)}, its map needs ${JSON.stringify(want)}`)
      }
    }
  }
  return { problems, checked: sources.map(([kind, functions]) => `${kind}: ${functions.length} functions`) }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let failed = false
  for (const dir of process.argv.slice(2)) {
    const { problems, checked } = await checkExample(resolve(dir))
    for (const problem of problems) console.error(`examples-iam: ${dir}: ${problem}`)
    console.log(`examples-iam: ${dir}: ${checked.join(', ')}: ${problems.length === 0 ? 'least privilege' : 'FAILED'}`)
    failed ||= problems.length > 0
  }
  process.exit(failed ? 1 : 0)
}
