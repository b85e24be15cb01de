import assert from 'node:assert/strict'
import {UsageError} from '../src/errors.js'
import {parseDurationFlag, parseTimeFlag, parseTimeSpec, TimeSpecError} from '../src/timespec.js'

// 2024-05-01T12:00:00Z
const NOW_MS = 1714564800_000 + 123 // sub-second part must not leak into the result
const NOW = 1714564800

describe('parseTimeSpec', () => {
  let tz: string | undefined
  before(() => {
    tz = process.env.TZ
    process.env.TZ = 'Asia/Tokyo' // +09:00, no DST: local forms are checked against a known offset
  })
  after(() => {
    if (tz === undefined) delete process.env.TZ
    else process.env.TZ = tz
  })

  const ok: [string, number][] = [
    ['1700000000', 1700000000],
    [' 1700000000 ', 1700000000],
    ['now', NOW],
    ['NOW', NOW],
    ['-15m', NOW - 900],
    ['-2h', NOW - 7200],
    ['+30s', NOW + 30],
    ['-1d', NOW - 86400],
    ['-1w', NOW - 604800],
    ['-1h30m', NOW - 5400],
    ['now-1h', NOW - 3600],
    ['now - 15m', NOW - 900],
    ['now+1d', NOW + 86400],
    ['2024-05-01T12:00:00Z', NOW],
    ['2024-05-01t12:00:00z', NOW],
    ['2024-05-01T21:00:00+09:00', NOW],
    ['2024-05-01T07:30:00-04:30', NOW],
    ['2024-05-01T21:00:00+0900', NOW],
    ['2024-05-01T21:00:00+09', NOW],
    ['2024-05-01T12:00:00.999Z', NOW],
    ['2024-05-01T12:00Z', NOW],
    ['2024-05-01T21:00:00', NOW], // local (Asia/Tokyo)
    ['2024-05-01 21:00', NOW],
    ['2024-05-02', NOW + 3 * 3600], // local midnight = 15:00Z the day before
    ['2024-02-29T00:00:00Z', 1709164800], // leap day
  ]
  for (const [input, want] of ok)
    it(`${JSON.stringify(input)} -> ${want}`, () => assert.equal(parseTimeSpec(input, NOW_MS), want))

  const bad: [string, RegExp][] = [
    ['', /empty/],
    ['0', /not a time.*not given/],
    ['1700000000000', /milliseconds.*1700000000/],
    ['15m', /needs a sign/],
    ['-15', /unit/],
    ['-15min', /unit/],
    ['-1.5h', /unit/],
    ['yesterday', /not a time I understand/],
    ['2024-13-01', /month 13/],
    ['2023-02-29', /day 29/],
    ['2024-05-01T24:00:00Z', /time of day/],
    ['2024-05-01T12:60', /time of day/],
    ['2024-05-01T12:00:00+25:00', /offset/],
    ['2024-05-01Z', /not a time I understand/],
    ['-100000w', /before 1970/],
    ['1969-12-31T00:00:00Z', /before 1970/],
  ]
  for (const [input, re] of bad)
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseTimeSpec(input, NOW_MS), (e: Error) => e instanceof TimeSpecError && re.test(e.message))
    })

  it('parseTimeFlag turns a bad value into a usage error (exit 2) naming the flag and the forms', () => {
    assert.equal(parseTimeFlag('from', '-15m', NOW_MS), NOW - 900)
    assert.throws(
      () => parseTimeFlag('from', 'soon', NOW_MS),
      (e: Error) => e instanceof UsageError && e.exitCode === 2 && /^--from "soon": /.test(e.message) && /ISO-8601/.test(e.hint ?? ''),
    )
  })
})

describe('parseDurationFlag (Go duration syntax, shared with wrap)', () => {
  const ok: [string, number][] = [
    ['30s', 30_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['0s', 0],
    ['0', 0],
  ]
  for (const [input, want] of ok) it(`${input} -> ${want} ms`, () => assert.equal(parseDurationFlag('timeout', input, {min: 0}), want))
  for (const input of ['', 'abc', '-1s', '10x', '1d', '30'])
    it(`rejects ${JSON.stringify(input)} as a usage error naming the flag`, () =>
      assert.throws(
        () => parseDurationFlag('timeout', input, {min: 0}),
        (e: Error) => e instanceof UsageError && e.message.startsWith('--timeout: '),
      ))

  it('enforces a minimum as a usage error', () => {
    assert.throws(() => parseDurationFlag('timeout', '0s', {min: 1}), (e: Error) => e instanceof UsageError && /at least/.test(e.message))
  })
})
