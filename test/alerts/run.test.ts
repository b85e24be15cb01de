import assert from 'node:assert/strict'
import {runForOutput, startError, StartError} from '../../src/alerts/run.js'

const node = process.execPath
const opts = {timeoutMs: 20_000, maxBytes: 80_000}

describe('runForOutput (the command of `alerts memo -- …`)', () => {
  it('captures stdout and the exit code; stderr is not captured', async () => {
    const r = await runForOutput([node, '-e', 'console.log("out"); console.error("err (expected in test output)"); process.exit(3)'], opts)
    assert.deepEqual(r, {stdout: 'out\n', droppedBytes: 0, code: 3, signal: null, timedOut: false})
  })

  it('runs without a shell: metacharacters reach the program as they are', async () => {
    const r = await runForOutput([node, '-e', 'console.log(process.argv[1])', '$HOME; echo hi | cat'], opts)
    assert.equal(r.stdout, '$HOME; echo hi | cat\n')
  })

  it('keeps only the tail of a long output', async () => {
    const r = await runForOutput([node, '-e', 'for (let i = 0; i < 1000; i++) console.log(String(i).padStart(9, "0"))'], {...opts, maxBytes: 1000})
    assert.ok(r.stdout.length <= 1008 && r.stdout.length >= 1000, String(r.stdout.length))
    assert.equal(r.stdout.length + r.droppedBytes, 10_000)
    assert.ok(r.stdout.endsWith('000000999\n'))
  })

  // sh starts in milliseconds (node may need more than the timeout on a loaded machine)
  it('stops a command that runs past the timeout, keeping what it printed', async () => {
    const r = await runForOutput(['sh', '-c', 'echo started; exec sleep 30'], {...opts, timeoutMs: 1000})
    assert.equal(r.timedOut, true)
    assert.equal(r.signal, 'SIGTERM')
    assert.equal(r.stdout, 'started\n')
  })

  it('follows SIGTERM with SIGKILL, for the whole process group, when the command ignores it', async () => {
    // the ignored SIGTERM is inherited by sleep, a grandchild: only a group-wide SIGKILL ends both
    const r = await runForOutput(['sh', '-c', 'trap "" TERM; echo ready; sleep 30; echo never'], {...opts, timeoutMs: 1000, killGraceMs: 200})
    assert.equal(r.timedOut, true)
    assert.equal(r.signal, 'SIGKILL')
    assert.equal(r.stdout, 'ready\n')
  })

  it('does not wait for a background grandchild that keeps stdout open', async function () {
    this.timeout(8000) // the grandchild lives 20 s: waiting for it would fail this test
    const script = `const c = require("child_process").spawn(process.execPath, ["-e", "setTimeout(() => {}, 20000)"], {stdio: ["ignore", "inherit", "ignore"], detached: true}); c.unref(); console.log(c.pid)`
    const r = await runForOutput([node, '-e', script], {...opts, drainMs: 200})
    const grandchild = Number(r.stdout.trim())
    try {
      process.kill(grandchild, 'SIGKILL')
    } catch {}
    assert.equal(r.code, 0)
    assert.equal(r.timedOut, false)
    assert.ok(grandchild > 0, r.stdout)
  })

  it('a command that cannot start is a StartError with the shell-style code', async () => {
    await assert.rejects(runForOutput(['/nonexistent/mkr-test-cmd'], opts), (e: Error) => e instanceof StartError && e.exitCode === 127)
    await assert.rejects(runForOutput([], opts), StartError)
  })

  it('start failures map to shell codes: 127 not found, 126 found but not executable (EACCES, EPERM, ENOEXEC), 125 other', () => {
    const code = (c: string) => startError('job', Object.assign(new Error(c), {code: c})).exitCode
    assert.deepEqual(
      ['ENOENT', 'EACCES', 'EPERM', 'ENOEXEC', 'EISDIR', 'EMFILE', 'E2BIG'].map((c) => [c, code(c)]),
      [['ENOENT', 127], ['EACCES', 126], ['EPERM', 126], ['ENOEXEC', 126], ['EISDIR', 126], ['EMFILE', 125], ['E2BIG', 125]],
    )
  })
})
