import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {testIO} from '../../src/output/iostreams.js'
import {parseRunbook} from '../../src/runbook/config.js'
import {runRunbook} from '../../src/runbook/run.js'
import {marks as countMarks, sandboxDeps} from './helpers.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'

const SH = '/bin/sh'

describe('runbook run (in-process, against the sandbox)', function () {
  this.timeout(30_000)
  let sb: Sandbox
  let dir: string
  let webId: string
  let checkAlertId: string
  let cpuAlertId: string
  let dbAlertId: string

  beforeEach(async () => {
    sb = await startSandbox({seed: false})
    dir = mkdtempSync(join(tmpdir(), 'mkr-runbook-'))
    const now = Math.floor(Date.now() / 1000)
    const web = sb.store.addHost({name: 'web01', roleFullnames: ['shop:web'], interfaces: [{name: 'eth0', ipAddress: '10.0.0.1'}] as never})
    const db = sb.store.addHost({name: 'db01', roleFullnames: ['shop:db']})
    webId = web.id
    sb.store.applyCheckReport({hostId: web.id, name: 'nightly-backup', status: 'CRITICAL', message: 'exit status 2', occurredAt: now})
    checkAlertId = [...sb.store.alerts.values()].find((a) => a.type === 'check')!.id
    const cpu = sb.store.addMonitor({type: 'host', name: 'cpu %', metric: 'cpu%', operator: '>', warning: 80, critical: 90, duration: 1})
    cpuAlertId = sb.store.addAlert({type: 'host', monitorId: cpu.id, hostId: web.id, status: 'WARNING', value: 85, openedAt: now}).id
    dbAlertId = sb.store.addAlert({type: 'host', monitorId: cpu.id, hostId: db.id, status: 'CRITICAL', value: 99, openedAt: now}).id
  })
  afterEach(async () => {
    await sb.close()
    rmSync(dir, {recursive: true, force: true})
  })

  const RUNBOOK = (extra = '') => `
[[rule]]
name = "backup failed"
monitors = ["nightly-*"]
roles = ["shop:web"]
owner = "@batch-oncall"
doc = "https://wiki.example.com/runbooks/backup"
annotate = "shop:web"

[[rule.collect]]
name = "context"
command = ["${SH}", "-c", "echo host=$MKR_HOST_NAME ips=$MKR_HOST_IPS roles=$MKR_HOST_ROLES status=$MKR_ALERT_STATUS monitor=$MKR_MONITOR_NAME type=$MKR_ALERT_TYPE key=\${MACKEREL_APIKEY:+set}"]

[[rule.remedy]]
name = "rerun backup"
command = ["${SH}", "-c", "echo run >> \\"$MARK\\"; echo rerun done"]
${extra}
`

  const deps = (t = testIO()) => sandboxDeps(sb, dir, t.io)
  const memo = (id: string) => sb.store.alerts.get(id)!.memo ?? ''
  const marks = () => countMarks(dir)
  const writes = () => sb.requests().filter((r) => r.method !== 'GET')

  it('fills the memo (owner, doc, collected context), announces and reports the remedy, posts the annotation; other alerts stay untouched', async () => {
    const t = testIO()
    const code = await runRunbook(parseRunbook(RUNBOOK(), 'rb.toml'), deps(t), {once: true})
    assert.equal(code, 0, t.err())
    const m = memo(checkAlertId)
    assert.match(m, /<!-- mkr:runbook:backup-failed -->/)
    assert.match(m, /owner: @batch-oncall\nrunbook: https:\/\/wiki.example.com\/runbooks\/backup\n/)
    assert.match(m, /host=web01 ips=10.0.0.1 roles=shop:web status=CRITICAL monitor=nightly-backup type=check key=set/)
    assert.match(m, /--- remedy: rerun backup ---\nrunning rerun backup at \d\d:\d\d:\d\dZ \(1 of 1 this hour\)\nfinished: exit 0 in [\d.]+s\nrerun done/)
    assert.doesNotMatch(m, /sandbox/, 'the API key never reaches the memo')
    assert.equal(marks(), 1)
    const ann = sb.store.toJSON().annotations as {title: string; service: string; roles?: string[]}[]
    assert.equal(ann.length, 1)
    assert.equal(ann[0].title, 'runbook: rerun backup (ok)')
    assert.equal(ann[0].service, 'shop')
    assert.deepEqual(ann[0].roles, ['web'])
    assert.equal(memo(cpuAlertId), '', 'a non-matching alert is untouched')
    assert.equal(memo(dbAlertId), '')
    // the announcement was written before the remedy ran: at least three memo writes (context, announcement, result)
    assert.ok(writes().filter((w) => w.method === 'PUT' && w.path === `/api/v0/alerts/${checkAlertId}`).length >= 3)
    // state: 0600 files
    const st = statSync(join(dir, 'state', 'alerts', `${checkAlertId}.json`))
    assert.equal(st.mode & 0o777, 0o600)
  })

  it('a second --once repeats nothing; a status change handles the alert again', async () => {
    const rb = parseRunbook(RUNBOOK('max_per_hour = 5').replace('roles = ["shop:web"]', 'roles = ["shop:web"]\nstatus = ["CRITICAL", "WARNING"]'), 'rb.toml')
    assert.equal(await runRunbook(rb, deps(), {once: true}), 0)
    const after1 = memo(checkAlertId)
    sb.clearFaults()
    const before = writes().length
    assert.equal(await runRunbook(rb, deps(), {once: true}), 0)
    assert.equal(writes().length, before, 'nothing written the second time')
    assert.equal(marks(), 1)
    assert.equal(memo(checkAlertId), after1)
    // WARNING -> CRITICAL -> WARNING: the rule matches the new status, so it runs again
    sb.store.applyCheckReport({hostId: webId, name: 'nightly-backup', status: 'WARNING', message: 'slow', occurredAt: Math.floor(Date.now() / 1000) + 1})
    assert.equal(await runRunbook(rb, deps(), {once: true}), 0)
    assert.equal(marks(), 2)
    assert.match(memo(checkAlertId), /status=WARNING/)
  })

  it('max_per_hour stops the second remedy and says so in that alert\'s memo', async () => {
    const rb = parseRunbook(RUNBOOK().replace('monitors = ["nightly-*"]\nroles = ["shop:web"]', 'monitors = ["nightly-*", "cpu *"]\nstatus = ["CRITICAL", "WARNING"]'), 'rb.toml')
    const t = testIO()
    assert.equal(await runRunbook(rb, deps(t), {once: true}), 0, t.err())
    assert.equal(marks(), 1, 'one run of the remedy in the hour')
    const skipped = [checkAlertId, cpuAlertId, dbAlertId].filter((id) => /max_per_hour reached \(1 of 1 in the last hour\)/.test(memo(id)))
    assert.equal(skipped.length, 2)
    assert.match(t.err(), /skipped: max_per_hour \(1\) reached/)
  })

  it('--dry-run prints the plan and the memo, runs nothing and writes nothing', async () => {
    const t = testIO()
    assert.equal(await runRunbook(parseRunbook(RUNBOOK(), 'rb.toml'), deps(t), {once: true, dryRun: true}), 0)
    assert.deepEqual(writes(), [])
    assert.equal(marks(), 0)
    assert.equal(memo(checkAlertId), '')
    assert.match(t.out(), /would run remedy "rerun backup": \["\/bin\/sh","-c",/)
    assert.match(t.out(), /memo section "runbook:backup-failed" would read:\n    owner: @batch-oncall/)
    assert.ok(!existsSync(join(dir, 'state', 'alerts')), 'no state written')
  })

  it('--no-remedy collects only, and a later run without it does not run the remedy for the same status', async () => {
    const rb = parseRunbook(RUNBOOK(), 'rb.toml')
    assert.equal(await runRunbook(rb, deps(), {once: true, noRemedy: true}), 0)
    assert.equal(marks(), 0)
    assert.match(memo(checkAlertId), /host=web01/)
    assert.doesNotMatch(memo(checkAlertId), /remedy/)
    assert.equal(sb.store.toJSON().annotations.length, 0)
  })

  it('--alert ID handles that alert again even when handled before', async () => {
    const rb = parseRunbook(RUNBOOK('max_per_hour = 3'), 'rb.toml')
    assert.equal(await runRunbook(rb, deps(), {once: true}), 0)
    assert.equal(await runRunbook(rb, deps(), {alertId: checkAlertId}), 0)
    assert.equal(marks(), 2)
  })

  it('a failing collect step and a missing program are reported in the section; exit 1; other alerts still handled', async () => {
    const rb = parseRunbook(
      `
[[rule]]
name = "all"
[[rule.collect]]
name = "boom"
command = ["${SH}", "-c", "echo partial output; echo oops >&2; exit 3"]
[[rule.collect]]
name = "missing"
command = ["/nonexistent/tool"]
`,
      'rb.toml',
    )
    const t = testIO()
    assert.equal(await runRunbook(rb, deps(t), {once: true}), 1)
    for (const id of [checkAlertId, cpuAlertId, dbAlertId]) {
      assert.match(memo(id), /--- collect: boom: exit 3 in [\d.]+s ---\npartial output\noops/)
      assert.match(memo(id), /--- collect: missing: not started: \/nonexistent\/tool: command not found/)
    }
  })

  it('a timed-out step shows what it printed; long output keeps head and tail with a cut marker', async () => {
    const rb = parseRunbook(
      `
[[rule]]
name = "t"
monitors = ["nightly-backup"]
[[rule.collect]]
name = "slow"
command = ["${SH}", "-c", "echo before; sleep 30"]
timeout = "1s"
[[rule.collect]]
name = "big"
command = ["${SH}", "-c", "echo FIRST; i=0; while [ $i -lt 3000 ]; do echo 0123456789012345678901234567890123456789; i=$((i+1)); done; echo LAST"]
`,
      'rb.toml',
    )
    assert.equal(await runRunbook(rb, deps(), {once: true}), 1)
    const m = memo(checkAlertId)
    assert.match(m, /--- collect: slow: timed out after 1s \(stopped with SIGTERM\) in [\d.]+s ---\nbefore/)
    assert.match(m, /FIRST[\s\S]*\[… \d+ bytes cut …\][\s\S]*LAST/)
    assert.ok(Buffer.byteLength(m) < 30_000)
  })

  it('people\'s text in the memo is kept', async () => {
    sb.store.alerts.get(checkAlertId)!.memo = 'alice: looking into it'
    assert.equal(await runRunbook(parseRunbook(RUNBOOK(), 'rb.toml'), deps(), {once: true}), 0)
    assert.match(memo(checkAlertId), /^alice: looking into it\n\n<!-- mkr:runbook:backup-failed -->/)
  })

  it('the API down while listing: one error line, exit code 1 via CliError, nothing run', async () => {
    sb.addFault({path: '*', status: 500})
    await assert.rejects(runRunbook(parseRunbook(RUNBOOK(), 'rb.toml'), deps(), {once: true}), /cannot list the open alerts/)
    assert.equal(marks(), 0)
  })
})
