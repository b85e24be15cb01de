// What only a process shows for services, users, channels, dashboards, aws-integrations and traces:
// the dispatcher finds them, exit codes, usage errors, files written in the working directory, a real
// terminal. Output shapes are tested in-process (test/org, test/dashboards).
import assert from 'node:assert/strict'
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runMkr, runMkrTty, tempDir} from './harness.js'

describe('e2e: org resources against the sandbox', () => {
  let sb: Sandbox
  let env: NodeJS.ProcessEnv
  const tmp = tempDir()

  before(async () => {
    sb = await startSandbox({port: 0, seed: true})
    env = cleanEnv({MACKEREL_APIBASE: sb.url, MACKEREL_APIKEY: sb.apiKey, TZ: 'UTC', MKR_HTTP_BUDGET: '3'})
  })
  after(async () => {
    await sb.close()
    tmp.remove()
  })

  it('piped: JSON and exit 0 on a seeded sandbox', async () => {
    for (const cmd of [['services'], ['users'], ['channels'], ['aws-integrations'], ['dashboards']]) {
      const r = await runMkr(cmd, {env})
      assert.equal(r.code, 0, `${cmd}: ${r.stderr}`)
      assert.ok(Array.isArray(JSON.parse(r.stdout)), cmd.join(' '))
    }
    const r = await runMkr(['users', '--jq', '.[0].screenName'], {env})
    assert.equal(r.stdout, 'sandbox-owner\n')
  })

  it('usage errors exit 2 before any request; an API error exits 1', async () => {
    const before = sb.requests().length
    for (const args of [['users', '-f', '{{.}}', '--jq', '.'], ['traces', 'get'], ['traces', 'get', 'not-hex'], ['dashboards', 'push'], ['channels', '--nope'], ['services', 'extra']]) {
      const r = await runMkr(args, {env})
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^mkr: /)
    }
    assert.equal(sb.requests().length, before)
    const r = await runMkr(['dashboards', 'pull', '--id', 'nope'], {env})
    assert.equal(r.code, 1)
    assert.equal(r.stderr.split('\n').length, 2, r.stderr)
  })

  it('dashboards push, then pull into the working directory, edit, push again', async () => {
    const file = join(tmp.path, 'new.json')
    writeFileSync(file, JSON.stringify({title: 'E2E', urlPath: 'e2e', memo: '', widgets: [{type: 'markdown', title: 'hi', markdown: '#', layout: {x: 0, y: 0, width: 24, height: 2}}]}))
    let r = await runMkr(['dashboards', 'push', '-F', file], {env})
    assert.equal(r.code, 0, r.stderr)
    r = await runMkr(['dashboards', 'pull'], {env, cwd: tmp.path})
    assert.equal(r.code, 0, r.stderr)
    const pulled = readdirSync(tmp.path).filter((f) => /^dashboard-\w+\.json$/.test(f))
    assert.equal(pulled.length, 1)
    const d = JSON.parse(readFileSync(join(tmp.path, pulled[0]), 'utf8'))
    d.memo = 'edited'
    writeFileSync(join(tmp.path, pulled[0]), JSON.stringify(d))
    r = await runMkr(['dashboards', 'push', '-F', pulled[0]], {env, cwd: tmp.path})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `~ dashboard ${d.id} "E2E"\n    memo: changed\n`)
  })

  it('channels pull writes channels.json in the working directory', async () => {
    const r = await runMkr(['channels', 'pull'], {env, cwd: tmp.path})
    assert.equal(r.code, 0, r.stderr)
    assert.equal(JSON.parse(readFileSync(join(tmp.path, 'channels.json'), 'utf8')).channels[0].name, 'Default email')
  })

  it('on a real terminal: a table', async () => {
    const r = await runMkrTty(['services'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /NAME\s+ROLES\s+MEMO/)
  })
})
