// Response shapes are checked at the API edge: a body the commands would misprint (null, [null], a
// string where a boolean or a number belongs) is an InvalidResponseError naming the field; fields the
// CLI does not know pass through untouched.
import assert from 'node:assert/strict'
import nock from 'nock'
import {getAlert, listAlertLogs, listAlerts} from '../../src/api/alerts.js'
import {createAnnotation, deleteAnnotation, listAnnotations} from '../../src/api/annotations.js'
import {ApiClient} from '../../src/api/client.js'
import {InvalidResponseError} from '../../src/api/errors.js'
import {getHost, getMetricNames, listHosts} from '../../src/api/hosts.js'
import {getMonitor, listMonitors} from '../../src/api/monitors.js'
import {getOrg} from '../../src/api/org.js'

const BASE = 'https://api.example.test'
const KEY = 'secret-key-123'
const client = () => new ApiClient({apiBase: BASE, apiKey: KEY, random: () => 0, sleep: async () => {}})

const host = (i: number, extra: Record<string, unknown> = {}) => ({
  id: `h${i}`,
  name: `web${i}`,
  status: 'working',
  memo: '',
  roles: {demo: ['web']},
  isRetired: false,
  createdAt: 1700000000,
  interfaces: [{name: 'eth0', ipAddress: '10.0.0.1', ipv4Addresses: ['10.0.0.1']}],
  ...extra,
})
const alert = (i: number, extra: Record<string, unknown> = {}) => ({
  id: `al${i}`,
  status: 'CRITICAL',
  monitorId: 'm1',
  type: 'host',
  hostId: 'h1',
  value: 95,
  openedAt: 1700000000,
  ...extra,
})
const log = (i: number, extra: Record<string, unknown> = {}) => ({
  id: `lg${i}`,
  createdAt: 1700000000,
  status: 'CRITICAL',
  trigger: 'monitoring',
  monitorId: 'm1',
  targetValue: 95,
  ...extra,
})
const annotation = (i: number, extra: Record<string, unknown> = {}) => ({
  id: `an${i}`,
  title: 'deploy',
  from: 1714500000,
  to: 1714500600,
  service: 'web',
  roles: ['app'],
  ...extra,
})
const monitor = (i: number, extra: Record<string, unknown> = {}) => ({id: `m${i}`, type: 'host', name: `cpu${i}`, ...extra})

interface Case {
  name: string
  path: string
  body: unknown
  call: (c: ApiClient) => Promise<unknown>
  /** the InvalidResponseError message */
  message: string
}

