// The life of a mackerel-agent against the sandbox, with the requests the agent sends (bodies written
// from its documented shapes: Go nil slices arrive as null, empty strings are sent): register, update
// the host spec, post metrics every minute of sandbox time, post check reports, create graph
// definitions, store metadata, and retire with a JSON null body.
import assert from 'node:assert/strict'
import {call, NOW_S, sandbox} from './helpers.js'

describe('sandbox: a mackerel-agent life cycle', () => {
  it('register, host spec updates, metrics, check reports, graph defs, metadata, retire', async () => {
    const sb = await sandbox({seed: false})
    try {
      const spec = {
        name: 'app01',
        displayName: '',
        customIdentifier: '',
        meta: {'agent-name': 'mackerel-agent/0.85.0 (Revision abc1234)', 'agent-version': '0.85.0', 'agent-revision': 'abc1234', cpu: [{model_name: 'x'}], memory: {total: '4000000kB'}},
        interfaces: [{name: 'eth0', ipAddress: '10.0.0.7', ipv4Addresses: ['10.0.0.7'], ipv6Addresses: null, macAddress: '06:00:00:00:00:01'}],
        roleFullnames: null,
        checks: [{name: 'check-nginx', memo: ''}],
      }
      // register
      let r = await call(sb, 'POST', '/api/v0/hosts', spec)
      assert.equal(r.status, 200, r.text)
      const id = r.body.id as string
      assert.match(id, /^\w+$/)
      // the agent re-sends its spec (PUT) at start and when it changes
      r = await call(sb, 'PUT', `/api/v0/hosts/${id}`, {...spec, roleFullnames: ['shop:app']})
      assert.equal(r.status, 200, r.text)
      r = await call(sb, 'GET', `/api/v0/hosts/${id}`)
      assert.deepEqual(r.body.host.roles, {shop: ['app']})
      assert.equal(r.body.host.interfaces[0].ipAddress, '10.0.0.7')

      // five minutes of metrics, one post a minute, as the agent sends them
      for (let m = 0; m < 5; m++) {
        sb.clock.ms = (NOW_S + m * 60) * 1000
        const time = NOW_S + m * 60
        r = await call(sb, 'POST', '/api/v0/tsdb', [
          {hostId: id, name: 'loadavg5', time, value: 0.5 + m / 10},
          {hostId: id, name: 'memory.used', time, value: 1.5e9},
          {hostId: id, name: 'custom.nginx.requests', time, value: 100 * m},
        ])
        assert.equal(r.status, 200, r.text)
        assert.deepEqual(r.body, {success: true})
      }
      r = await call(sb, 'GET', `/api/v0/hosts/${id}/metrics?name=loadavg5&from=${NOW_S}&to=${NOW_S + 300}`)
      assert.deepEqual(
        r.body.metrics.map((p: {value: number}) => p.value),
        [0.5, 0.6, 0.7, 0.8, 0.9],
      )
      r = await call(sb, 'GET', `/api/v0/tsdb/latest?hostId=${id}&name=memory.used`)
      assert.equal(r.body.tsdbLatest[id]['memory.used'].value, 1.5e9)

      // check reports: a failure opens an alert, the recovery closes it
      const report = (status: string, occurredAt: number) => ({
        reports: [{source: {type: 'host', hostId: id}, name: 'check-nginx', status, message: `nginx ${status}`, occurredAt, notificationInterval: null, maxCheckAttempts: null}],
      })
      r = await call(sb, 'POST', '/api/v0/monitoring/checks/report', report('CRITICAL', NOW_S + 240))
      assert.equal(r.status, 200, r.text)
      const open = [...sb.store.alerts.values()].filter((a) => a.hostId === id && a.status === 'CRITICAL')
      assert.equal(open.length, 1)
      r = await call(sb, 'POST', '/api/v0/monitoring/checks/report', report('OK', NOW_S + 250))
      assert.equal(r.status, 200, r.text)
      assert.equal(sb.store.alerts.get(open[0].id)!.status, 'OK')

      // graph definitions for the custom metrics (the agent's plugin meta), then metadata
      r = await call(sb, 'POST', '/api/v0/graph-defs/create', [
        {name: 'custom.nginx', displayName: 'Nginx', unit: 'integer', metrics: [{name: 'custom.nginx.requests', displayName: 'Requests', isStacked: false}]},
      ])
      assert.equal(r.status, 200, r.text)
      r = await call(sb, 'PUT', `/api/v0/hosts/${id}/metadata/agent-plugin`, {version: '1.2.3', extra: null})
      assert.equal(r.status, 200, r.text)
      r = await call(sb, 'GET', `/api/v0/hosts/${id}/metadata`)
      assert.deepEqual(r.body.metadata, [{namespace: 'agent-plugin'}])

      // retire, with the body the Go client sends: JSON null
      r = await call(sb, 'POST', `/api/v0/hosts/${id}/retire`, 'null')
      assert.equal(r.status, 200, r.text)
      r = await call(sb, 'GET', `/api/v0/hosts/${id}`)
      assert.equal(r.body.host.isRetired, true)
      // a retired host's metrics are refused, as the API documents
      r = await call(sb, 'POST', '/api/v0/tsdb', [{hostId: id, name: 'loadavg5', time: NOW_S + 300, value: 1}])
      assert.notEqual(r.status, 200)
    } finally {
      await sb.close()
    }
  })
})
