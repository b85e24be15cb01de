import assert from 'node:assert/strict'
import {call, errorOf, NOW_S, receiver, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: notification channels and groups', () => {
  let sb: SB
  beforeEach(async () => {
    sb = await sandbox()
  })
  afterEach(() => sb.close())

  it('lists the seeded channels with their type-specific fields and suspendedAt null', async () => {
    const r = await call(sb, 'GET', '/api/v0/channels')
    assert.equal(r.status, 200)
    const email = r.body.channels.find((c: any) => c.type === 'email')
    assert.deepEqual(Object.keys(email).sort(), ['emails', 'events', 'id', 'name', 'suspendedAt', 'type', 'userIds'])
    assert.equal(email.suspendedAt, null)
  })

  it('creates a webhook channel (the Go client body, with mentions {} and no addToDefault), reads, updates and deletes it', async () => {
    const created = await call(sb, 'POST', '/api/v0/channels', {
      name: 'runbook',
      type: 'webhook',
      mentions: {},
      url: 'https://hooks.example.com/mackerel?token=abc',
      events: ['alert', 'alertGroup'],
    })
    assert.equal(created.status, 200)
    const {id, ...rest} = created.body
    assert.match(id, /^[0-9A-Za-z]{11}$/)
    assert.deepEqual(rest, {name: 'runbook', type: 'webhook', suspendedAt: null, url: 'https://hooks.example.com/mackerel?token=abc', enabledGraphImage: false, events: ['alert', 'alertGroup']})
    assert.ok((await call(sb, 'GET', '/api/v0/channels')).body.channels.some((c: any) => c.id === id))

    const put = await call(sb, 'PUT', `/api/v0/channels/${id}`, {name: 'runbook2', type: 'webhook', url: 'http://127.0.0.1:9/x', events: ['alert']})
    assert.equal(put.body.name, 'runbook2')
    assert.deepEqual(put.body.events, ['alert'])
    assert.equal((await call(sb, 'PUT', `/api/v0/channels/${id}`, {name: 'x', type: 'slack', url: 'https://a.example/'})).status, 400)
    assert.equal((await call(sb, 'PUT', `/api/v0/channels/${id}`, {name: 'x', url: 'https://a.example/', addToDefaultNotificationGroup: true})).status, 400)

    const del = await call(sb, 'DELETE', `/api/v0/channels/${id}`)
    assert.equal(del.body.name, 'runbook2')
    assert.deepEqual(await call(sb, 'DELETE', `/api/v0/channels/${id}`).then((r) => [r.status, r.body]), [404, errorOf(`Channel not found: ${id}`)])
  })

  it('creates slack and email channels; addToDefaultNotificationGroup adds it to the default group', async () => {
    const slack = await call(sb, 'POST', '/api/v0/channels', {
      name: 'ops',
      type: 'slack',
      url: 'https://hooks.slack.com/services/T/B/X',
      mentions: {ok: 'ok!', critical: '@here'},
      enabledGraphImage: true,
      events: ['alert'],
      addToDefaultNotificationGroup: true,
    })
    assert.deepEqual(slack.body.mentions, {ok: 'ok!', critical: '@here'})
    assert.equal(slack.body.enabledGraphImage, true)
    const groups = (await call(sb, 'GET', '/api/v0/notification-groups')).body.notificationGroups
    const def = groups.find((g: any) => g.type === 'group-default')
    assert.ok(def.childChannelIds.includes(slack.body.id))

    const users = (await call(sb, 'GET', '/api/v0/users')).body.users
    const email = await call(sb, 'POST', '/api/v0/channels', {name: 'mail', type: 'email', emails: ['a@example.com'], userIds: [users[0].id], events: ['alert', 'hostRetire']})
    assert.equal(email.status, 200)
    assert.deepEqual(email.body.emails, ['a@example.com'])
    // deleting the channel removes it from the groups
    await call(sb, 'DELETE', `/api/v0/channels/${slack.body.id}`)
    const def2 = (await call(sb, 'GET', '/api/v0/notification-groups')).body.notificationGroups.find((g: any) => g.type === 'group-default')
    assert.ok(!def2.childChannelIds.includes(slack.body.id))
  })

  it('rejects invalid channels with 400 and a message naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{type: 'webhook', url: 'https://a.example/', events: []}, /name is required/],
      [{name: 'x', type: 'webhook', url: 'ftp://a.example/', events: []}, /url must be an http or https URL/],
      [{name: 'x', type: 'webhook', url: 'not a url', events: []}, /url is not a valid URL/],
      [{name: 'x', type: 'webhook', events: []}, /url is required/],
      [{name: 'x', type: 'webhook', url: 'https://a.example/', events: ['alerts']}, /unknown event "alerts"/],
      [{name: 'x', type: 'line', url: 'https://a.example/'}, /type must be one of/],
      [{name: 'x', type: 'chatwork'}, /only email, slack and webhook/],
      [{name: 'x', type: 'email', emails: ['nope'], events: []}, /not a valid email address/],
      [{name: 'x', type: 'email', userIds: ['nobody'], events: []}, /user not found/],
      [{name: 'x', type: 'slack', url: 'https://a.example/', mentions: {ok: 1}}, /mentions.ok must be a string/],
      [[], /must be a JSON object/],
    ]
    for (const [body, re] of cases) {
      const r = await call(sb, 'POST', '/api/v0/channels', body)
      assert.equal(r.status, 400, JSON.stringify(body))
      assert.match(r.body.error.message, re, JSON.stringify(body))
    }
    assert.equal((await call(sb, 'POST', '/api/v0/channels', {name: 'x', type: 'webhook', url: 'https://a.example/'}, 'sandbox-readonly')).status, 403)
  })

  it('notification groups: CRUD with the Go client shape (null lists), references checked, the default group protected', async () => {
    const ch = (await call(sb, 'POST', '/api/v0/channels', {name: 'w', type: 'webhook', url: 'https://a.example/', events: ['alert']})).body
    const monitorId = sb.store.listMonitors()[0].id
    const a = await call(sb, 'POST', '/api/v0/notification-groups', {
      name: 'on-call',
      notificationLevel: 'critical',
      childNotificationGroupIds: null,
      childChannelIds: [ch.id],
      monitors: [{id: monitorId, skipDefault: true}],
      services: [{name: 'demo'}],
    })
    assert.equal(a.status, 200)
    assert.deepEqual({...a.body, id: 'X'}, {
      id: 'X',
      type: 'group',
      name: 'on-call',
      notificationLevel: 'critical',
      childNotificationGroupIds: [],
      childChannelIds: [ch.id],
      monitors: [{id: monitorId, skipDefault: true}],
      services: [{name: 'demo'}],
    })
    const b = (await call(sb, 'POST', '/api/v0/notification-groups', {name: 'parent', notificationLevel: 'all', childNotificationGroupIds: [a.body.id], childChannelIds: []})).body
    assert.deepEqual([b.monitors, b.services], [[], []])
    // a -> b would make a cycle
    const cyc = await call(sb, 'PUT', `/api/v0/notification-groups/${a.body.id}`, {name: 'on-call', notificationLevel: 'all', childNotificationGroupIds: [b.id], childChannelIds: []})
    assert.equal(cyc.status, 400)
    assert.match(cyc.body.error.message, /cycle/)
    const upd = await call(sb, 'PUT', `/api/v0/notification-groups/${a.body.id}`, {name: 'on-call 2', notificationLevel: 'all', childNotificationGroupIds: [], childChannelIds: []})
    assert.equal(upd.body.name, 'on-call 2')
    assert.deepEqual(upd.body.monitors, [])

    for (const bad of [
      {name: 'x', notificationLevel: 'some', childNotificationGroupIds: [], childChannelIds: []},
      {name: 'x', notificationLevel: 'all', childNotificationGroupIds: ['nope'], childChannelIds: []},
      {name: 'x', notificationLevel: 'all', childNotificationGroupIds: [], childChannelIds: ['nope']},
      {name: 'x', notificationLevel: 'all', monitors: [{id: 'nope', skipDefault: false}]},
      {name: 'x', notificationLevel: 'all', services: [{name: 'nope'}]},
      {notificationLevel: 'all'},
    ])
      assert.equal((await call(sb, 'POST', '/api/v0/notification-groups', bad)).status, 400, JSON.stringify(bad))

    const def = (await call(sb, 'GET', '/api/v0/notification-groups')).body.notificationGroups.find((g: any) => g.type === 'group-default')
    assert.equal((await call(sb, 'DELETE', `/api/v0/notification-groups/${def.id}`)).status, 400)
    assert.equal((await call(sb, 'PUT', `/api/v0/notification-groups/${def.id}`, {...def, name: 'renamed'})).status, 400)
    assert.equal((await call(sb, 'PUT', `/api/v0/notification-groups/${def.id}`, {...def, notificationLevel: 'critical'})).body.notificationLevel, 'critical')

    assert.equal((await call(sb, 'DELETE', `/api/v0/notification-groups/${a.body.id}`)).body.name, 'on-call 2')
    const parent = (await call(sb, 'GET', '/api/v0/notification-groups')).body.notificationGroups.find((g: any) => g.id === b.id)
    assert.deepEqual(parent.childNotificationGroupIds, [])
    assert.equal((await call(sb, 'DELETE', `/api/v0/notification-groups/${a.body.id}`)).status, 404)
  })
})

