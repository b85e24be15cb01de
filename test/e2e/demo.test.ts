// `npm run demo` is the README's first command: it must run to the end, exit 0, and show the main
// jobs working (a failing wrapped job becomes a check report and an alert; the runbook fills its memo).
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {join} from 'node:path'
import {cleanEnv, ROOT} from './harness.js'

describe('e2e: npm run demo', function () {
  this.timeout(120_000) // a limit for a loaded machine, not a timing assertion

  it('runs every step and exits 0', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'demo.js')], {env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)))
    assert.equal(code, 0, out)
    assert.doesNotMatch(out, /demo: expected exit/)
    assert.match(out, /the sandbox received 1 check report\(s\):\n {2}nightly-backup CRITICAL/)
    assert.match(out, /rule "nightly backup": collected 2 steps; remedy "rerun backup" exit 0/)
    assert.match(out, /<!-- mkr:runbook:nightly-backup -->\nowner: @db-oncall/)
    assert.match(out, /Summary: 0 modify, 0 append, 0 remove/)
  })
})
