import assert from 'node:assert/strict'
import nock from 'nock'
import type {Alert} from '../../src/api/alerts.js'
import {ApiClient} from '../../src/api/client.js'
import type {HostLike, MonitorLike} from '../../src/alerts/format.js'
import {alertLines, join, matchesFilter} from '../../src/alerts/list.js'
import {palette} from '../../src/output/color.js'
import {useTZ} from '../helpers/tz.js'

const BASE = 'https://api.example.test'
const client = () => new ApiClient({apiBase: BASE, apiKey: 'k', random: () => 0, sleep: async () => {}})

const hosts: HostLike[] = [
  {id: 'h1', name: 'web01', status: 'working', roles: {web: ['app']}, isRetired: false, createdAt: 1700000000} as HostLike,
  {id: 'h2', name: 'db01', status: 'maintenance', roles: {db: ['master'], web: ['db']}, isRetired: false, createdAt: 1700000000} as HostLike,
]
const monitors: MonitorLike[] = [
  {id: 'mc', type: 'connectivity', name: 'connectivity'},
  {id: 'ms', type: 'service', name: 'req', service: 'web', metric: 'req', operator: '>', critical: 1},
  {id: 'me', type: 'external', name: 'site', url: 'https://x/', service: 'shop'},
  {id: 'mx', type: 'expression', name: 'expr', expression: 'a'},
]
const alerts: Alert[] = [
  {id: 'a1', status: 'CRITICAL', monitorId: 'mc', type: 'connectivity', hostId: 'h1', openedAt: 1},
  {id: 'a2', status: 'CRITICAL', monitorId: 'mc', type: 'connectivity', hostId: 'h2', openedAt: 2},
  {id: 'a3', status: 'WARNING', monitorId: 'ms', type: 'service', value: 2, openedAt: 3},
  {id: 'a4', status: 'CRITICAL', monitorId: 'me', type: 'external', message: 'x', openedAt: 4},
  {id: 'a5', status: 'CRITICAL', monitorId: 'mx', type: 'expression', openedAt: 5},
  {id: 'a6', status: 'CRITICAL', monitorId: 'mc', type: 'connectivity', hostId: 'gone', openedAt: 6}, // retired host: not listed
]

describe('alerts list filters (mkr semantics)', () => {
  const ids = (f: Parameters<typeof matchesFilter>[1]) =>
    join(alerts, hosts, monitors)
      .filter((j) => matchesFilter(j, f))
      .map((j) => j.alert.id)

  const cases: [string, Parameters<typeof matchesFilter>[1], string[]][] = [
    ['no filter', {}, ['a1', 'a2', 'a3', 'a4', 'a5', 'a6']],
    ['--service web: hosts in it and its service monitor', {services: ['web']}, ['a1', 'a2', 'a3']],
    ['--service db', {services: ['db']}, ['a2']],
    ['--service shop: the external monitor of the service', {services: ['shop']}, ['a4']],
    ['several services match any (#866)', {services: ['db', 'shop']}, ['a2', 'a4']],
    ['--host-status drops host-less alerts', {hostStatuses: ['working']}, ['a1']],
    ['--host-status several', {hostStatuses: ['working', 'maintenance']}, ['a1', 'a2']],
    ['both filters', {services: ['web'], hostStatuses: ['maintenance']}, ['a2']],
    ['unknown service', {services: ['nope']}, []],
  ]
  for (const [name, f, want] of cases) it(name, () => assert.deepEqual(ids(f), want))
})

describe('alertLines', () => {
  before(() => nock.disableNetConnect())
  after(() => nock.enableNetConnect())
  afterEach(() => nock.cleanAll())
  useTZ('UTC')

  it('asks for hosts of all four statuses and the monitors, and names each check monitor once', async () => {
    const checks: Alert[] = [
      {id: 'c1', status: 'CRITICAL', monitorId: 'chk1', type: 'check', hostId: 'h1', message: 'first', openedAt: 1700000000},
      {id: 'c2', status: 'WARNING', monitorId: 'chk1', type: 'check', hostId: 'h1', message: 'second', openedAt: 1700000000},
      {id: 'c3', status: 'CRITICAL', monitorId: 'chk2', type: 'check', hostId: 'h1', message: 'third', openedAt: 1700000000},
    ]
    const scope = nock(BASE)
      .get('/api/v0/hosts')
      .query('status=working&status=standby&status=maintenance&status=poweroff')
      .reply(200, {hosts})
      .get('/api/v0/monitors')
      .reply(200, {monitors})
      .get('/api/v0/monitoring/checks/chk1')
      .once()
      .reply(200, {check: {id: 'chk1', name: 'disk'}})
      .get('/api/v0/monitoring/checks/chk2')
      .reply(404, {error: {message: 'not found'}})
    const lines = await alertLines(client(), checks, {colorize: true, palette: await palette(false)})
    assert.deepEqual(lines, [
      'c1 2023-11-14 22:13:20 CRITICAL  disk first web01 working [web:app]',
      'c2 2023-11-14 22:13:20 WARNING  disk second web01 working [web:app]',
      'c3 2023-11-14 22:13:20 CRITICAL  third web01 working [web:app]', // lookup failed: message only, like mkr
    ])
    assert.ok(scope.isDone())
  })

  it('makes no request when there are no alerts', async () => {
    assert.deepEqual(await alertLines(client(), [], {colorize: true, palette: await palette(false)}), [])
  })
})
