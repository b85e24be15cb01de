import assert from 'node:assert/strict'
import {processInterruptible} from '../../src/output/interrupt.js'
import {testIO} from '../../src/output/iostreams.js'

// The signal handlers are exercised with process.emit (no real signal is sent): without a listener,
// an emitted 'SIGTERM' does nothing, so a missing handler shows as "not interrupted".
describe('interruptible work (monitors push)', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`${signal} stops between two writes like Ctrl-C; a second one quits (exit ${code})`, async () => {
      const t = testIO({stderrTTY: true})
      const exits: number[] = []
      const interruptible = processInterruptible(t.io, ((c: number) => void exits.push(c)) as (code: number) => never)
      const seen = await interruptible(async (interrupted, which) => {
        const before = interrupted()
        process.emit(signal, signal)
        const after = interrupted()
        process.emit(signal, signal)
        return {before, after, which: which()}
      })
      assert.deepEqual(seen, {before: false, after: true, which: signal})
      assert.deepEqual(exits, [code])
      assert.match(
        t.err(),
        signal === 'SIGINT'
          ? /^mkr: interrupted: stopping after the change in progress \(Ctrl-C again to quit at once\)\n$/
          : new RegExp(`^mkr: interrupted by ${signal}: stopping after the change in progress \\(${signal} again to quit at once\\)\\n$`),
      )
      // the handlers are gone afterwards
      assert.equal(process.listenerCount(signal), 0)
    })
  }
})
