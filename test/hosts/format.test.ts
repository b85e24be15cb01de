import assert from 'node:assert/strict'
import type {Host} from '../../src/api/hosts.js'
import {hostTableRows, reduceHost} from '../../src/hosts/format.js'
import {palette} from '../../src/output/color.js'
import {isoLocal, relativeTime} from '../../src/output/time.js'
import {withTZ} from '../helpers/tz.js'

const host: Host = {
  id: '2eQGDXqtoXs',
  name: 'web01',
  displayName: 'Web 1',
  status: 'working',
  memo: 'ignored',
  roles: {demo: ['web', 'db'], batch: ['worker']},
  isRetired: false,
  createdAt: 1700000000,
  meta: {'agent-version': '0.80.0'},
  interfaces: [
    {name: 'eth0', ipAddress: '10.0.0.5', macAddress: '00:11'},
    {name: 'eth1', ipv4Addresses: ['192.168.0.9', '192.168.0.10']},
    {name: 'lo6', ipv6Addresses: ['::1']},
  ],
}

describe('host formatting', () => {
  it('isoLocal prints Go layout with a numeric offset, never Z', () => {
    assert.equal(withTZ('UTC', () => isoLocal(1700000000)), '2023-11-14T22:13:20+00:00')
    assert.equal(withTZ('Asia/Tokyo', () => isoLocal(1700000000)), '2023-11-15T07:13:20+09:00')
    assert.equal(withTZ('America/St_Johns', () => isoLocal(1700000000)), '2023-11-14T18:43:20-03:30')
  })

  it('reduceHost gives mkr\'s shape, field order and omissions', () => {
    const r = withTZ('UTC', () => reduceHost(host))
    assert.deepEqual(Object.keys(r), ['id', 'name', 'displayName', 'status', 'roleFullnames', 'isRetired', 'createdAt', 'ipAddresses'])
    assert.deepEqual(r, {
      id: '2eQGDXqtoXs',
      name: 'web01',
      displayName: 'Web 1',
      status: 'working',
      roleFullnames: ['demo:web', 'demo:db', 'batch:worker'],
      isRetired: false,
      createdAt: '2023-11-14T22:13:20+00:00',
      ipAddresses: {eth0: '10.0.0.5', eth1: '192.168.0.9'},
    })
  })

  it('omits displayName, roleFullnames and ipAddresses when empty, keeps isRetired', () => {
    const r = withTZ('UTC', () => reduceHost({id: 'x', name: 'n', status: 'standby', isRetired: false, createdAt: 0, roles: {}, interfaces: []}))
    assert.deepEqual(r, {id: 'x', name: 'n', status: 'standby', isRetired: false, createdAt: '1970-01-01T00:00:00+00:00'})
  })

  it('table rows: name (display name), id, status, roles, IPs, relative created', async () => {
    const rows = hostTableRows([host], await palette(false), 1700000000_000 + 3 * 3600_000)
    assert.deepEqual(rows[0], ['web01 (Web 1)', '2eQGDXqtoXs', 'working', 'demo:web, demo:db, batch:worker', '10.0.0.5, 192.168.0.9', '3 hours ago'])
    const colored = hostTableRows([host], await palette(true))
    assert.equal(colored[0][2], '\u001b[34mworking\u001b[39m')
  })

  it('relativeTime', () => {
    const now = 1_000_000_000_000
    assert.equal(relativeTime(now / 1000 - 10, now), 'just now')
    assert.equal(relativeTime(now / 1000 - 60, now), '1 minute ago')
    assert.equal(relativeTime(now / 1000 - 86400 * 2, now), '2 days ago')
    assert.equal(relativeTime(now / 1000 + 7200, now), 'in 2 hours')
  })
})
