import assert from 'node:assert/strict'
import {terminalIo} from '../../src/monitors/terminal.js'

// The signal handlers are exercised with process.emit (no real signal is sent): without a listener,
// an emitted 'SIGTERM' does nothing, so a missing handler shows as "not interrupted".
describe('monitors terminal IO: interruptible', () => {
  let written: string
  let exits: number[]
  const realWrite = process.stderr.write
  const realExit = process.exit
  beforeEach(() => {
    written = ''
    exits = []
    process.stderr.write = ((chunk: string | Uint8Array) => ((written += String(chunk)), true)) as typeof process.stderr.write
    process.exit = ((code?: number) => void exits.push(code ?? 0)) as typeof process.exit
  })
  afterEach(() => {
    process.stderr.write = realWrite
    process.exit = realExit
  })

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`${signal} stops between two writes like Ctrl-C; a second one quits (exit ${code})`, async () => {
      const io = await terminalIo({color: false})
      const seen = await io.interruptible!(async (interrupted, which) => {
        const before = interrupted()
        process.emit(signal, signal)
        const after = interrupted()
        process.emit(signal, signal)
        return {before, after, which: which?.()}
      })
      assert.deepEqual(seen, {before: false, after: true, which: signal})
      assert.deepEqual(exits, [code])
      assert.match(written, signal === 'SIGINT' ? /^mkr: interrupted: stopping after the change in progress \(Ctrl-C again to quit at once\)\n$/ : new RegExp(`^mkr: interrupted by ${signal}: stopping after the change in progress \\(${signal} again to quit at once\\)\\n$`))
      // the handlers are gone afterwards
      assert.equal(process.listenerCount(signal), 0)
    })
  }
})
