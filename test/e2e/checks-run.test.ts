// `mkr checks run` as a process: the dispatcher finds it, TAP on stdout, the summary on stderr, exit 1.
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {runMkr, tempDir} from './harness.js'

describe('e2e: checks run', () => {
  const tmp = tempDir('mkr-e2e-checks-')
  after(() => tmp.remove())

  it('runs the checks of --conf, prints TAP, exits 1 with the summary when one fails', async () => {
    const conf = join(tmp.path, 'agent.conf')
    writeFileSync(conf, '[plugin.checks.ok]\ncommand = ["echo", "fine"]\n[plugin.checks.bad]\ncommand = "echo broken; exit 2"\n')
    const r = await runMkr(['checks', 'run', '--conf', conf])
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stdout, /^TAP version 13\n1\.\.2\n/)
    assert.match(r.stdout, /^ok \d - ok\n {2}---\n {2}command: \[echo, fine\]\n {2}status: OK\n {2}stdout: fine\n {2}\.\.\.$/m)
    assert.match(r.stdout, /^not ok \d - bad\n[^]*status: CRITICAL\n {2}stdout: broken\n {2}exitCode: 2\n/m)
    assert.equal(r.stderr, 'mkr: Failed 1/2 tests, 50.00% okay\n')
  })

  it('all OK: exit 0; a missing config: exit 1, one line', async () => {
    const conf = join(tmp.path, 'ok.conf')
    writeFileSync(conf, '[plugin.checks.ok]\ncommand = "true"\n')
    let r = await runMkr(['checks', 'run', '--conf', conf])
    assert.equal(r.code, 0, r.stderr)
    r = await runMkr(['checks', 'run', '--conf', join(tmp.path, 'nope.conf')])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: cannot read config .*nope\.conf: no such file\n$/)
  })
})
