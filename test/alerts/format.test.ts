import assert from 'node:assert/strict'
import type {Alert} from '../../src/api/alerts.js'
import {checkMessageLine, expressionOneLine, formatAlertLine, goFixed2, type HostLike, type MonitorLike} from '../../src/alerts/format.js'
import {palette, type Palette} from '../../src/output/color.js'
import {useTZ} from '../helpers/tz.js'

const T = 1700000000 // 2023-11-14 22:13:20 UTC
const host: HostLike = {id: 'h1', name: 'web01', status: 'working', roles: {demo: ['web', 'app'], other: ['db']}}
const hostMon: MonitorLike = {id: 'm1', type: 'host', name: 'cpu', metric: 'cpu%', operator: '>', warning: 80, critical: 90}
const svcMon: MonitorLike = {id: 'm2', type: 'service', name: 'req', service: 'demo', metric: 'custom.req', operator: '>', warning: 5, critical: 10}
const extMon: MonitorLike = {id: 'm3', type: 'external', name: 'site', url: 'https://example.com/', service: 'demo', responseTimeWarning: 500, responseTimeCritical: 1000}
const exprMon: MonitorLike = {id: 'm4', type: 'expression', name: 'load', expression: 'avg(\n  roleSlots( "demo:web", "loadavg5" )\n)\n', operator: '>', warning: 1, critical: 2}
const al = (patch: Partial<Alert>): Alert => ({id: 'al1', status: 'CRITICAL', monitorId: 'm1', type: 'host', openedAt: T, ...patch})

let plain: Palette
before(async () => {
  plain = await palette(false)
})

