import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Alert} from '../../src/api/alerts.js'
import type {Host} from '../../src/api/hosts.js'
import {parseRunbook} from '../../src/runbook/config.js'
import {alertUrl, ruleMatches, stepEnv, type AlertContext} from '../../src/runbook/handle.js'
import {RunbookState} from '../../src/runbook/state.js'

const host = (over: Partial<Host> = {}): Host => ({
  id: 'h1',
  name: 'web01',
  status: 'working',
  isRetired: false,
  createdAt: 0,
  roles: {shop: ['web', 'app'], ops: ['agent']},
  interfaces: [{name: 'eth0', ipAddress: '10.0.0.1', ipv4Addresses: ['10.0.0.1', '10.0.0.2']}],
  ...over,
})
const alert = (over: Partial<Alert> = {}): Alert => ({id: 'a1', status: 'CRITICAL', monitorId: 'm1', type: 'host', hostId: 'h1', openedAt: 1700000000, value: 91.5, ...over})
const ctx = (a: Partial<Alert> = {}, h: Host | null = host(), monitorName = 'cpu %'): AlertContext => ({
  alert: alert(a),
  monitor: {id: 'm1', name: monitorName, type: 'host'},
  host: h ?? undefined,
  url: 'https://mackerel.io/orgs/o/alerts/a1',
})
const rule = (body: string) => parseRunbook(`[[rule]]\nname = "r"\n${body}\n`, 'rb.toml').rules[0]

describe('runbook rule matching', () => {
  it('status: the default is CRITICAL, WARNING and UNKNOWN (never OK)', () => {
    assert.ok(ruleMatches(rule(''), ctx({status: 'WARNING'})))
    assert.ok(!ruleMatches(rule(''), ctx({status: 'OK'})))
    assert.ok(!ruleMatches(rule('status = ["CRITICAL"]'), ctx({status: 'WARNING'})))
  })
  it('monitors: a glob of the name or the id', () => {
    assert.ok(ruleMatches(rule('monitors = ["cpu*"]'), ctx()))
    assert.ok(ruleMatches(rule('monitors = ["m1"]'), ctx({}, host(), 'other')))
    assert.ok(!ruleMatches(rule('monitors = ["disk*"]'), ctx()))
  })
  it('services, roles, hosts and host_status look at the alert\'s host', () => {
    assert.ok(ruleMatches(rule('services = ["ops"]'), ctx()))
    assert.ok(!ruleMatches(rule('services = ["db"]'), ctx()))
    assert.ok(ruleMatches(rule('roles = ["shop:app"]'), ctx()))
    assert.ok(!ruleMatches(rule('roles = ["shop:db"]'), ctx()))
    assert.ok(ruleMatches(rule('hosts = ["web0?"]'), ctx()))
    assert.ok(!ruleMatches(rule('hosts = ["db*"]'), ctx()))
    assert.ok(ruleMatches(rule('host_status = ["working"]'), ctx()))
    assert.ok(!ruleMatches(rule('host_status = ["standby"]'), ctx()))
    assert.ok(ruleMatches(rule('services = ["shop"]\nroles = ["shop:web"]\nhosts = ["web*"]\nhost_status = ["working"]'), ctx()), 'all conditions together')
  })
  it('an alert without a host (service metric, external) never matches a rule with host conditions', () => {
    assert.ok(!ruleMatches(rule('services = ["shop"]'), ctx({hostId: undefined}, null)))
    assert.ok(ruleMatches(rule('monitors = ["cpu*"]'), ctx({hostId: undefined}, null)))
  })
  it('the environment of commands: the context, the API settings, no NUL bytes from server text', () => {
    const env = stepEnv(rule(''), ctx({}, host({name: 'we\0b01'})), {api: {apiBase: 'https://api.mackerelio.com/', apiKey: 'k'}, env: {PATH: '/bin'}})
    assert.equal(env.MKR_HOST_NAME, 'web01')
    assert.equal(env.MKR_HOST_ROLES, 'shop:web,shop:app,ops:agent')
    assert.equal(env.MKR_HOST_IPS, '10.0.0.1,10.0.0.2')
    assert.equal(env.MKR_ALERT_VALUE, '91.5')
    assert.equal(env.MKR_ALERT_OPENED_AT, '1700000000')
    assert.equal(env.MKR_MONITOR_NAME, 'cpu %')
    assert.equal(env.MACKEREL_APIKEY, 'k')
    assert.equal(env.PATH, '/bin')
  })
  it('alert URLs: mackerel.io for the public API, the API origin otherwise', () => {
    assert.equal(alertUrl('https://api.mackerelio.com/', 'acme', 'a1'), 'https://mackerel.io/orgs/acme/alerts/a1')
    assert.equal(alertUrl('http://127.0.0.1:4000', 'sandbox', 'a1'), 'http://127.0.0.1:4000/orgs/sandbox/alerts/a1')
  })
})

describe('runbook state', () => {
  let dir: string
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mkr-rbstate-'))))
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  it('an alert locked by a live process cannot be taken by another; released, it can', () => {
    const s = new RunbookState(dir)
    const lock = s.lockAlert('a1')!
    assert.ok(lock)
    assert.equal(new RunbookState(dir).lockAlert('a1'), undefined, 'held (by this live process)')
    lock.release()
    assert.ok(new RunbookState(dir).lockAlert('a1'))
  })
  it('max_per_hour counts runs over a rolling hour, across alerts', async () => {
    const s = new RunbookState(dir)
    const t0 = 1_700_000_000_000
    assert.deepEqual(await s.reserveRemedy('r', 'fix', 2, t0), {ok: true, n: 1})
    assert.deepEqual(await s.reserveRemedy('r', 'fix', 2, t0 + 1000), {ok: true, n: 2})
    assert.deepEqual(await s.reserveRemedy('r', 'fix', 2, t0 + 2000), {ok: false, used: 2})
    assert.deepEqual(await s.reserveRemedy('r', 'other', 2, t0 + 2000), {ok: true, n: 1}, 'per remedy')
    assert.deepEqual(await s.reserveRemedy('r', 'fix', 2, t0 + 3_600_001), {ok: true, n: 2}, 'the first run left the hour')
  })
  it('a damaged state file counts as empty instead of stopping the runbook', () => {
    const s = new RunbookState(dir)
    s.saveAlert({id: 'a1', rules: {}})
    writeFileSync(join(dir, 'alerts', 'a1.json'), '{not json')
    assert.equal(s.alert('a1'), undefined)
  })
  it('an alert id that is not plain cannot name a path outside the state', () => {
    const s = new RunbookState(dir)
    s.saveAlert({id: '../../etc/x', rules: {}})
    assert.equal(s.alert('../../etc/x')!.id, '../../etc/x')
    assert.deepEqual(s.allAlerts().map((a) => a.id), ['../../etc/x'])
  })
})
