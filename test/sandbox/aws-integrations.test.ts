import assert from 'node:assert/strict'
import {call, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: AWS integrations (stored only)', () => {
  let sb: SB
  beforeEach(async () => {
    sb = await sandbox()
  })
  afterEach(() => sb.close())

  const roleBody = (externalId: string) => ({
    name: 'prod',
    memo: '',
    roleArn: 'arn:aws:iam::123456789012:role/mackerel',
    externalId,
    region: 'ap-northeast-1',
    includedTags: 'env:prod',
    excludedTags: '',
    services: {
      EC2: {enable: true, role: 'demo:web', excludedMetrics: ['ec2.cpu.used'], retireAutomatically: true},
      RDS: {enable: false, role: null, includedMetrics: []},
    },
  })

  it('create with a role ARN, list as aws_integrations, get, update with an access key (secret never returned), delete', async () => {
    const {externalId} = (await call(sb, 'POST', '/api/v0/aws-integrations-external-id')).body
    assert.match(externalId, /^[0-9a-f]{32}$/)
    const c = await call(sb, 'POST', '/api/v0/aws-integrations', roleBody(externalId))
    assert.equal(c.status, 200, c.text)
    const id = c.body.id
    assert.deepEqual(c.body, {id, ...roleBody(externalId)})
    assert.deepEqual((await call(sb, 'GET', '/api/v0/aws-integrations')).body, {aws_integrations: [c.body]})
    assert.deepEqual((await call(sb, 'GET', `/api/v0/aws-integrations/${id}`)).body, c.body)

    const u = await call(sb, 'PUT', `/api/v0/aws-integrations/${id}`, {name: 'prod', key: 'AKIAEXAMPLE', secretKey: 's3cr3t', region: 'us-east-1', services: {}})
    assert.equal(u.status, 200, u.text)
    assert.equal(u.body.key, 'AKIAEXAMPLE')
    assert.equal('secretKey' in u.body, false)
    assert.equal('roleArn' in u.body, false)
    assert.doesNotMatch(JSON.stringify((await call(sb, 'GET', '/_sandbox/state', undefined, null)).body), /s3cr3t/)
    assert.deepEqual((await call(sb, 'DELETE', `/api/v0/aws-integrations/${id}`)).body, u.body)
    assert.equal((await call(sb, 'GET', `/api/v0/aws-integrations/${id}`)).status, 404)
    const ex = (await call(sb, 'GET', '/api/v0/aws-integrations-excludable-metrics')).body
    assert.ok(Array.isArray(ex.EC2))
  })

  it('rejects bad integrations with 400', async () => {
    const ok = roleBody('abc')
    const cases: [unknown, RegExp][] = [
      [{...ok, name: undefined}, /name is required/],
      [{...ok, region: 'tokyo'}, /region is invalid/],
      [{...ok, roleArn: 'arn:nope'}, /not an IAM role ARN/],
      [{...ok, externalId: undefined}, /externalId is required/],
      [{...ok, roleArn: undefined, externalId: undefined}, /key and secretKey, or roleArn and externalId/],
      [{...ok, roleArn: undefined, key: 'AKIA'}, /secretKey is required/],
      [{...ok, key: 'AKIA', secretKey: 'x'}, /not both/],
      [{...ok, services: {EC2: {enable: true, role: 'demo:nope'}}}, /role not found/],
      [{...ok, services: {EC2: {enable: true, role: null, includedMetrics: [], excludedMetrics: []}}}, /not both/],
      [{...ok, services: {'E C2': {enable: true}}}, /invalid AWS service name/],
    ]
    for (const [body, re] of cases) {
      const r = await call(sb, 'POST', '/api/v0/aws-integrations', body)
      assert.equal(r.status, 400, JSON.stringify(body))
      assert.match(r.body.error.message, re, JSON.stringify(body))
    }
  })
})
