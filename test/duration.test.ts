// Duration flags: one parser (src/duration.ts) for every command, each flag with a documented maximum
// below what Node's timers hold (2^31-1 ms; a longer setTimeout fires after 1 ms).
import assert from 'node:assert/strict'
import {pageInterval} from '../src/alerts/cli.js'
import {MAX_DURATION_MS, parseDurationFlag, showDuration} from '../src/duration.js'
import {UsageError} from '../src/errors.js'
import * as timespec from '../src/timespec.js'
import {parseWrapArgs, WrapUsageError, type WrapOptions} from '../src/wrap/args.js'

describe('duration flags: one parser, a maximum for each flag', () => {
  it('the default maximum is 576h (24 days), below the 2^31-1 ms a Node timer holds', () => {
    assert.equal(MAX_DURATION_MS, 2_073_600_000)
    assert.ok(MAX_DURATION_MS < 2_147_483_647)
  })

  it('timespec.parseDurationFlag is the same parser (kept for the alerts commands)', () => {
    assert.equal(timespec.parseDurationFlag, parseDurationFlag)
  })

  it('at the maximum: accepted; one millisecond more: a usage error naming the flag and the maximum', () => {
    assert.equal(parseDurationFlag('timeout', '576h'), 2_073_600_000)
    assert.equal(parseDurationFlag('timeout', '575h59m59.999s'), 2_073_599_999)
    assert.throws(
      () => parseDurationFlag('timeout', '576h1ms'),
      (e: Error) => e instanceof UsageError && e.exitCode === 2 && e.message === '--timeout: "576h1ms" is more than the maximum, 576h (24 days)',
    )
    assert.throws(() => parseDurationFlag('timeout', '99999999999999999999999h'), /is more than the maximum, 576h/)
  })

  it('a flag may set its own range', () => {
    assert.equal(parseDurationFlag('x', '2h', {max: 7_200_000}), 7_200_000)
    const msg = (re: string) => (e: Error) => e instanceof UsageError && e.message === re
    assert.throws(() => parseDurationFlag('x', '2h0m0.001s', {max: 7_200_000}), msg('--x: "2h0m0.001s" is more than the maximum, 2h'))
    assert.throws(() => parseDurationFlag('x', '0s', {min: 1}), msg('--x: "0s" must be at least 1ms'))
    assert.throws(() => parseDurationFlag('x', '-1s'), msg('--x: "-1s" must not be negative'))
  })

  it('shows limits in Go notation', () => {
    assert.equal(showDuration(0), '0s')
    assert.equal(showDuration(1), '1ms')
    assert.equal(showDuration(1500), '1.5s')
    assert.equal(showDuration(600_000), '10m')
    assert.equal(showDuration(2_073_600_000), '576h')
  })

  describe('mkr wrap', () => {
    const cases: [string, keyof WrapOptions][] = [
      ['timeout', 'timeoutMs'],
      ['kill-after', 'killAfterMs'],
      ['jitter', 'jitterMs'],
      ['max-duration', 'maxDurationMs'],
      ['report-timeout', 'reportTimeoutMs'],
      ['notification-interval', 'notificationIntervalMs'],
    ]
    for (const [flag, key] of cases) {
      it(`--${flag}: 576h is the maximum`, () => {
        assert.equal(parseWrapArgs([`--${flag}`, '576h', '--', 'true'])[key], 2_073_600_000)
        assert.throws(
          () => parseWrapArgs([`--${flag}`, '576h1ms', 'true']),
          (e: Error) => e instanceof WrapUsageError && e.message === `--${flag}: "576h1ms" is more than the maximum, 576h (24 days)`,
        )
        // the case: the flag is not taken (with the command after `--`, the job runs without it)
        const o = parseWrapArgs([`--${flag}`, '600h', '--', 'true'])
        assert.deepEqual(o.usageErrors, [`--${flag}: "600h" is more than the maximum, 576h (24 days)`])
      })
    }
    it('--lock-ttl: 8760h (365 days) is the maximum (never a timer)', () => {
      assert.equal(parseWrapArgs(['--lock', '--lock-ttl', '8760h', '--', 'true']).lockTtlMs, 31_536_000_000)
      assert.throws(
        () => parseWrapArgs(['--lock', '--lock-ttl', '8760h1ms', 'true']),
        (e: Error) => e instanceof WrapUsageError && e.message === '--lock-ttl: "8760h1ms" is more than the maximum, 8760h (365 days)',
      )
    })
  })

  describe('mkr alerts', () => {
    it('--page-interval: 576h is the maximum', () => {
      assert.equal(pageInterval({'page-interval': '576h'}), 2_073_600_000)
      assert.equal(pageInterval({}), 1000)
      assert.throws(
        () => pageInterval({'page-interval': '9999h'}),
        (e: Error) => e instanceof UsageError && e.message === '--page-interval: "9999h" is more than the maximum, 576h (24 days)',
      )
      assert.throws(() => pageInterval({'page-interval': '576h1ms'}), /is more than the maximum, 576h/)
    })
    it('alerts memo --timeout (parsed as memo does: at least 1ms): 576h is the maximum', () => {
      assert.equal(timespec.parseDurationFlag('timeout', '576h', {min: 1}), 2_073_600_000)
      assert.throws(
        () => timespec.parseDurationFlag('timeout', '9999h', {min: 1}),
        (e: Error) => e instanceof UsageError && e.message === '--timeout: "9999h" is more than the maximum, 576h (24 days)',
      )
      assert.throws(() => timespec.parseDurationFlag('timeout', '576h1ms', {min: 1}), /is more than the maximum, 576h/)
    })
  })
})