const hosts = [host(0), host(1), host(2)]
const cases: Case[] = [
  // hosts
  {name: 'hosts: a null body', path: '/api/v0/hosts', body: null, call: (c) => listHosts(c), message: 'GET /api/v0/hosts failed: invalid response: the body is null, expected an object'},
  {name: 'hosts: an array body', path: '/api/v0/hosts', body: [], call: (c) => listHosts(c), message: 'GET /api/v0/hosts failed: invalid response: the body is an array, expected an object'},
  {name: 'hosts: no hosts array', path: '/api/v0/hosts', body: {items: []}, call: (c) => listHosts(c), message: 'GET /api/v0/hosts failed: invalid response: hosts is missing, expected an array'},
  {name: 'hosts: [null]', path: '/api/v0/hosts', body: {hosts: [null]}, call: (c) => listHosts(c), message: 'GET /api/v0/hosts failed: invalid response: hosts[0] is null, expected an object'},
  {
    name: 'hosts: isRetired "false" (would print as retired)',
    path: '/api/v0/hosts',
    body: {hosts: [...hosts, host(3, {isRetired: 'false'})]},
    call: (c) => listHosts(c),
    message: 'GET /api/v0/hosts failed: invalid response: hosts[3].isRetired is a string, expected a boolean',
  },
  {
    name: 'hosts: createdAt a string (would print as NaN)',
    path: '/api/v0/hosts',
    body: {hosts: [host(0, {createdAt: '2024-01-01T00:00:00Z'})]},
    call: (c) => listHosts(c),
    message: 'GET /api/v0/hosts failed: invalid response: hosts[0].createdAt is a string, expected a number',
  },
  {name: 'hosts: no id', path: '/api/v0/hosts', body: {hosts: [host(0, {id: undefined})]}, call: (c) => listHosts(c), message: 'GET /api/v0/hosts failed: invalid response: hosts[0].id is missing, expected a string'},
  {name: 'hosts: an empty id', path: '/api/v0/hosts', body: {hosts: [host(0, {id: ''})]}, call: (c) => listHosts(c), message: 'GET /api/v0/hosts failed: invalid response: hosts[0].id is an empty string, expected an id'},
  {name: 'hosts: name a number', path: '/api/v0/hosts', body: {hosts: [host(0, {name: 7})]}, call: (c) => listHosts(c), message: 'GET /api/v0/hosts failed: invalid response: hosts[0].name is a number, expected a string'},
  {name: 'hosts: status null', path: '/api/v0/hosts', body: {hosts: [host(0, {status: null})]}, call: (c) => listHosts(c), message: 'GET /api/v0/hosts failed: invalid response: hosts[0].status is null, expected a string'},
  {name: 'hosts: roles an array', path: '/api/v0/hosts', body: {hosts: [host(0, {roles: ['web']})]}, call: (c) => listHosts(c), message: 'GET /api/v0/hosts failed: invalid response: hosts[0].roles is an array, expected an object'},
  {
    name: 'hosts: a role list that is a string (service name with a control character, escaped)',
    path: '/api/v0/hosts',
    body: {hosts: [host(0, {roles: {'de\u001bmo': 'web'}})]},
    call: (c) => listHosts(c),
    message: 'GET /api/v0/hosts failed: invalid response: hosts[0].roles["de\\u001bmo"] is a string, expected an array',
  },
  {
    name: 'hosts: a role name that is a number',
    path: '/api/v0/hosts',
    body: {hosts: [host(0, {roles: {demo: ['web', 3]}})]},
    call: (c) => listHosts(c),
    message: 'GET /api/v0/hosts failed: invalid response: hosts[0].roles.demo[1] is a number, expected a string',
  },
  {name: 'hosts: memo a number', path: '/api/v0/hosts', body: {hosts: [host(0, {memo: 1})]}, call: (c) => listHosts(c), message: 'GET /api/v0/hosts failed: invalid response: hosts[0].memo is a number, expected a string'},
  {name: 'hosts: retiredAt a string', path: '/api/v0/hosts', body: {hosts: [host(0, {retiredAt: 'yesterday'})]}, call: (c) => listHosts(c), message: 'GET /api/v0/hosts failed: invalid response: hosts[0].retiredAt is a string, expected a number'},
  {name: 'hosts: displayName a boolean', path: '/api/v0/hosts', body: {hosts: [host(0, {displayName: true})]}, call: (c) => listHosts(c), message: 'GET /api/v0/hosts failed: invalid response: hosts[0].displayName is a boolean, expected a string'},
  {
    name: 'hosts: an interface without a name',
    path: '/api/v0/hosts',
    body: {hosts: [host(0, {interfaces: [{ipAddress: '10.0.0.1'}]})]},
    call: (c) => listHosts(c),
    message: 'GET /api/v0/hosts failed: invalid response: hosts[0].interfaces[0].name is missing, expected a string',
  },
  {
    name: 'hosts: ipv4Addresses a string',
    path: '/api/v0/hosts',
    body: {hosts: [host(0, {interfaces: [{name: 'eth0', ipv4Addresses: '10.0.0.1'}]})]},
    call: (c) => listHosts(c),
    message: 'GET /api/v0/hosts failed: invalid response: hosts[0].interfaces[0].ipv4Addresses is a string, expected an array',
  },
  {name: 'host: null', path: '/api/v0/hosts/h1', body: null, call: (c) => getHost(c, 'h1'), message: 'GET /api/v0/hosts/h1 failed: invalid response: the body is null, expected an object'},
  {name: 'host: no host', path: '/api/v0/hosts/h1', body: {}, call: (c) => getHost(c, 'h1'), message: 'GET /api/v0/hosts/h1 failed: invalid response: host is missing, expected an object'},
  {
    name: 'host: isRetired "true"',
    path: '/api/v0/hosts/h1',
    body: {host: host(1, {isRetired: 'true'})},
    call: (c) => getHost(c, 'h1'),
    message: 'GET /api/v0/hosts/h1 failed: invalid response: host.isRetired is a string, expected a boolean',
  },
  {name: 'metric names: [null]', path: '/api/v0/hosts/h1/metric-names', body: {names: ['cpu', null]}, call: (c) => getMetricNames(c, 'h1'), message: 'GET /api/v0/hosts/h1/metric-names failed: invalid response: names[1] is null, expected a string'},
  // alerts
  {name: 'alerts: [null]', path: '/api/v0/alerts', body: {alerts: [null]}, call: (c) => listAlerts(c, {pageDelayMs: 0}), message: 'GET /api/v0/alerts failed: invalid response: alerts[0] is null, expected an object'},
  {
    name: 'alerts: openedAt a string',
    path: '/api/v0/alerts',
    body: {alerts: [alert(0), alert(1, {openedAt: '1700000000'})]},
    call: (c) => listAlerts(c, {pageDelayMs: 0}),
    message: 'GET /api/v0/alerts failed: invalid response: alerts[1].openedAt is a string, expected a number',
  },
  {name: 'alerts: value a string', path: '/api/v0/alerts', body: {alerts: [alert(0, {value: '95'})]}, call: (c) => listAlerts(c, {pageDelayMs: 0}), message: 'GET /api/v0/alerts failed: invalid response: alerts[0].value is a string, expected a number'},
  {name: 'alerts: status missing', path: '/api/v0/alerts', body: {alerts: [alert(0, {status: undefined})]}, call: (c) => listAlerts(c, {pageDelayMs: 0}), message: 'GET /api/v0/alerts failed: invalid response: alerts[0].status is missing, expected a string'},
  {name: 'alert: null', path: '/api/v0/alerts/al1', body: null, call: (c) => getAlert(c, 'al1'), message: 'GET /api/v0/alerts/al1 failed: invalid response: the body is null, expected an object'},
  {name: 'alert: memo a number', path: '/api/v0/alerts/al1', body: alert(1, {memo: 5}), call: (c) => getAlert(c, 'al1'), message: 'GET /api/v0/alerts/al1 failed: invalid response: memo is a number, expected a string'},
  {name: 'alert logs: createdAt a string', path: '/api/v0/alerts/al1/logs', body: {logs: [log(0, {createdAt: 'now'})]}, call: (c) => listAlertLogs(c, 'al1'), message: 'GET /api/v0/alerts/al1/logs failed: invalid response: logs[0].createdAt is a string, expected a number'},
  {name: 'alert logs: trigger missing', path: '/api/v0/alerts/al1/logs', body: {logs: [log(0, {trigger: undefined})]}, call: (c) => listAlertLogs(c, 'al1'), message: 'GET /api/v0/alerts/al1/logs failed: invalid response: logs[0].trigger is missing, expected a string'},
  // annotations
  {name: 'annotations: [null]', path: '/api/v0/graph-annotations', body: {graphAnnotations: [null]}, call: (c) => listAnnotations(c, {service: 'web', from: 1, to: 2}), message: 'GET /api/v0/graph-annotations failed: invalid response: graphAnnotations[0] is null, expected an object'},
  {
    name: 'annotations: from a string',
    path: '/api/v0/graph-annotations',
    body: {graphAnnotations: [annotation(0, {from: '1714500000'})]},
    call: (c) => listAnnotations(c, {service: 'web', from: 1, to: 2}),
    message: 'GET /api/v0/graph-annotations failed: invalid response: graphAnnotations[0].from is a string, expected a number',
  },
  {
    name: 'annotations: roles a string',
    path: '/api/v0/graph-annotations',
    body: {graphAnnotations: [annotation(0, {roles: 'app'})]},
    call: (c) => listAnnotations(c, {service: 'web', from: 1, to: 2}),
    message: 'GET /api/v0/graph-annotations failed: invalid response: graphAnnotations[0].roles is a string, expected an array',
  },
  {
    name: 'annotations: title missing',
    path: '/api/v0/graph-annotations',
    body: {graphAnnotations: [annotation(0, {title: undefined})]},
    call: (c) => listAnnotations(c, {service: 'web', from: 1, to: 2}),
    message: 'GET /api/v0/graph-annotations failed: invalid response: graphAnnotations[0].title is missing, expected a string',
  },
  // monitors
  {name: 'monitors: null', path: '/api/v0/monitors', body: null, call: (c) => listMonitors(c), message: 'GET /api/v0/monitors failed: invalid response: the body is null, expected an object'},
  {name: 'monitors: [null]', path: '/api/v0/monitors', body: {monitors: [null]}, call: (c) => listMonitors(c), message: 'GET /api/v0/monitors failed: invalid response: monitors[0] is null, expected an object'},
  {name: 'monitors: id a number', path: '/api/v0/monitors', body: {monitors: [monitor(0), monitor(1, {id: 12})]}, call: (c) => listMonitors(c), message: 'GET /api/v0/monitors failed: invalid response: monitors[1].id is a number, expected a string'},
  {name: 'monitors: type missing', path: '/api/v0/monitors', body: {monitors: [monitor(0, {type: undefined})]}, call: (c) => listMonitors(c), message: 'GET /api/v0/monitors failed: invalid response: monitors[0].type is missing, expected a string'},
  {name: 'monitors: name an object', path: '/api/v0/monitors', body: {monitors: [monitor(0, {name: {}})]}, call: (c) => listMonitors(c), message: 'GET /api/v0/monitors failed: invalid response: monitors[0].name is an object, expected a string'},
  {name: 'monitor: no monitor', path: '/api/v0/monitors/m1', body: {monitors: []}, call: (c) => getMonitor(c, 'm1'), message: 'GET /api/v0/monitors/m1 failed: invalid response: monitor is missing, expected an object'},
  // org
  {name: 'org: null', path: '/api/v0/org', body: null, call: (c) => getOrg(c), message: 'GET /api/v0/org failed: invalid response: the body is null, expected an object'},
  {name: 'org: name a number', path: '/api/v0/org', body: {name: 1}, call: (c) => getOrg(c), message: 'GET /api/v0/org failed: invalid response: name is a number, expected a string'},
  {name: 'org: displayName an array', path: '/api/v0/org', body: {name: 'acme', displayName: []}, call: (c) => getOrg(c), message: 'GET /api/v0/org failed: invalid response: displayName is an array, expected a string'},
]