describe('formatAlertLine (mkr alerts list)', () => {
  useTZ('UTC')

  const line = (a: Alert, o: {host?: HostLike; monitor?: MonitorLike; checkName?: string; colorize?: boolean} = {}) =>
    formatAlertLine(a, {colorize: o.colorize ?? true, palette: plain, host: o.host, monitor: o.monitor, checkName: o.checkName})

  const cases: [string, () => string, string][] = [
    ['host metric over the critical threshold (mkr default: two spaces after the status)', () => line(al({value: 95.5, hostId: 'h1'}), {host, monitor: hostMon}),
      'al1 2023-11-14 22:13:20 CRITICAL  cpu cpu% 95.50 > 90.00 web01 working [demo:web,app, other:db]'],
    ['--no-color: one space', () => line(al({value: 95.5}), {host, monitor: hostMon, colorize: false}),
      'al1 2023-11-14 22:13:20 CRITICAL cpu cpu% 95.50 > 90.00 web01 working [demo:web,app, other:db]'],
    ['host metric WARNING uses the warning threshold', () => line(al({status: 'WARNING', value: 81}), {monitor: hostMon}),
      'al1 2023-11-14 22:13:20 WARNING  cpu cpu% 81.00 > 80.00'],
    ['host metric without the level\'s threshold: value only', () => line(al({value: 1}), {monitor: {...hostMon, critical: null}}),
      'al1 2023-11-14 22:13:20 CRITICAL  cpu cpu% 1.00'],
    ['OK: value only', () => line(al({status: 'OK', value: 3}), {monitor: hostMon}), 'al1 2023-11-14 22:13:20 OK  cpu cpu% 3.00'],
    ['service metric', () => line(al({type: 'service', value: 12}), {monitor: svcMon}),
      'al1 2023-11-14 22:13:20 CRITICAL  req demo custom.req 12.00 > 10.00'],
    ['external CRITICAL with an HTTP status and a response-time threshold', () => line(al({type: 'external', value: 1234, message: '503'}), {monitor: extMon}),
      'al1 2023-11-14 22:13:20 CRITICAL  site https://example.com/ 1234.00 > 1000.00 msec, status:503'],
    ['external CRITICAL with another message', () => line(al({type: 'external', message: 'connection refused'}), {monitor: extMon}),
      'al1 2023-11-14 22:13:20 CRITICAL  site https://example.com/ 0.00 msec, connection refused'],
    ['external WARNING omits the url', () => line(al({type: 'external', status: 'WARNING', value: 600, message: '200'}), {monitor: extMon}),
      'al1 2023-11-14 22:13:20 WARNING  site 600.00 > 500.00 msec, status:200'],
    ['external OK', () => line(al({type: 'external', status: 'OK', value: 20, message: '200'}), {monitor: extMon}),
      'al1 2023-11-14 22:13:20 OK  site 20.00 msec, status:200'],
    ['expression squeezed to one line', () => line(al({type: 'expression', value: 2.5}), {monitor: exprMon}),
      'al1 2023-11-14 22:13:20 CRITICAL  load avg(roleSlots("demo:web", "loadavg5")) 2.50 > 2.00'],
    ['expression UNKNOWN: only the expression', () => line(al({type: 'expression', status: 'UNKNOWN'}), {monitor: exprMon}),
      'al1 2023-11-14 22:13:20 UNKNOWN  load avg(roleSlots("demo:web", "loadavg5"))'],
    ['connectivity: the name', () => line(al({type: 'connectivity'}), {host, monitor: {id: 'm', type: 'connectivity', name: 'connectivity'}}),
      'al1 2023-11-14 22:13:20 CRITICAL  connectivity web01 working [demo:web,app, other:db]'],
    ['anomaly detection: the name', () => line(al({type: 'anomalyDetection'}), {monitor: {id: 'm', type: 'anomalyDetection', name: 'anomaly'}}),
      'al1 2023-11-14 22:13:20 CRITICAL  anomaly'],
    ['other monitor types: name and type', () => line(al({type: 'query', value: 3}), {monitor: {id: 'm', type: 'query', name: 'q'}}),
      'al1 2023-11-14 22:13:20 CRITICAL  q query'],
    ['unknown monitor and host: nothing after the status', () => line(al({})), 'al1 2023-11-14 22:13:20 CRITICAL  '],
    ['retired host', () => line(al({type: 'connectivity'}), {host: {...host, isRetired: true, roles: {}}, monitor: {id: 'm', type: 'connectivity', name: 'c'}}),
      'al1 2023-11-14 22:13:20 CRITICAL  c web01 retired []'],
    ['check: name and first line of the message', () => line(al({type: 'check', message: 'DISK CRITICAL\n/ 98%'}), {host, checkName: 'disk'}),
      'al1 2023-11-14 22:13:20 CRITICAL  disk DISK CRITICAL... web01 working [demo:web,app, other:db]'],
    ['check without a known name', () => line(al({type: 'check', status: 'WARNING', message: 'slow'})), 'al1 2023-11-14 22:13:20 WARNING  slow'],
  ]
  for (const [name, run, want] of cases) it(name, () => assert.equal(run(), want))

  it('colors the status (with its trailing space) and the host status when the palette is on', async () => {
    const p = await palette(true)
    const s = formatAlertLine(al({value: 95.5}), {colorize: true, palette: p, host, monitor: hostMon})
    assert.equal(s, 'al1 2023-11-14 22:13:20 \u001B[31mCRITICAL \u001B[39m cpu cpu% 95.50 > 90.00 web01 \u001B[34mworking\u001B[39m [demo:web,app, other:db]')
    assert.equal(formatAlertLine(al({status: 'UNKNOWN'}), {colorize: true, palette: p}), 'al1 2023-11-14 22:13:20 UNKNOWN  ')
    assert.equal(formatAlertLine(al({status: 'OK'}), {colorize: false, palette: p}), 'al1 2023-11-14 22:13:20 OK ')
  })
})

describe('checkMessageLine', () => {
  const cases: [string, string | undefined, string][] = [
    ['ok', 'c', 'c ok'],
    ['ok', undefined, 'ok'],
    ['line1\r\nline2', 'c', 'c line1...'],
    ['x'.repeat(100), undefined, 'x'.repeat(100)],
    ['x'.repeat(101), undefined, 'x'.repeat(100) + '...'],
    ['😀'.repeat(101), undefined, '😀'.repeat(100) + '...'],
    ['', 'c', 'c '],
  ]
  for (const [msg, name, want] of cases) it(`${JSON.stringify(msg.slice(0, 20))} ${name ?? '-'}`, () => assert.equal(checkMessageLine(msg, name), want))
})

describe('goFixed2 (Go %.2f)', () => {
  const cases: [number, string][] = [
    [0, '0.00'],
    [95.5, '95.50'],
    [0.125, '0.12'], // exact binary tie: half to even (JS toFixed says 0.13)
    [0.375, '0.38'],
    [-0.125, '-0.12'],
    [1.005, '1.00'], // 1.00499999… in binary
    [2.675, '2.67'],
    [1234.5678, '1234.57'],
    [-3.14159, '-3.14'],
  ]
  for (const [x, want] of cases) it(`${x} -> ${want}`, () => assert.equal(goFixed2(x), want))
})

describe('expressionOneLine', () => {
  it('joins lines and tightens parentheses', () => {
    assert.equal(expressionOneLine('  max(\r\n\tgroup(\n a,\n b\n )\n)  '), 'max(group(a, b))')
  })
})