describe('sandbox: alert webhooks', () => {
  let sb: SB
  let rx: Awaited<ReturnType<typeof receiver>>
  let hostId: string
  let logged: string[]
  beforeEach(async () => {
    logged = []
    sb = await sandbox({webhookRetryDelayMs: 1, log: (l) => logged.push(l)})
    rx = await receiver()
    hostId = sb.store.addHost({name: 'job-runner', roleFullnames: ['batch:worker'], memo: 'runs jobs'}).id
  })
  afterEach(async () => {
    await sb.close()
    await rx.close()
  })

  // in the default notification group: it gets every alert (a channel in no group gets none)
  const webhook = (url: string, events = ['alert']) =>
    call(sb, 'POST', '/api/v0/channels', {name: 'rx', type: 'webhook', url, events, addToDefaultNotificationGroup: true}).then((r) => r.body)
  const report = (status: string, message: string, at = NOW_S) =>
    call(sb, 'POST', '/api/v0/monitoring/checks/report', {reports: [{source: {type: 'host', hostId}, name: 'nightly', status, message, occurredAt: at}]})

  it('a check alert opening, changing status and closing reaches the webhook with the documented payload, in order', async () => {
    await webhook(`${rx.url}/hook?token=a%2Fb&x=1`)
    await report('CRITICAL', 'backup failed')
    await sb.webhooksSettled()
    assert.equal(rx.got.length, 1)
    const [first] = rx.got
    assert.equal(first.method, 'POST')
    assert.equal(first.url, '/hook?token=a%2Fb&x=1', 'the query string is kept as configured')
    assert.match(String(first.headers['content-type']), /^application\/json/)
    const alert = [...sb.store.alerts.values()].find((a) => a.hostId === hostId)!
    const p = first.body
    assert.equal(p.orgName, 'sandbox')
    assert.equal(p.event, 'alert')
    assert.equal(p.type, 'check')
    assert.equal(p.message, 'backup failed')
    assert.equal(p.memo, '')
    assert.equal(p.imageUrl, null)
    assert.deepEqual(p.host, {
      id: hostId,
      name: 'job-runner',
      url: `${sb.url}/orgs/sandbox/hosts/${hostId}`,
      type: 'unknown',
      status: 'working',
      memo: 'runs jobs',
      isRetired: false,
      roles: [
        {
          fullname: 'batch:worker',
          serviceName: 'batch',
          serviceUrl: `${sb.url}/orgs/sandbox/services/batch`,
          roleName: 'worker',
          roleUrl: `${sb.url}/orgs/sandbox/services/batch#role=worker`,
        },
      ],
    })
    assert.deepEqual(p.alert, {
      id: alert.id,
      url: `${sb.url}/orgs/sandbox/alerts/${alert.id}`,
      status: 'critical',
      isOpen: true,
      trigger: 'monitor',
      openedAt: NOW_S,
      closedAt: null,
      statusChangedAt: NOW_S,
      createdAt: NOW_S * 1000,
      monitorName: 'nightly',
    })

    sb.clock.ms += 60_000
    await report('WARNING', 'backup slow', NOW_S + 60)
    sb.clock.ms += 60_000
    await report('WARNING', 'backup still slow', NOW_S + 120) // message only: no notification
    sb.clock.ms += 60_000
    await report('OK', 'backup ok', NOW_S + 180)
    await sb.webhooksSettled()
    assert.deepEqual(
      rx.got.map((g) => [g.body.alert.status, g.body.alert.isOpen, g.body.message, g.body.alert.statusChangedAt]),
      [
        ['critical', true, 'backup failed', NOW_S],
        ['warning', true, 'backup slow', NOW_S + 60],
        ['ok', false, 'backup ok', NOW_S + 180],
      ],
    )
    assert.equal(rx.got[2].body.alert.closedAt, NOW_S + 180)
    const ds = (await call(sb, 'GET', '/_sandbox/webhooks?wait=true', undefined, null)).body
    assert.deepEqual(
      ds.map((d: any) => [d.state, d.alertStatus, d.attempts, d.responseStatus, d.target]),
      [
        ['delivered', 'critical', 1, 200, `${rx.url}/hook`],
        ['delivered', 'warning', 1, 200, `${rx.url}/hook`],
        ['delivered', 'ok', 1, 200, `${rx.url}/hook`],
      ],
    )
    assert.deepEqual(logged, [])
    await call(sb, 'DELETE', '/_sandbox/webhooks', undefined, null)
    assert.deepEqual(sb.webhooks(), [])
  })

  it('a manual close via the API notifies with trigger manual; metric alerts carry value, thresholds and a message', async () => {
    await webhook(rx.url + '/')
    const mon = sb.store.addMonitor({type: 'host', name: 'load', metric: 'loadavg5', operator: '>', warning: 2, critical: 4.5, duration: 3, memo: 'see runbook'})
    const a = sb.store.addAlert({type: 'host', monitorId: mon.id, hostId, status: 'CRITICAL', value: 5.256})
    await call(sb, 'POST', `/api/v0/alerts/${a.id}/close`, {reason: 'fixed'})
    await sb.webhooksSettled()
    const [open, closed] = rx.got.map((g) => g.body)
    assert.equal(open.message, 'loadavg5 5.26 > 4.5')
    assert.equal(open.memo, 'see runbook')
    assert.deepEqual(
      [open.alert.metricLabel, open.alert.metricValue, open.alert.criticalThreshold, open.alert.warningThreshold, open.alert.monitorOperator, open.alert.duration],
      ['loadavg5', 5.256, 4.5, 2, '>', 3],
    )
    assert.equal(open.alert.monitorName, 'load')
    assert.deepEqual([closed.alert.status, closed.alert.trigger, closed.alert.isOpen], ['ok', 'manual', false])
  })

  it('retiring a host closes its alerts without a notification, as Mackerel does', async () => {
    await webhook(rx.url + '/')
    const mon = sb.store.addMonitor({type: 'host', name: 'load', metric: 'loadavg5', operator: '>', critical: 4, duration: 1})
    const a = sb.store.addAlert({type: 'host', monitorId: mon.id, hostId, status: 'CRITICAL', value: 5})
    await call(sb, 'POST', `/api/v0/hosts/${hostId}/retire`, {})
    await sb.webhooksSettled()
    assert.equal(sb.store.alerts.get(a.id)!.status, 'OK')
    assert.deepEqual(rx.got.map((g) => g.body.alert.status), ['critical'], 'the opening only')
  })

  it('sends nothing to channels without the alert event, to other channel types, or for muted monitors', async () => {
    await webhook(rx.url, ['hostStatus'])
    await call(sb, 'POST', '/api/v0/channels', {name: 's', type: 'slack', url: rx.url, events: ['alert']})
    await report('CRITICAL', 'x')
    const muted = sb.store.addMonitor({type: 'host', name: 'muted', metric: 'loadavg5', operator: '>', critical: 1, duration: 1, isMute: true})
    await webhook(rx.url)
    sb.store.addAlert({type: 'host', monitorId: muted.id, hostId, value: 2})
    await sb.webhooksSettled()
    assert.deepEqual(rx.got, [])
    assert.deepEqual(sb.webhooks(), [])
  })

  it('never delays the API answer: the report is answered while the receiver still holds the webhook', async () => {
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    const slow = await receiver((_req, res) => void held.then(() => res.end('ok')))
    try {
      await webhook(slow.url)
      const r = await report('CRITICAL', 'x')
      assert.equal(r.status, 200)
      assert.deepEqual(sb.webhooks().map((d) => d.state), ['pending'])
      release()
      await sb.webhooksSettled()
      assert.deepEqual(sb.webhooks().map((d) => d.state), ['delivered'])
      assert.equal(slow.got.length, 1)
    } finally {
      release()
      await slow.close()
    }
  })

  it('retries a 5xx, sends URL credentials as Basic auth, and logs a failure without the query string', async () => {
    let n = 0
    const flaky = await receiver((_req, res) => {
      res.statusCode = ++n === 1 ? 503 : 200
      res.end()
    })
    try {
      const u = new URL(flaky.url)
      await webhook(`http://user:p%40ss@${u.host}/in`)
      await report('CRITICAL', 'x')
      await sb.webhooksSettled()
      assert.equal(flaky.got.length, 2)
      assert.equal(flaky.got[1].headers.authorization, 'Basic ' + Buffer.from('user:p@ss').toString('base64'))
      assert.deepEqual(sb.webhooks().map((d) => [d.state, d.attempts, d.target]), [['delivered', 2, `http://${u.host}/in`]])
    } finally {
      await flaky.close()
    }

    // a receiver that is gone: the attempts fail, the failure is logged, the token is not
    const gone = await receiver()
    const goneUrl = gone.url
    await gone.close()
    await call(sb, 'DELETE', '/_sandbox/webhooks', undefined, null)
    for (const c of sb.store.channels.values()) if (c.type === 'webhook') await call(sb, 'DELETE', `/api/v0/channels/${c.id}`)
    await webhook(`${goneUrl}/x?token=secret`)
    sb.clock.ms += 60_000
    await report('OK', 'fine', NOW_S + 60)
    await sb.webhooksSettled()
    const [d] = sb.webhooks()
    assert.equal(d.state, 'failed')
    assert.equal(d.attempts, 3, 'the first attempt and two retries')
    assert.match(d.error!, /ECONNREFUSED/)
    assert.equal(logged.length, 1)
    assert.match(logged[0], /webhook for alert \w+ \(ok\) to channel "rx" http:\/\/127\.0\.0\.1:\d+\/x failed after 3 attempts/)
    assert.doesNotMatch(logged[0], /secret/)
  })

  it('a receiver that never answers times out; a 4xx is not retried', async () => {
    const other = await sandbox({webhookTimeoutMs: 50, webhookRetries: 0, log: (l) => logged.push(l)})
    const silent = await receiver(() => {})
    const refusing = await receiver((_req, res) => {
      res.statusCode = 404
      res.end()
    })
    try {
      await call(other, 'POST', '/api/v0/channels', {name: 'silent', type: 'webhook', url: silent.url, events: ['alert'], addToDefaultNotificationGroup: true})
      await call(other, 'POST', '/api/v0/channels', {name: 'refusing', type: 'webhook', url: refusing.url, events: ['alert'], addToDefaultNotificationGroup: true})
      other.store.addAlert({type: 'check', hostId, status: 'WARNING', message: 'm'})
      await other.webhooksSettled()
      const byName = Object.fromEntries(other.webhooks().map((d) => [d.channelName, d]))
      assert.equal(byName.silent.state, 'failed')
      assert.match(byName.silent.error!, /no answer within 50 ms/)
      assert.deepEqual([byName.refusing.state, byName.refusing.attempts, byName.refusing.error], ['failed', 1, 'HTTP 404'])
      assert.equal(logged.length, 2)
    } finally {
      await other.close()
      await silent.close()
      await refusing.close()
    }
  })
})
