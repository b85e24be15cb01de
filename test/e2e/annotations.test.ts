// What only a process shows for annotations: exit codes through bin/run.js, the environment of an
// agent action hook, the process's stdin and TZ, and a real terminal (`script`). Everything else runs
// in-process: test/annotations/commands.test.ts.
import assert from 'node:assert/strict'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runMkr, runMkrTty} from './harness.js'

describe('e2e: annotations against the sandbox', () => {
  let sb: Sandbox
  let env: NodeJS.ProcessEnv

  before(async () => {
    sb = await startSandbox({port: 0, seed: false})
    sb.store.addService('demo', '', ['web', 'db'])
    env = cleanEnv({MACKEREL_APIBASE: sb.url, MACKEREL_APIKEY: sb.apiKey, TZ: 'Asia/Tokyo', MKR_HTTP_BUDGET: '3'})
  })
  after(() => sb.close())

  const annotationRequests = () => sb.requests().filter((r) => r.path.startsWith('/api/v0/graph-annotations'))

  it('create in an agent action hook: MACKEREL_CHECK_MESSAGE becomes the description; --description-file - reads stdin', async () => {
    let r = await runMkr(['annotations', 'create', '-s', 'demo', '--title', 'check failed', '--from', '-1m', '--to', 'now'], {
      env: {...env, MACKEREL_CHECK_MESSAGE: 'CRITICAL: disk 97%', MACKEREL_STATUS: 'CRITICAL'},
    })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout).description, 'CRITICAL: disk 97%')
    r = await runMkr(['annotations', 'create', '-s', 'demo', '--title', 'stdin', '--from', '1714500000', '--to', '1714500001', '--description-file', '-'], {env, input: 'from stdin\n'})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout).description, 'from stdin\n')
  })

  it('a usage error exits 2 before any request; an API error exits 1 with one line', async () => {
    const before = annotationRequests().length
    let r = await runMkr(['annotations', 'create', '-s', 'demo', '--from', 'now', '--to', 'now'], {env})
    assert.equal(r.code, 2)
    assert.match(r.stderr, /`title` is a required field to create a graph annotation\nhint: pass --title/)
    assert.equal(annotationRequests().length, before, 'no request may be sent')
    r = await runMkr(['annotations', 'create', '-s', 'demo', '--title', 't', '-r', 'nope', '--from', 'now', '--to', 'now'], {env})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: POST \/api\/v0\/graph-annotations failed: 404 Role not found: demo:nope\n/)
  })

  it('list on a real terminal is a table in local times (TZ from the environment)', async () => {
    const c = await runMkr(['annotations', 'create', '-s', 'demo', '-r', 'web', '--title', 'tty table', '--from', '2031-03-01T00:00:00Z', '--to', '2031-03-01T00:10:00Z'], {env})
    assert.equal(c.code, 0, c.stderr)
    const r = await runMkrTty(['annotations', 'list', '-s', 'demo', '--from', '2031-03-01', '--to', '2031-03-02'], {env})
    assert.equal(r.code, 0, r.stdout)
    assert.match(r.stdout, /^ID +FROM +TO +TITLE +ROLES\n/) // borderless
    assert.match(r.stdout, /  2031-03-01 09:00:00  2031-03-01 09:10:00  tty table  web\n/) // Asia/Tokyo
  })
})
