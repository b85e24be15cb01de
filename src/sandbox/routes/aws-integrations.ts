// §7.9 AWS integrations, stored only (the sandbox never calls AWS): list (`aws_integrations`), get,
// create, update, delete; the external id for a role ARN; the metrics that can be excluded. The
// secret access key is accepted and never returned.
import {randomBytes} from 'node:crypto'
import {badRequest, notFound} from '../http.js'
import type {Router} from '../router.js'
import type {Rec, Store} from '../store.js'
import {asObject, isObject, optBoolean, optString, parseRoleFullname, reqString, stringList, type Obj} from '../validate.js'

const SERVICE_KEY_RE = /^[A-Za-z0-9]+$/
const ROLE_ARN_RE = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d$/

/** A few excludable metrics per service, enough for clients to read the shape. */
const EXCLUDABLE_METRICS: Record<string, string[]> = {
  EC2: ['ec2.cpu.used', 'ec2.network.in', 'ec2.network.out', 'ec2.disk.read_ops', 'ec2.disk.write_ops'],
  ELB: ['elb.count.request_count', 'elb.latency.latency'],
  ALB: ['alb.request.count', 'alb.bytes.processed', 'alb.response_time.response_time'],
  RDS: ['rds.cpu.used', 'rds.memory.free', 'rds.database_connections.used'],
  Lambda: ['lambda.count.invocations', 'lambda.count.errors', 'lambda.duration.avg'],
  SQS: ['sqs.message_count.sent', 'sqs.message_count.received', 'sqs.queue_length.visible'],
}

function integrationOr404(store: Store, id: string): Rec {
  const a = store.awsIntegrations.get(id)
  if (!a) throw notFound(`AWS integration not found: ${id}`)
  return a
}

function parseServices(store: Store, v: unknown): Obj {
  if (v === undefined || v === null) return {}
  if (!isObject(v)) throw badRequest('services must be an object of AWS service name -> settings')
  const out: Obj = {}
  for (const [name, raw] of Object.entries(v)) {
    if (!SERVICE_KEY_RE.test(name)) throw badRequest(`services: invalid AWS service name ${JSON.stringify(name)}`)
    const o = asObject(raw, `services.${name}`)
    const s: Obj = {enable: optBoolean(o, 'enable') ?? false, role: null}
    if (o.role !== undefined && o.role !== null) {
      const {service, role} = parseRoleFullname(o.role, `services.${name}.role`)
      if (!store.services.get(service)?.roles.has(role)) throw badRequest(`services.${name}.role: role not found: ${String(o.role)}`)
      s.role = o.role
    }
    const hasIncluded = o.includedMetrics !== undefined && o.includedMetrics !== null
    const hasExcluded = o.excludedMetrics !== undefined && o.excludedMetrics !== null
    if (hasIncluded && hasExcluded) throw badRequest(`services.${name}: give includedMetrics or excludedMetrics, not both`)
    if (hasIncluded) s.includedMetrics = stringList(o, 'includedMetrics')
    else s.excludedMetrics = stringList(o, 'excludedMetrics')
    const retire = optBoolean(o, 'retireAutomatically')
    if (retire !== undefined) s.retireAutomatically = retire
    out[name] = s
  }
  return out
}

function parseIntegration(store: Store, body: unknown): Obj {
  const o = asObject(body)
  const out: Obj = {
    name: reqString(o, 'name', {max: 250}),
    memo: optString(o, 'memo', {max: 2048}) ?? '',
    region: reqString(o, 'region', {pattern: REGION_RE}),
    includedTags: optString(o, 'includedTags') ?? '',
    excludedTags: optString(o, 'excludedTags') ?? '',
  }
  const key = optString(o, 'key')
  const roleArn = optString(o, 'roleArn')
  if (key && roleArn) throw badRequest('give either key and secretKey, or roleArn and externalId, not both')
  if (key) {
    reqString(o, 'secretKey')
    out.key = key
  } else if (roleArn) {
    if (!ROLE_ARN_RE.test(roleArn)) throw badRequest(`roleArn is not an IAM role ARN: ${JSON.stringify(roleArn)}`)
    out.roleArn = roleArn
    out.externalId = reqString(o, 'externalId')
  } else throw badRequest('key and secretKey, or roleArn and externalId, are required')
  out.services = parseServices(store, o.services)
  return out
}

function view(a: Rec): Obj {
  const {id, secretKey: _never, ...rest} = a
  return {id, ...rest}
}

export function registerAwsIntegrations(r: Router): void {
  r.get('/api/v0/aws-integrations', ({store}) => ({aws_integrations: [...store.awsIntegrations.values()].map(view)}))

  r.get('/api/v0/aws-integrations/:id', ({store, params}) => view(integrationOr404(store, params.id)))

  r.post('/api/v0/aws-integrations', ({store, body}) => view(store.addRecord(store.awsIntegrations, parseIntegration(store, body))))

  r.put('/api/v0/aws-integrations/:id', ({store, params, body}) => {
    const a = integrationOr404(store, params.id)
    const updated = {id: a.id, ...parseIntegration(store, body)} as Rec
    store.awsIntegrations.set(a.id, updated)
    return view(updated)
  })

  r.delete('/api/v0/aws-integrations/:id', ({store, params}) => {
    const a = integrationOr404(store, params.id)
    store.awsIntegrations.delete(a.id)
    return view(a)
  })

  r.post('/api/v0/aws-integrations-external-id', () => ({externalId: randomBytes(20).toString('hex').slice(0, 32)}))

  r.get('/api/v0/aws-integrations-excludable-metrics', () => structuredClone(EXCLUDABLE_METRICS))
}