interface PassCase {
  name: string
  path: string
  body: unknown
  call: (c: ApiClient) => Promise<unknown>
  expected: unknown
}

const futureHost = host(0, {displayName: null, retiredAt: null, memo: null, size: 'standard', meta: {agent: 'x'}, futureField: [1, {a: null}]})
const futureMonitor = {id: 'm1', type: 'query', name: 'q', query: 'x', legend: '', futureField: {nested: [true, null, 1.5]}, isMute: 'maybe'}
const passes: PassCase[] = [
  {name: 'hosts: unknown fields and null optional fields pass untouched', path: '/api/v0/hosts', body: {hosts: [futureHost]}, call: (c) => listHosts(c), expected: [futureHost]},
  {name: 'hosts: an empty list', path: '/api/v0/hosts', body: {hosts: []}, call: (c) => listHosts(c), expected: []},
  {name: 'host: minimal (no roles, no interfaces)', path: '/api/v0/hosts/h1', body: {host: {id: 'h1', name: 'a', status: 'standby', isRetired: true, createdAt: 1, retiredAt: 2}}, call: (c) => getHost(c, 'h1'), expected: {id: 'h1', name: 'a', status: 'standby', isRetired: true, createdAt: 1, retiredAt: 2}},
  {name: 'monitors: every field kept, unknown types of unknown fields too', path: '/api/v0/monitors', body: {monitors: [futureMonitor]}, call: (c) => listMonitors(c), expected: [futureMonitor]},
  {name: 'monitors: a monitor without a name', path: '/api/v0/monitors/m1', body: {monitor: {id: 'm1', type: 'connectivity'}}, call: (c) => getMonitor(c, 'm1'), expected: {id: 'm1', type: 'connectivity'}},
  {name: 'alerts: a query alert keeps its series', path: '/api/v0/alerts', body: {alerts: [alert(0, {type: 'query', hostId: undefined, series: {name: 's', labels: {a: 'b'}}})]}, call: (c) => listAlerts(c, {pageDelayMs: 0}), expected: [alert(0, {type: 'query', hostId: undefined, series: {name: 's', labels: {a: 'b'}}})]},
  {name: 'alert logs: null monitorId and targetValue', path: '/api/v0/alerts/al1/logs', body: {logs: [log(0, {monitorId: null, targetValue: null, statusDetail: null})]}, call: (c) => listAlertLogs(c, 'al1'), expected: [log(0, {monitorId: null, targetValue: null, statusDetail: null})]},
  {name: 'annotations: without roles and description', path: '/api/v0/graph-annotations', body: {graphAnnotations: [annotation(0, {roles: undefined})]}, call: (c) => listAnnotations(c, {service: 'web', from: 1, to: 2}), expected: [annotation(0, {roles: undefined})]},
  {name: 'org: displayName null', path: '/api/v0/org', body: {name: 'acme', displayName: null}, call: (c) => getOrg(c), expected: {name: 'acme', displayName: null}},
]

