// `mkr services`, `users`, `channels` (+ pull), `aws-integrations` and `traces get` in-process (test IO,
// TTY on/off) against the in-process sandbox (traces: a small local server, the sandbox has none).
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {closeAgent} from '../../src/api/client.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {goTime, spanJson} from '../../src/org/traces.js'
import {clientOf, mkr as run, type IOOptions} from '../cli/run.js'
import {useTZ} from '../helpers/tz.js'

describe('org resources (in-process)', () => {
  let sb: Sandbox
  let client: ReturnType<typeof clientOf>
  const tmp = mkdtempSync(join(tmpdir(), 'mkr-org-'))
  const ids: Record<string, string> = {}
  useTZ('UTC')

  before(async () => {
    sb = await startSandbox({port: 0, seed: false})
    sb.store.addService('demo', 'Demo web application', ['web', 'db'])
    sb.store.addService('batch', '', [])
    ids.owner = sb.store.addUser({screenName: 'owner', email: 'owner@example.com', authority: 'owner', isInRegistrationProcess: false, isMFAEnabled: true, authenticationMethods: ['password'], joinedAt: 1700000000}).id
    ids.bob = sb.store.addUser({screenName: 'bob', email: 'bob@example.com', authority: 'viewer', isInRegistrationProcess: true, isMFAEnabled: false, authenticationMethods: [], joinedAt: 1700086400}).id
    ids.email = sb.store.addRecord(sb.store.channels, {name: 'Ops mail', type: 'email', emails: ['ops@example.com'], userIds: [ids.owner], events: ['alert'], suspendedAt: null}).id
    ids.slack = sb.store.addRecord(sb.store.channels, {name: 'Slack', type: 'slack', url: 'https://hooks.slack.com/x', mentions: {critical: '@here'}, enabledGraphImage: true, events: ['alert', 'hostStatus'], suspendedAt: 1700000000}).id
    ids.line = sb.store.addRecord(sb.store.channels, {name: 'LINE', type: 'line', suspendedAt: null}).id
    ids.aws = sb.store.addRecord(sb.store.awsIntegrations, {
      name: 'prod',
      memo: '',
      region: 'ap-northeast-1',
      roleArn: 'arn:aws:iam::123456789012:role/mackerel',
      externalId: 'ext',
      includedTags: '',
      excludedTags: 'env:dev',
      services: {RDS: {enable: false, role: null, excludedMetrics: []}, EC2: {enable: true, role: 'demo:web', includedMetrics: ['ec2.cpu.used'], retireAutomatically: true}},
    }).id
    client = clientOf(sb)
  })
  after(async () => {
    await sb.close()
    await closeAgent()
    rmSync(tmp, {recursive: true, force: true})
  })

  const mkr = (args: string[], io?: IOOptions) => run(args, {client, io})
  const tty = (args: string[], io: IOOptions = {}) => run(args, {client, io: {stdoutTTY: true, stderrTTY: true, width: 200, ...io}})

  describe('services', () => {
    it("piped: mkr's JSON {name, memo, roles}; --jq; a table on a terminal", async () => {
      let r = await mkr(['services'])
      assert.equal(r.code, 0, r.stderr)
      assert.deepEqual(JSON.parse(r.stdout), [
        {name: 'demo', memo: 'Demo web application', roles: ['db', 'web']},
        {name: 'batch', memo: '', roles: []},
      ])
      assert.ok(r.stdout.startsWith('[\n    {\n        "name"'), '4-space indent')
      r = await mkr(['services', '--jq', '.[].name'])
      assert.equal(r.stdout, 'demo\nbatch\n')
      r = await tty(['services'])
      assert.match(r.stdout, /^NAME +ROLES +MEMO\ndemo +db, web +Demo web application\nbatch\n$/)
      assert.ok(JSON.parse((await tty(['services', '--json'])).stdout))
    })
    it('a server error is one line, exit 1', async () => {
      sb.addFault({path: '/api/v0/services', status: 404, body: '{"error":{"message":"nope"}}', times: 1})
      const r = await mkr(['services'])
      assert.equal(r.code, 1)
      assert.equal(r.stderr, 'mkr: GET /api/v0/services failed: 404 nope\n')
      assert.equal(r.stdout, '')
    })
    it('a malformed answer is an error naming the field, not a crash', async () => {
      sb.addFault({path: '/api/v0/services', status: 200, body: '{"services":[{"name":1}]}', times: 1})
      const r = await mkr(['services'])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /services\[0\]\.name is a number, expected a string/)
    })
  })

  describe('users', () => {
    it("piped: mkr's reduced shape with a local ISO joinedAt, empty methods left out", async () => {
      const r = await mkr(['users'])
      assert.equal(r.code, 0, r.stderr)
      assert.deepEqual(JSON.parse(r.stdout), [
        {id: ids.owner, screenName: 'owner', email: 'owner@example.com', authority: 'owner', isInRegistrationProcess: false, isMFAEnabled: true, authenticationMethods: ['password'], joinedAt: '2023-11-14T22:13:20+00:00'},
        {id: ids.bob, screenName: 'bob', email: 'bob@example.com', authority: 'viewer', isInRegistrationProcess: true, isMFAEnabled: false, joinedAt: '2023-11-15T22:13:20+00:00'},
      ])
    })
    it('-v: the client struct (false booleans and empty fields left out, epoch joinedAt), JSON even on a terminal', async () => {
      for (const r of [await mkr(['users', '-v']), await tty(['users', '--verbose'])]) {
        assert.equal(r.code, 0, r.stderr)
        assert.deepEqual(JSON.parse(r.stdout), [
          {id: ids.owner, screenName: 'owner', email: 'owner@example.com', authority: 'owner', isMFAEnabled: true, authenticationMethods: ['password'], joinedAt: 1700000000},
          {id: ids.bob, screenName: 'bob', email: 'bob@example.com', authority: 'viewer', isInRegistrationProcess: true, joinedAt: 1700086400},
        ])
      }
    })
    it('-f: a Go template over the raw users (Go field names, epoch JoinedAt)', async () => {
      const r = await mkr(['users', '-f', '{{range .}}{{.ScreenName}}{{"\\t"}}{{.Authority}}{{"\\t"}}{{.IsMFAEnabled}}{{"\\t"}}{{.JoinedAt}}{{"\\n"}}{{end}}'])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout, 'owner\towner\ttrue\t1700000000\nbob\tviewer\tfalse\t1700086400\n')
      assert.equal((await mkr(['users', '--format', '{{len .}}'])).stdout, '2')
    })
    it('-f with --jq, or a bad template, is a usage error before any request; an unknown field exits 1', async () => {
      const before = sb.requests().length
      let r = await mkr(['users', '-f', '{{.}}', '--jq', '.'])
      assert.equal(r.code, 2)
      assert.equal(r.stderr, 'mkr: --format and --jq options are incompatible.\n')
      r = await mkr(['users', '-f', '{{range .}}'])
      assert.equal(r.code, 2)
      assert.match(r.stderr, /^mkr: --format: template: format:1: unexpected EOF/)
      assert.equal(sb.requests().length, before)
      r = await mkr(['users', '-f', '{{range .}}{{.Nope}}{{end}}'])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /can't evaluate field Nope in type \*mackerel\.User/)
    })
    it('an empty -f is no template (as mkr)', async () => {
      const r = await mkr(['users', '-f', ''])
      assert.equal(JSON.parse(r.stdout).length, 2)
    })
    it('--jq over the reduced shape; a table on a terminal', async () => {
      assert.equal((await mkr(['users', '--jq', '.[] | select(.isMFAEnabled | not) | .email'])).stdout, 'bob@example.com\n')
      const r = await tty(['users'])
      assert.match(r.stdout, /^SCREEN NAME +EMAIL +AUTHORITY +MFA +SIGN-IN +JOINED +ID\n/)
      assert.match(r.stdout, /\nbob +bob@example\.com +viewer \(registering\) +no +\S.* ago +\w+\n$/)
    })
  })

  describe('channels', () => {
    it("piped: mkr's shape (mentions always, details only when the API gave them)", async () => {
      const r = await mkr(['channels'])
      assert.equal(r.code, 0, r.stderr)
      assert.deepEqual(JSON.parse(r.stdout), [
        {id: ids.email, name: 'Ops mail', type: 'email', emails: ['ops@example.com'], userIds: [ids.owner], mentions: {}, events: ['alert']},
        {id: ids.slack, name: 'Slack', type: 'slack', suspendedAt: 1700000000, mentions: {critical: '@here'}, enabledGraphImage: true, url: 'https://hooks.slack.com/x', events: ['alert', 'hostStatus']},
        {id: ids.line, name: 'LINE', type: 'line', mentions: {}},
      ])
      assert.deepEqual(Object.keys(JSON.parse(r.stdout)[1]), ['id', 'name', 'type', 'suspendedAt', 'mentions', 'enabledGraphImage', 'url', 'events'], 'Go field order')
      assert.equal((await mkr(['channels', '--jq', '.[] | select(.type == "slack") | .url'])).stdout, 'https://hooks.slack.com/x\n')
    })
    it('a table on a terminal: where each channel sends, suspended ones marked', async () => {
      const r = await tty(['channels'])
      assert.match(r.stdout, /^NAME +TYPE +ID +EVENTS +SENDS TO +SUSPENDED\n/)
      assert.match(r.stdout, new RegExp(`Ops mail +email +${ids.email} +alert +ops@example\\.com, user ${ids.owner}\\n`))
      assert.match(r.stdout, /Slack +slack +\w+ +alert, hostStatus +https:\/\/hooks\.slack\.com\/x +\S.* ago\n/)
    })
    it('pull: {"channels": [...]} + newline to channels.json (or -F), -v also on stdout, the info line', async () => {
      const file = join(tmp, 'ch.json')
      let r = await mkr(['channels', 'pull', '-F', file])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout, '')
      assert.equal(r.stderr, `Channels are saved to '${file}' (3 rules).\n`)
      const text = readFileSync(file, 'utf8')
      assert.ok(text.startsWith('{\n    "channels": [\n') && text.endsWith('}\n'))
      assert.deepEqual(JSON.parse(text).channels, JSON.parse((await mkr(['channels'])).stdout))
      r = await mkr(['channels', 'pull', '--file-path', file, '--verbose', '-q'])
      assert.deepEqual(JSON.parse(r.stdout), JSON.parse(text).channels)
      assert.equal(r.stderr, '')
    })
    it('pull to a directory that does not exist: one line, exit 1; a server error leaves the old file alone', async () => {
      let r = await mkr(['channels', 'pull', '-F', join(tmp, 'nope', 'ch.json')])
      assert.equal(r.code, 1)
      assert.equal(r.stderr, `mkr: cannot write ${join(tmp, 'nope', 'ch.json')}: no such directory\n`)
      const file = join(tmp, 'ch.json')
      const before = readFileSync(file, 'utf8')
      sb.addFault({path: '/api/v0/channels', status: 500, times: 10})
      r = await mkr(['channels', 'pull', '-F', file])
      sb.clearFaults()
      assert.equal(r.code, 1)
      assert.match(r.stderr, /^mkr: GET \/api\/v0\/channels failed: 500/)
      assert.equal(readFileSync(file, 'utf8'), before)
    })
  })

  describe('aws-integrations', () => {
    it("piped: mkr's shape (services sorted, role null, one metrics list, retireAutomatically only when true)", async () => {
      const r = await mkr(['aws-integrations'])
      assert.equal(r.code, 0, r.stderr)
      const [a] = JSON.parse(r.stdout)
      assert.deepEqual(a, {
        id: ids.aws,
        name: 'prod',
        memo: '',
        roleArn: 'arn:aws:iam::123456789012:role/mackerel',
        externalId: 'ext',
        region: 'ap-northeast-1',
        includedTags: '',
        excludedTags: 'env:dev',
        services: {
          EC2: {enable: true, role: 'demo:web', includedMetrics: ['ec2.cpu.used'], retireAutomatically: true},
          RDS: {enable: false, role: null, excludedMetrics: []},
        },
      })
      assert.deepEqual(Object.keys(a.services), ['EC2', 'RDS'])
      assert.equal((await mkr(['aws-integrations', '--jq', '.[].services | keys | join(",")'])).stdout, 'EC2,RDS\n')
    })
    it('a table on a terminal: credentials and the enabled services', async () => {
      const r = await tty(['aws-integrations'])
      assert.match(r.stdout, /^NAME +ID +REGION +CREDENTIALS +ENABLED SERVICES\nprod +\w+ +ap-northeast-1 +role arn:aws:iam::123456789012:role\/mackerel +EC2\n$/)
    })
  })

  describe('traces get', () => {
    const TRACE = '0123456789abcdef0123456789abcdef'
    let server: Server
    let traceClient: ReturnType<typeof clientOf>
    const paths: string[] = []
    const span = (o: Record<string, unknown>) => ({traceId: TRACE, traceState: '', kind: 'server', droppedAttributesCount: 0, droppedEventsCount: 0, droppedLinksCount: 0, ...o})
    before(async () => {
      server = createServer((req, res) => {
        paths.push(req.url ?? '')
        if (req.url !== `/api/v0/traces/${TRACE}`) {
          res.writeHead(404, {'content-type': 'application/json'}).end('{"error":{"message":"Trace not found"}}')
          return
        }
        res.writeHead(200, {'content-type': 'application/json'}).end(
          JSON.stringify({
            spans: [
              span({spanId: 'aaaaaaaaaaaaaaaa', name: 'GET /', startTime: '2025-07-09T14:03:02.100Z', endTime: '2025-07-09T14:03:02.450Z', attributes: [{key: 'http.route', value: {valueType: 'string', stringValue: '/'}}], events: [], links: [], status: {message: '', code: 'ok'}, resource: {attributes: [{key: 'service.name', value: {valueType: 'string', stringValue: 'web'}}], droppedAttributesCount: 0}, scope: null, extra: 'dropped'}),
              span({spanId: 'bbbbbbbbbbbbbbbb', parentSpanId: 'aaaaaaaaaaaaaaaa', kind: 'client', name: 'SELECT', startTime: '2025-07-09T14:03:02.200+00:00', endTime: '2025-07-09T14:03:02.300Z', attributes: null, events: null, links: null, status: null, resource: null}),
            ],
          }),
        )
      })
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
      const port = (server.address() as {port: number}).port
      traceClient = clientOf({url: `http://127.0.0.1:${port}`, apiKey: 'k'})
    })
    after(() => new Promise<void>((r) => server.close(() => r())))

    it("piped: mkr's shape (Go field order, RFC 3339 times as Go re-marshals them, nulls kept, unknown fields dropped)", async () => {
      const r = await run(['traces', 'get', TRACE], {client: traceClient})
      assert.equal(r.code, 0, r.stderr)
      const {spans} = JSON.parse(r.stdout)
      assert.deepEqual(Object.keys(spans[0]), ['traceId', 'spanId', 'traceState', 'name', 'kind', 'startTime', 'endTime', 'attributes', 'droppedAttributesCount', 'events', 'droppedEventsCount', 'links', 'droppedLinksCount', 'status', 'resource', 'scope'])
      assert.equal(spans[0].startTime, '2025-07-09T14:03:02.1Z')
      assert.equal(spans[0].scope, null)
      assert.equal(spans[1].parentSpanId, 'aaaaaaaaaaaaaaaa')
      assert.equal(spans[1].startTime, '2025-07-09T14:03:02.2Z')
      assert.equal(spans[1].attributes, null)
      assert.equal((await run(['traces', 'get', TRACE, '--jq', '.spans[].name'], {client: traceClient})).stdout, 'GET /\nSELECT\n')
    })
    it('a tree of spans on a terminal', async () => {
      const r = await run(['traces', 'get', TRACE], {client: traceClient, io: {stdoutTTY: true, width: 200}})
      assert.match(r.stdout, /^SPAN +SERVICE +KIND +STATUS +START +DURATION +SPAN ID\nGET \/ +web +server +ok +\+0ms +350ms +a{16}\n  SELECT +client +\+100ms +100ms +b{16}\n$/)
    })
    it('no id, a bad id or two ids: usage errors before any request; an unknown trace: exit 1', async () => {
      const n = paths.length
      for (const args of [[], ['xyz'], [TRACE, TRACE]]) {
        const r = await run(['traces', 'get', ...args], {client: traceClient})
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      }
      assert.equal(paths.length, n)
      const r = await run(['traces', 'get', 'f'.repeat(32)], {client: traceClient})
      assert.equal(r.code, 1)
      assert.equal(r.stderr, `mkr: GET /api/v0/traces/${'f'.repeat(32)} failed: 404 Trace not found\n`)
    })
    it('goTime and spanJson: Go time.Time round trips, absent times are the zero time', () => {
      assert.equal(goTime('2025-07-09T14:03:02.123000Z'), '2025-07-09T14:03:02.123Z')
      assert.equal(goTime('2025-07-09T14:03:02.000+09:00'), '2025-07-09T14:03:02+09:00')
      assert.equal(goTime(undefined), '0001-01-01T00:00:00Z')
      const s = spanJson({attributes: [{key: 'n', value: {valueType: 'int', intValue: 0, boolValue: false, kvlistValue: {b: {valueType: 'bool', boolValue: true}, a: {valueType: 'empty'}}}}]})
      assert.deepEqual((s.attributes as unknown[])[0], {key: 'n', value: {valueType: 'int', kvlistValue: {a: {valueType: 'empty'}, b: {valueType: 'bool', boolValue: true}}}})
    })
  })
})
