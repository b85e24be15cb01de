import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadRunbook, parseRunbook, RunbookError, sectionName} from '../../src/runbook/config.js'
import {compileGlob} from '../../src/runbook/glob.js'

function problems(text: string): string[] {
  try {
    parseRunbook(text, 'rb.toml')
  } catch (error) {
    assert.ok(error instanceof RunbookError, String(error))
    return error.problems
  }
  assert.fail('expected problems')
}

describe('runbook file', () => {
  it('a complete file: defaults filled, section names derived', () => {
    const rb = parseRunbook(
      `interval = "2m"
[[rule]]
name = "web cpu"
monitors = ["cpu *", "3yxT4c"]
hosts = ["web*"]
owner = "@web"
annotate = "shop:web,app"
[[rule.collect]]
name = "top"
command = ["top", "-bn1"]
timeout = "20s"
[[rule.remedy]]
name = "restart"
command = ["systemctl", "restart", "app"]
max_per_hour = 3
`,
      'rb.toml',
    )
    assert.equal(rb.intervalMs, 120_000)
    const r = rb.rules[0]
    assert.equal(r.section, 'runbook:web-cpu')
    assert.deepEqual(r.statuses, ['CRITICAL', 'WARNING', 'UNKNOWN'])
    assert.deepEqual(r.annotate, {service: 'shop', roles: ['web', 'app']})
    assert.equal(r.collect[0].timeoutMs, 20_000)
    assert.equal(r.remedy[0].timeoutMs, 30_000)
    assert.equal(r.remedy[0].maxPerHour, 3)
    assert.ok(r.monitorMatchers.some((m) => m({id: 'x', name: 'cpu usage'})))
    assert.ok(r.monitorMatchers.some((m) => m({id: '3yxT4c', name: 'other'})), 'an id matches too')
    assert.ok(!r.monitorMatchers.some((m) => m({id: 'x', name: 'disk'})))
  })

  it('each kind of problem, with its line, the rule and the field; all at once', () => {
    const p = problems(`interval = "5s"
colour = "red"

[[rule]]
name = "a"
monitors = ["cpu[z-a]"]
status = ["CRIT"]
host_status = ["down"]
roles = ["noservice"]
annotate = "a b"
extra = 1

[[rule.collect]]
name = "top"
command = "top -bn1"
timeout = "forever"

[[rule.remedy]]
name = "fix"
max_per_hour = 100

[[rule]]
name = "a"
[[rule]]
owner = "x"
`)
    const want = [
      /^rb.toml:1: interval: 5s is too short \(at least 10s\)$/,
      /^rb.toml:2: colour: unknown key/,
      /^rb.toml:11: rule "a": extra: unknown key$/,
      /^rb.toml:6: rule "a": monitors: "cpu\[z-a\]": reversed range z-a$/,
      /^rb.toml:7: rule "a": status: "CRIT" is not one of CRITICAL, WARNING, UNKNOWN, OK$/,
      /^rb.toml:8: rule "a": host_status: "down" is not one of working, standby, maintenance, poweroff$/,
      /^rb.toml:9: rule "a": roles: "noservice" must be service:role$/,
      /^rb.toml:10: rule "a": annotate: "a b" must be service or service:role/,
      /^rb.toml:15: rule "a": collect "top": command: must be an array, not a string \(no shell runs it: write \["sh", "-c", "top -bn1"\] to use one\)$/,
      /^rb.toml:16: rule "a": collect "top": timeout: invalid duration "forever"/,
      /^rb.toml:18: rule "a": remedy "fix": command: required/,
      /^rb.toml:20: rule "a": remedy "fix": max_per_hour: must be a whole number from 0 to 60$/,
      /^rb.toml:23: rule "a": name: duplicate name \(also rule #1\)$/,
      /^rb.toml:24: rule #3: name: required/,
    ]
    for (const w of want) assert.ok(p.some((x) => w.test(x)), `missing ${w}\n${p.join('\n')}`)
    assert.equal(p.length, want.length, p.join('\n'))
  })

  it('invalid TOML names the line', () => {
    assert.deepEqual(problems('[[rule]]\nname = "a"\ncommand = [1,\n'), problems('[[rule]]\nname = "a"\ncommand = [1,\n'))
    assert.match(problems('[[rule]]\nname = "a\n')[0], /^rb.toml:2: invalid TOML: /)
  })

  it('two rules whose names give the same memo section are refused', () => {
    assert.match(problems('[[rule]]\nname = "web cpu"\n[[rule]]\nname = "web/cpu"\n').join('\n'), /writes the same memo section "runbook:web-cpu"/)
    assert.equal(sectionName('a:b c'), 'runbook:a-b-c')
  })

  it('an empty file has no rule: an error, not a silent no-op', () => {
    assert.match(problems('')[0], /no \[\[rule\]\]/)
  })

  it('the file: missing, a directory, too big — one line each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mkr-rb-'))
    try {
      assert.throws(() => loadRunbook(join(dir, 'nope.toml')), /cannot read runbook .*nope.toml: no such file/)
      assert.throws(() => loadRunbook(dir), /is a directory/)
      writeFileSync(join(dir, 'big.toml'), '#'.repeat(2 * 1024 * 1024))
      assert.throws(() => loadRunbook(join(dir, 'big.toml')), /is too big/)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('globs: * spans anything, ? one character, classes; ** cannot blow up', () => {
    assert.ok(compileGlob('cpu *')('cpu % on web/01'))
    assert.ok(compileGlob('web0?')('web01'))
    assert.ok(!compileGlob('web0?')('web011'))
    assert.ok(compileGlob('web[0-2]')('web1'))
    assert.ok(!compileGlob('web[!0-2]')('web1'))
    assert.ok(compileGlob('a.b')('a.b') && !compileGlob('a.b')('axb'), 'a dot is literal')
    assert.ok(!compileGlob('*a*a*a*a*a*a*a*a*b')('a'.repeat(5000)))
  })
})
