import assert from 'node:assert/strict'
import {colorEnabled, PROGRESS_DELAY_MS, testIO} from '../../src/output/iostreams.js'
import {showWaiting} from '../../src/output/progress.js'

describe('IOStreams', () => {
  describe('color decision', () => {
    const c = (tty: boolean, env: NodeJS.ProcessEnv = {}, flag?: boolean) => colorEnabled({tty, env, flag})
    it('on for a terminal, off for a pipe', () => {
      assert.equal(c(true), true)
      assert.equal(c(false), false)
    })
    it('a non-empty NO_COLOR turns it off; an empty one does not (no-color.org)', () => {
      assert.equal(c(true, {NO_COLOR: '1'}), false)
      assert.equal(c(true, {NO_COLOR: ''}), true)
      assert.equal(c(true, {TERM: 'dumb'}), false)
    })
    it('FORCE_COLOR, CLICOLOR_FORCE and --color turn it on when piped; --no-color wins over all', () => {
      assert.equal(c(false, {FORCE_COLOR: '1'}), true)
      assert.equal(c(false, {CLICOLOR_FORCE: '1'}), true)
      assert.equal(c(false, {FORCE_COLOR: '0'}), false)
      assert.equal(c(false, {}, true), true)
      assert.equal(c(true, {FORCE_COLOR: '1'}, false), false)
    })
  })

  it('captures stdout and stderr; --quiet hides info lines but not warnings', () => {
    const t = testIO({quiet: true})
    t.io.out('data\n')
    t.io.info('hidden')
    t.io.warn('careful')
    assert.equal(t.out(), 'data\n')
    assert.equal(t.err(), 'mkr: warning: careful\n')
  })

  it('the palette paints only when color is on', async () => {
    assert.equal((await testIO().io.palette()).red('x'), 'x')
    assert.equal((await testIO({stdoutTTY: true, color: true}).io.palette()).red('x'), '\x1b[31mx\x1b[39m')
  })

  it('progress shows nothing on a pipe, and on a terminal only after the delay, cleared before output', async () => {
    const piped = testIO()
    piped.io.progress.start('fetching')
    await new Promise((r) => setTimeout(r, PROGRESS_DELAY_MS + 100))
    piped.io.progress.stop()
    assert.equal(piped.err(), '')

    const fast = testIO({stderrTTY: true})
    fast.io.progress.start('fetching')
    fast.io.progress.stop()
    assert.equal(fast.err(), '', 'a fast request shows no spinner')

    const slow = testIO({stderrTTY: true})
    slow.io.progress.start('fetching hosts')
    await new Promise((r) => setTimeout(r, PROGRESS_DELAY_MS + 100))
    assert.match(slow.err(), /fetching hosts/)
    slow.io.out('result\n')
    assert.match(slow.err(), /\r\x1b\[2K$/, 'the line is cleared before stdout is written')
    slow.io.progress.stop()
  })

  it('what a request waits for: host and request first (a narrow terminal cuts the end), server text escaped', async () => {
    const t = testIO({stderrTTY: true, width: 200})
    const show = showWaiting(t.io)
    show({method: 'GET', path: '/api/v0/org', host: 'api.mackerelio.com', attempt: 1})
    await new Promise((r) => setTimeout(r, PROGRESS_DELAY_MS + 100))
    assert.match(t.err(), /waiting for api\.mackerelio\.com to answer GET \/api\/v0\/org…/)
    show({method: 'GET', path: '/api/v0/org', host: 'api.mackerelio.com', attempt: 2, reason: '503 down\x1b[31m'})
    assert.match(t.err(), /retrying GET \/api\/v0\/org, attempt 2: 503 down\\x1b\[31m \(api\.mackerelio\.com\)/)
    show(undefined)
    assert.match(t.err(), /\r\x1b\[2K$/, 'cleared when the request ends')
  })

  it('stdin from a string', async () => {
    const t = testIO({stdin: 'a b 1\n'})
    let s = ''
    for await (const chunk of t.io.stdin) s += chunk
    assert.equal(s, 'a b 1\n')
  })
})
