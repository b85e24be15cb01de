// The runbook as a user runs it: a failing `mkr wrap` job opens a check alert in the sandbox, and
// `mkr runbook run --once` fills its memo and runs the remedy. Plus what only a process shows: exit
// codes, `runbook check` output, SIGTERM during a remedy.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {BIN, cleanEnv, runMkr} from './harness.js'

describe('e2e: mkr runbook', function () {
  this.timeout(60_000)
  let sb: Sandbox
  let dir: string
  let env: NodeJS.ProcessEnv
  let hostId: string

  beforeEach(async () => {
    sb = await startSandbox({port: 0, seed: false})
    dir = mkdtempSync(join(tmpdir(), 'mkr-e2e-runbook-'))
    hostId = sb.store.addHost({name: 'batch01', roleFullnames: ['shop:batch']}).id
    env = cleanEnv({
      MACKEREL_APIBASE: sb.url,
      MACKEREL_APIKEY: sb.apiKey,
      MKR_HTTP_BUDGET: '3',
      XDG_STATE_HOME: join(dir, 'state'),
      MARK: join(dir, 'mark'),
    })
  })
  afterEach(async () => {
    await sb.close()
    rmSync(dir, {recursive: true, force: true})
  })

  const file = (text: string, name = 'runbook.toml') => {
    const p = join(dir, name)
    writeFileSync(p, text)
    return p
  }
  const RB = (remedy = 'echo restarted; echo x >> "$MARK"') => `
[[rule]]
name = "backup"
monitors = ["backup"]
owner = "@batch-oncall"
doc = "https://wiki.example.com/backup"
annotate = "shop:batch"
[[rule.collect]]
name = "context"
command = ["sh", "-c", "echo host=$MKR_HOST_NAME alert=$MKR_ALERT_ID; mkr_org=$(node '${BIN}' org --jq .name); echo org=$mkr_org"]
[[rule.remedy]]
name = "rerun"
command = ["sh", "-c", ${JSON.stringify(remedy)}]
`
  const alerts = () => [...sb.store.alerts.values()]

  it('a failing wrapped job opens an alert; run --once fills the memo and runs the remedy; a second --once repeats nothing', async () => {
    let r = await runMkr(['wrap', '-n', 'backup', '-H', hostId, '--', 'sh', '-c', 'echo disk full >&2; exit 2'], {env})
    assert.equal(r.code, 2, r.stderr)
    assert.equal(alerts().length, 1)
    const id = alerts()[0].id

    const rb = file(RB())
    r = await runMkr(['runbook', 'run', rb, '--once'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, new RegExp(`runbook: alert ${id} \\(CRITICAL, backup on batch01\\): rule "backup": collected 1 step; remedy "rerun" exit 0`))
    const memo = sb.store.alerts.get(id)!.memo!
    assert.match(memo, /owner: @batch-oncall\nrunbook: https:\/\/wiki.example.com\/backup/)
    assert.match(memo, new RegExp(`host=batch01 alert=${id}\norg=sandbox`), 'mkr inside a command works with the inherited API settings')
    assert.match(memo, /running rerun at .* \(1 of 1 this hour\)\nfinished: exit 0 in [\d.]+s\nrestarted/)
    assert.equal(sb.store.toJSON().annotations.length, 1)

    const writesBefore = sb.requests().filter((q) => q.method !== 'GET').length
    r = await runMkr(['runbook', 'run', rb, '--once'], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /no alert to handle/)
    assert.equal(sb.requests().filter((q) => q.method !== 'GET').length, writesBefore)
    assert.equal(readFileSync(join(dir, 'mark'), 'utf8'), 'x\n')
  })

  it('a failing remedy: exit 1, and the memo says how it ended', async () => {
    await runMkr(['wrap', '-n', 'backup', '-H', hostId, '--', 'false'], {env})
    const r = await runMkr(['runbook', 'run', file(RB('echo cannot; exit 7')), '--once'], {env})
    assert.equal(r.code, 1)
    assert.match(sb.store.alerts.get(alerts()[0].id)!.memo!, /finished: exit 7 in [\d.]+s\ncannot/)
  })

  it('runbook check: each problem as FILE:LINE, exit 1; a good file exits 0', async () => {
    const bad = file('[[rule]]\nname = "x"\n[[rule.remedy]]\nname = "r"\ncommand = "rm -rf /tmp/x"\n', 'bad.toml')
    let r = await runMkr(['runbook', 'check', bad], {env})
    assert.equal(r.code, 1)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, new RegExp(`^mkr: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: rule "x": remedy "r": command: must be an array, not a string`))
    assert.match(r.stderr, /hint: fix the runbook file; nothing was run/)
    r = await runMkr(['runbook', 'check', file(RB())], {env})
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /1 rule, 2 commands: ok/)
    r = await runMkr(['runbook', 'run', bad, '--once'], {env})
    assert.equal(r.code, 1)
    assert.equal(sb.requests().length, 0, 'a broken file makes no request')
  })

  it('no API key: one line, exit 1, nothing run', async () => {
    await runMkr(['wrap', '-n', 'backup', '-H', hostId, '--', 'false'], {env})
    const r = await runMkr(['runbook', 'run', file(RB()), '--once'], {env: {...env, MACKEREL_APIKEY: ''}})
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: .*API key/)
    assert.ok(!existsSync(join(dir, 'mark')))
  })

  it('SIGTERM during a remedy (long-running mode): the remedy finishes and is recorded, then the process exits', async () => {
    await runMkr(['wrap', '-n', 'backup', '-H', hostId, '--', 'false'], {env})
    const id = alerts()[0].id
    const rb = file(RB('echo started > "$MARK.started"; sleep 2; echo x >> "$MARK"; echo done'))
    const child = spawn(process.execPath, [BIN, 'runbook', 'run', rb], {env, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    for (let i = 0; i < 500 && !existsSync(join(dir, 'mark.started')); i++) await new Promise((r) => setTimeout(r, 20))
    assert.ok(existsSync(join(dir, 'mark.started')), stderr)
    child.kill('SIGTERM')
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)))
    assert.equal(code, 0, stderr)
    assert.match(stderr, /SIGTERM: stopping after the step in progress/)
    assert.equal(readFileSync(join(dir, 'mark'), 'utf8'), 'x\n')
    assert.match(sb.store.alerts.get(id)!.memo!, /finished: exit 0 .*\ndone/)
    const state = JSON.parse(readFileSync(join(dir, 'state', 'mkr', 'runbook', 'alerts', `${id}.json`), 'utf8'))
    assert.equal(state.rules.backup.remedies.length, 1)
  })

  it('serve: a failing job opens an alert, the sandbox posts its webhook, the receiver fills the memo; a wrong token runs nothing; SIGTERM exits 0', async () => {
    const token = 'e2e-token-0123456789abcdef'
    const serve = spawn(process.execPath, [BIN, 'runbook', 'serve', file(RB()), '--listen', '127.0.0.1:0'], {
      env: {...env, MKR_RUNBOOK_TOKEN: token},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    serve.stderr.on('data', (d) => (stderr += d))
    const closed = new Promise<number | null>((r) => serve.on('close', (c) => r(c)))
    try {
      let port = 0
      for (let i = 0; i < 500 && !port; i++) {
        port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr)?.[1] ?? 0)
        if (!port) await new Promise((r) => setTimeout(r, 20))
      }
      assert.ok(port, stderr)
      // a channel with the wrong token first: its webhook must be refused and run nothing
      const channel = sb.store.addRecord(sb.store.channels, {name: 'wrong', type: 'webhook', url: `http://127.0.0.1:${port}/?token=nope-nope-nope-nope`, events: ['alert'], enabledGraphImage: false, suspendedAt: null})
      ;(sb.store.ensureDefaultNotificationGroup().childChannelIds as string[]).push(channel.id) // a channel in no group hears nothing
      let r = await runMkr(['wrap', '-n', 'backup', '-H', hostId, '--', 'false'], {env})
      assert.equal(r.code, 1, r.stderr)
      await sb.webhooksSettled()
      assert.equal(sb.webhooks()[0]?.responseStatus, 401, 'the receiver refused the webhook')
      // its log line reaches us through a pipe: wait for it
      for (let i = 0; i < 500 && !/wrong or missing token \(401\)/.test(stderr); i++) await new Promise((r) => setTimeout(r, 20))
      assert.match(stderr, /wrong or missing token \(401\)/)
      const id = alerts()[0].id
      assert.equal(sb.store.alerts.get(id)!.memo ?? '', '')
      // the right token: the job recovers (the alert closes), fails again, and the new alert is handled
      for (const c of sb.store.channels.values()) c.url = `http://127.0.0.1:${port}/hook?token=${token}`
      assert.equal((await runMkr(['wrap', '-a', '-n', 'backup', '-H', hostId, '--', 'true'], {env})).code, 0)
      r = await runMkr(['wrap', '-a', '-n', 'backup', '-H', hostId, '--', 'false'], {env})
      assert.equal(r.code, 1, r.stderr)
      await sb.webhooksSettled()
      const open = alerts().filter((a) => a.status !== 'OK')
      assert.equal(open.length, 1)
      const id2 = open[0].id
      assert.notEqual(id2, id)
      for (let i = 0; i < 500 && !/finished: exit 0/.test(sb.store.alerts.get(id2)!.memo ?? ''); i++) await new Promise((r) => setTimeout(r, 20))
      const memo = sb.store.alerts.get(id2)!.memo ?? ''
      assert.match(memo, new RegExp(`host=batch01 alert=${id2}`), stderr)
      assert.equal(sb.store.alerts.get(id)!.memo ?? '', '', 'the alert whose webhook was refused stays untouched')
      assert.match(memo, /finished: exit 0 in [\d.]+s\nrestarted/)
      assert.doesNotMatch(stderr, new RegExp(token), 'the token is never logged')
    } finally {
      serve.kill('SIGTERM')
    }
    assert.equal(await closed, 0, stderr)
  })
})
