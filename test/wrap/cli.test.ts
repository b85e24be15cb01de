// The `mkr wrap` fast path (src/wrap/cli.ts, called by bin/run.js without oclif): an error escaping
// wrap gets main's one-line handler, never a raw Node stack.
import assert from 'node:assert/strict'
import {runWrapCli} from '../../src/wrap/cli.js'

function sink() {
  let text = ''
  return {stream: {write: (s: string) => ((text += s), true)} as unknown as NodeJS.WritableStream, text: () => text}
}

describe('wrap fast path (runWrapCli)', () => {
  const boom = async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'x')\n    at somewhere")
  }

  it('an unexpected error: one `mkr: unexpected error:` line and a hint, exit 1, no stack', async () => {
    const err = sink()
    const code = await runWrapCli(['--', 'true'], {run: boom, stderr: err.stream, env: {}})
    assert.equal(code, 1)
    assert.equal(err.text(), "mkr: unexpected error: Cannot read properties of undefined (reading 'x')\nhint: run with DEBUG=1 for details and report it\n")
  })

  it('with DEBUG the stack follows the line', async () => {
    const err = sink()
    const code = await runWrapCli(['--', 'true'], {run: boom, stderr: err.stream, env: {DEBUG: '1'}})
    assert.equal(code, 1)
    assert.match(err.text(), /^mkr: unexpected error: Cannot read properties[^\n]*\nhint: [^\n]*\nTypeError: Cannot read/)
  })

  it('control characters in the message are escaped', async () => {
    const err = sink()
    await runWrapCli(['--', 'true'], {run: async () => Promise.reject(new Error('bad\u001b[2J\rthing')), stderr: err.stream, env: {}})
    assert.equal(err.text().split('\n')[0], 'mkr: unexpected error: bad\\x1b[2J\\rthing')
  })

  it('the exit code of a normal run is passed through; help hands over (undefined)', async () => {
    assert.equal(await runWrapCli(['--', 'x'], {run: async () => 3, stderr: sink().stream, env: {}}), 3)
    assert.equal(await runWrapCli(['--help'], {run: boom, stderr: sink().stream, env: {}}), undefined)
  })
})