describe('API response shapes', () => {
  before(() => nock.disableNetConnect())
  after(() => nock.enableNetConnect())
  afterEach(() => nock.cleanAll())

  for (const t of cases)
    it(`rejects ${t.name}`, async () => {
      nock(BASE).get(t.path).query(true).reply(200, JSON.stringify(t.body))
      await assert.rejects(t.call(client()), (e: Error) => {
        assert.ok(e instanceof InvalidResponseError, `${e.constructor.name}: ${e.message}`)
        assert.equal(e.message, t.message)
        return true
      })
    })

  for (const t of passes)
    it(`accepts ${t.name}`, async () => {
      nock(BASE).get(t.path).query(true).reply(200, JSON.stringify(t.body))
      // (the expected literals use `undefined` for "absent": compare as JSON)
      assert.deepEqual(await t.call(client()), JSON.parse(JSON.stringify(t.expected)))
    })

  it('a field name holding the API key (a server echoing it as a roles key) is masked', async () => {
    nock(BASE).get('/api/v0/hosts').reply(200, {hosts: [host(0, {roles: {[KEY]: 'web'}})]})
    await assert.rejects(
      listHosts(client()),
      (e: Error) => e.message === 'GET /api/v0/hosts failed: invalid response: hosts[0].roles.[API key hidden] is a string, expected an array',
    )
  })

  it('the index of a bad alert counts across pages', async () => {
    nock(BASE).get('/api/v0/alerts').query({limit: 100}).reply(200, {alerts: [alert(0), alert(1)], nextId: 'al1'})
    nock(BASE).get('/api/v0/alerts').query({limit: 100, nextId: 'al1'}).reply(200, {alerts: [alert(2, {openedAt: null})]})
    await assert.rejects(
      listAlerts(client(), {pageDelayMs: 0}),
      (e: Error) => e.message === 'GET /api/v0/alerts failed: invalid response: alerts[2].openedAt is null, expected a number',
    )
  })

  describe('a change that succeeded is not turned into a failure by an odd body', () => {
    it('create annotation answering null: what was sent stands in', async () => {
      const a = {title: 'deploy', from: 1, to: 2, service: 'web'}
      nock(BASE).post('/api/v0/graph-annotations').reply(200, 'null')
      assert.deepEqual(await createAnnotation(client(), a), a)
    })

    it('delete annotation answering []: the id stands in', async () => {
      nock(BASE).delete('/api/v0/graph-annotations/an1').reply(200, '[]')
      assert.deepEqual(await deleteAnnotation(client(), 'an1'), {id: 'an1'})
    })
  })
})
