// `mkr checks run` in-process: real check commands (sh, printf, sleep) from agent configs written in
// the test; TAP as mkr prints it, exit codes, timeouts, env, arrays never through a shell, includes.
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadChecks} from '../../src/checks/config.js'
import {checkArgv, runCheck} from '../../src/checks/exec.js'
import {runChecksRun} from '../../src/checks/run.js'
import ChecksRun from '../../src/commands/checks/run.js'
import {CliError, ConfigError} from '../../src/errors.js'
import {testIO} from '../../src/output/iostreams.js'
import {runCommand} from '../cli/run.js'

describe('checks run', () => {
  let tmp: string
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'mkr-checks-'))))
  afterEach(() => rmSync(tmp, {recursive: true, force: true}))
  const conf = (text: string, name = 'agent.conf') => {
    const f = join(tmp, name)
    writeFileSync(f, text)
    return f
  }
  /** one check at a time: numbers and order are then the config's */
  const run = async (text: string, o: {concurrency?: number} = {}) => {
    const t = testIO()
    let error: Error | undefined
    try {
      await runChecksRun({conf: conf(text), concurrency: o.concurrency ?? 1}, t.io, {exec: {killAfterMs: 500}})
    } catch (e) {
      error = e as Error
    }
    return {error, out: t.out(), err: t.err()}
  }

  it('prints TAP version 13 exactly as mkr: ok / not ok, the YAML block, the failure summary', async () => {
    const r = await run(`
apikey = "x"
[plugin.checks.hello]
command = ["sh", "-c", "echo Hello"]

[plugin.checks.disk]
command = "echo 'disk: 91%'; echo detail >&2; exit 1"
memo = "disk usage"

[plugin.checks.crit]
command = "printf 'line1\\nline2\\n'; exit 2"

[plugin.checks.odd]
command = "exit 7"
`)
    assert.equal(
      r.out,
      `TAP version 13
1..4
ok 1 - hello
  ---
  command: [sh, -c, echo Hello]
  status: OK
  stdout: Hello
  ...
not ok 2 - disk
  ---
  memo: disk usage
  command: ['echo ''disk: 91%''; echo detail >&2; exit 1']
  status: WARNING
  stdout: 'disk: 91%'
  stderr: detail
  exitCode: 1
  ...
not ok 3 - crit
  ---
  command: ["printf 'line1\\nline2\\n'; exit 2"]
  status: CRITICAL
  stdout: |-
    line1
    line2
  exitCode: 2
  ...
not ok 4 - odd
  ---
  command: [exit 7]
  status: UNKNOWN
  exitCode: 7
  ...
`,
    )
    assert.ok(r.error instanceof CliError)
    assert.equal(r.error.message, 'Failed 3/4 tests, 25.00% okay')
    assert.equal(r.error.exitCode, 1)
  })

  it('all OK: exit 0; no checks: an empty plan and a warning', async () => {
    let r = await run('[plugin.checks.a]\ncommand = "true"\n[plugin.checks.b]\ncommand = ["true"]\n')
    assert.equal(r.error, undefined)
    assert.match(r.out, /^TAP version 13\n1\.\.2\nok 1 - a\n/)
    r = await run('apikey = "x"\n[plugin.metrics.m]\ncommand = "true"\n')
    assert.equal(r.error, undefined)
    assert.equal(r.out, 'TAP version 13\n1..0\n')
    assert.match(r.err, /warning: no \[plugin\.checks\.NAME\] in .*agent\.conf: nothing to run/)
  })

  it('an array is exec\'d without a shell; a string goes through sh -c', async () => {
    const r = await run(`
[plugin.checks.array]
command = ["printf", "%s|", "$HOME", "a;b", "*"]
[plugin.checks.string]
command = "printf '%s|' \\"$MKR_T\\""
env = { MKR_T = "from env", " SPACED " = "trimmed" }
[plugin.checks.envcheck]
command = ["sh", "-c", "printf '%s' \\"$SPACED\\""]
env = { SPACED = "ok" }
`)
    assert.match(r.out, /ok 1 - array\n {2}---\n {2}command: \[printf, '%s\|', \$HOME, a;b, '\*'\]\n {2}status: OK\n {2}stdout: \$HOME\|a;b\|\*\|\n/)
    assert.match(r.out, /ok 2 - string\n[^]*stdout: from env\|\n/)
    assert.match(r.out, /ok 3 - envcheck\n[^]*stdout: ok\n/)
  })

  it('a command that cannot start: 127, UNKNOWN, the reason', async () => {
    const r = await run('[plugin.checks.gone]\ncommand = ["/nonexistent/check-gone"]\n[plugin.checks.shgone]\ncommand = "/nonexistent/check-gone"\n')
    assert.match(r.out, /not ok 1 - gone\n {2}---\n {2}command: \[\/nonexistent\/check-gone\]\n {2}status: UNKNOWN\n {2}exitCode: 127\n {2}error: 'cannot run \/nonexistent\/check-gone: command not found'\n/)
    // through sh: the shell's own 127 and message
    assert.match(r.out, /not ok 2 - shgone\n[^]*stderr: '.*not found'\n {2}exitCode: 127\n {2}\.\.\.\n/)
    assert.equal(r.error?.message, 'Failed 2/2 tests, 0.00% okay')
  })

  it('timeout_seconds: SIGTERM to the whole process group, then SIGKILL; the error says so', async function () {
    this.timeout(10_000)
    const started = Date.now()
    const r = await run(`
[plugin.checks.slow]
command = "sleep 30 & sleep 30; echo never"
timeout_seconds = 1
[plugin.checks.stubborn]
command = ["sh", "-c", "trap '' TERM; echo started; while :; do sleep 0.1; done"]
timeout_seconds = 1
`)
    assert.ok(Date.now() - started < 6000, 'the group was ended, not waited for')
    assert.match(r.out, /not ok 1 - slow\n[^]*status: UNKNOWN\n {2}exitCode: 143\n {2}error: command timed out after 1s\n/)
    assert.match(r.out, /not ok 2 - stubborn\n[^]*stdout: started\n {2}exitCode: 137\n {2}error: command timed out after 1s\n/)
  })

  it('runs checks concurrently (bounded) and numbers them in completion order', async () => {
    const started = Date.now()
    const r = await run(
      `
[plugin.checks.late]
command = "sleep 0.6; echo late"
[plugin.checks.early]
command = "echo early"
[plugin.checks.mid]
command = "sleep 0.3; echo mid"
`,
      {concurrency: 3},
    )
    assert.equal(r.error, undefined)
    assert.deepEqual([...r.out.matchAll(/^ok (\d) - (\w+)$/gm)].map((m) => `${m[1]} ${m[2]}`), ['1 early', '2 mid', '3 late'])
    assert.ok(Date.now() - started < 1500)
  })

  it('the argv as the agent builds it: sh -c for a string, sudo -Eu for user', () => {
    const def = {name: 'x', env: [], timeoutMs: 1, file: 'f'}
    assert.deepEqual(checkArgv({...def, command: 'a | b'}), ['sh', '-c', 'a | b'])
    assert.deepEqual(checkArgv({...def, command: ['a', '$b']}), ['a', '$b'])
    assert.deepEqual(checkArgv({...def, command: ['a'], user: 'nobody'}), ['sudo', '-Eu', 'nobody', 'a'])
    assert.deepEqual(checkArgv({...def, command: 'a', user: 'nobody'}), ['sudo', '-Eu', 'nobody', 'sh', '-c', 'a'])
  })

  it('output is capped per stream', async () => {
    const def = {name: 'big', command: 'head -c 300000 /dev/zero | tr "\\0" x', env: [], timeoutMs: 5000, file: 'x'}
    const r = await runCheck(def, {maxOutputBytes: 1000})
    assert.equal(r.exitCode, 0)
    assert.equal(r.stdout, 'x'.repeat(1000) + '\n(output cut: 299000 more bytes)')
  })

  it('a stop request (Ctrl-C) ends the running checks and exits with 128+signal', async () => {
    const t = testIO()
    let stop: ((s: NodeJS.Signals) => void) | undefined
    const p = runChecksRun({conf: conf('[plugin.checks.a]\ncommand = "sleep 20"\n[plugin.checks.b]\ncommand = "sleep 20"\n'), concurrency: 1}, t.io, {
      onStop: (fn) => {
        stop = fn
        return () => {}
      },
    })
    setTimeout(() => stop!('SIGINT'), 200)
    const e = await p.then(
      () => undefined,
      (x) => x as CliError,
    )
    assert.equal(e?.exitCode, 130)
    assert.equal(e?.message, 'interrupted: 1 of 2 checks ran')
    assert.match(t.out(), /not ok 1 - a\n[^]*error: 'interrupted: mkr was stopped'\n/)
    assert.doesNotMatch(t.out(), / - b\n/)
  })

  describe('config', () => {
    it('included files add checks and replace same-named ones (the agent merges by name)', () => {
      conf('[plugin.checks.b]\ncommand = "echo b2"\n[plugin.checks.c]\ncommand = "echo c"\n', 'inc.conf')
      const f = conf('include = "inc.conf"\n[plugin.checks.a]\ncommand = "echo a"\n[plugin.checks.b]\ncommand = "echo b1"\n')
      const {checks} = loadChecks(f)
      assert.deepEqual(
        checks.map((c) => [c.name, c.command]),
        [
          ['a', 'echo a'],
          ['b', 'echo b2'],
          ['c', 'echo c'],
        ],
      )
    })

    it('defaults and limits: 30 s timeout, memo cut to 250 characters with a warning', () => {
      const {checks, warnings} = loadChecks(conf(`[plugin.checks.a]\ncommand = "true"\nmemo = "${'é'.repeat(300)}"\n[plugin.checks.b]\ncommand = "true"\ntimeout_seconds = 5\n`))
      assert.equal(checks[0].timeoutMs, 30_000)
      assert.equal([...checks[0].memo!].length, 250)
      assert.equal(checks[1].timeoutMs, 5000)
      assert.match(warnings[0], /\[plugin\.checks\.a\] memo is longer than 250 characters/)
    })

    for (const [what, text, pattern] of [
      ['no command', '[plugin.checks.a]\nuser = "x"\n', /\[plugin\.checks\.a\] `command` must be a string or a non-empty array of strings/],
      ['an empty array', '[plugin.checks.a]\ncommand = []\n', /non-empty array/],
      ['a number in the array', '[plugin.checks.a]\ncommand = ["a", 1]\n', /non-empty array of strings/],
      ['env with =', '[plugin.checks.a]\ncommand = "x"\nenv = { "A=B" = "c" }\n', /a key must not contain "="/],
      ['env not strings', '[plugin.checks.a]\ncommand = "x"\nenv = { A = 1 }\n', /`env\.A` must be a string/],
      ['a negative timeout', '[plugin.checks.a]\ncommand = "x"\ntimeout_seconds = -1\n', /timeout_seconds/],
      ['a string timeout', '[plugin.checks.a]\ncommand = "x"\ntimeout_seconds = "5"\n', /timeout_seconds/],
      ['invalid TOML', '[plugin.checks.a\n', /invalid TOML/],
    ] as const)
      it(`fails on ${what}, naming the file and the check`, async () => {
        const r = await run(text)
        assert.ok(r.error instanceof ConfigError, String(r.error))
        assert.match(r.error.message, pattern)
        assert.match(r.error.message, /agent\.conf/)
        assert.equal(r.out, '', 'nothing runs when the config is invalid')
      })
  })

  describe('the command (argv parsed by oclif)', () => {
    it('--conf, exit codes and the one-line error', async () => {
      const f = conf('[plugin.checks.a]\ncommand = "exit 1"\n')
      let r = await runCommand(ChecksRun, ['--conf', f], {id: 'checks:run'})
      assert.equal(r.code, 1)
      assert.match(r.stdout, /^TAP version 13\n1\.\.1\nnot ok 1 - a\n/)
      assert.equal(r.stderr, 'mkr: Failed 1/1 tests, 0.00% okay\n')
      r = await runCommand(ChecksRun, ['--conf', join(tmp, 'missing.conf')], {id: 'checks:run'})
      assert.equal(r.code, 1)
      assert.match(r.stderr, /^mkr: cannot read config .*missing\.conf: no such file\n/)
      assert.equal(r.stdout, '')
    })
  })
})
