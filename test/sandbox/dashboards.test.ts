import assert from 'node:assert/strict'
import {call, NOW_S, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

/** A dashboard as mackerel-client-go sends it: unused widget fields go out as null. */
const goBody = (urlPath = 'ops/overview') => ({
  title: 'Ops',
  memo: 'the on-call board',
  urlPath,
  widgets: [
    {type: 'markdown', title: 'read me', markdown: '# hi', layout: {x: 0, y: 0, width: 24, height: 3}, metric: null, graph: null, range: null},
    {
      type: 'graph',
      title: 'load',
      graph: {type: 'host', hostId: '2eQGDXqtoXs', name: 'loadavg5'},
      range: {type: 'relative', period: 3600, offset: 0},
      referenceLines: [{label: 'limit', value: 4}],
      legendList: ['loadavg5'],
      layout: {x: 0, y: 3, width: 12, height: 8},
      metric: null,
    },
    {type: 'value', title: 'p99', metric: {type: 'service', serviceName: 'demo', name: 'access.latency.p99'}, fractionSize: 2, suffix: 'ms', formatRules: [{name: 'slow', threshold: 800, operator: '>'}], layout: {x: 12, y: 3, width: 6, height: 5}, graph: null, range: null},
    {type: 'alertStatus', title: 'web', roleFullname: 'demo:web', layout: {x: 18, y: 3, width: 6, height: 5}, metric: null, graph: null, range: null},
    {type: 'graph', title: 'q', graph: {type: 'query', query: 'x{a="b"}', legend: ''}, layout: {x: 0, y: 11, width: 6, height: 6}, metric: null, range: {type: 'absolute', start: NOW_S - 60, end: NOW_S}},
  ],
})

describe('sandbox: dashboards', () => {
  let sb: SB
  beforeEach(async () => {
    sb = await sandbox()
  })
  afterEach(() => sb.close())

  it('create (nulls dropped), list without widgets, get, update, delete', async () => {
    const c = await call(sb, 'POST', '/api/v0/dashboards', goBody())
    assert.equal(c.status, 200, c.text)
    const d = c.body
    assert.deepEqual([d.title, d.memo, d.urlPath, d.createdAt, d.updatedAt], ['Ops', 'the on-call board', 'ops/overview', NOW_S, NOW_S])
    assert.deepEqual(d.widgets[0], {type: 'markdown', title: 'read me', markdown: '# hi', layout: {x: 0, y: 0, width: 24, height: 3}})
    assert.deepEqual(d.widgets[1].graph, {type: 'host', hostId: '2eQGDXqtoXs', name: 'loadavg5'})
    assert.equal('metric' in d.widgets[1], false)
    assert.deepEqual(d.widgets[2].formatRules, [{name: 'slow', threshold: 800, operator: '>'}])
    assert.deepEqual(d.widgets[4].range, {type: 'absolute', start: NOW_S - 60, end: NOW_S})

    const list = (await call(sb, 'GET', '/api/v0/dashboards')).body.dashboards
    assert.deepEqual(list, [{id: d.id, title: 'Ops', urlPath: 'ops/overview', createdAt: NOW_S, updatedAt: NOW_S, memo: 'the on-call board'}])
    assert.deepEqual((await call(sb, 'GET', `/api/v0/dashboards/${d.id}`)).body, d)

    sb.clock.ms += 60_000
    const u = await call(sb, 'PUT', `/api/v0/dashboards/${d.id}`, {title: 'Ops 2', memo: '', urlPath: 'ops/overview', widgets: null})
    assert.deepEqual([u.body.title, u.body.createdAt, u.body.updatedAt, u.body.widgets], ['Ops 2', NOW_S, NOW_S + 60, []])
    assert.deepEqual((await call(sb, 'DELETE', `/api/v0/dashboards/${d.id}`)).body, u.body)
    assert.equal((await call(sb, 'GET', `/api/v0/dashboards/${d.id}`)).status, 404)
  })

  it('a urlPath in use is 409; an alertStatus widget of a deleted role reads back with roleFullname null', async () => {
    const a = (await call(sb, 'POST', '/api/v0/dashboards', goBody('a'))).body
    const dup = await call(sb, 'POST', '/api/v0/dashboards', goBody('a'))
    assert.equal(dup.status, 409)
    assert.match(dup.body.error.message, /urlPath is already in use: a/)
    const b = (await call(sb, 'POST', '/api/v0/dashboards', goBody('b'))).body
    assert.equal((await call(sb, 'PUT', `/api/v0/dashboards/${b.id}`, goBody('a'))).status, 409)
    assert.equal((await call(sb, 'PUT', `/api/v0/dashboards/${a.id}`, goBody('a'))).status, 200)
    await call(sb, 'DELETE', '/api/v0/services/demo/roles/web')
    assert.equal((await call(sb, 'GET', `/api/v0/dashboards/${a.id}`)).body.widgets[3].roleFullname, null)
  })

  it('rejects bad dashboards and widgets with 400', async () => {
    const w = (over: Record<string, unknown>) => ({...goBody(), widgets: [{type: 'markdown', title: '', markdown: '', layout: {x: 0, y: 0, width: 4, height: 2}, ...over}]})
    const cases: [unknown, RegExp][] = [
      [{...goBody(), urlPath: '/bad'}, /urlPath is invalid/],
      [{...goBody(), title: ''}, /title must not be empty/],
      [w({type: 'chart'}), /widgets\[0\]: type must be one of/],
      [w({layout: {x: 0, y: 0, width: 3, height: 2}}), /markdown widget must be 4x2 to 24x80/],
      [w({layout: {x: 22, y: 0, width: 4, height: 2}}), /x \+ width must be at most 24/],
      [w({layout: {x: -1, y: 0, width: 4, height: 2}}), /x must be at least 0/],
      [w({type: 'graph', graph: null, layout: {x: 0, y: 0, width: 6, height: 6}}), /graph must be a JSON object/],
      [w({type: 'graph', graph: {type: 'host', name: 'x'}, layout: {x: 0, y: 0, width: 6, height: 6}}), /graph.hostId is required/],
      [w({type: 'graph', graph: {type: 'expression', expression: 'x'}, referenceLines: [{label: 'a', value: 1}, {label: 'b', value: 2}], layout: {x: 0, y: 0, width: 6, height: 6}}), /at most 1 element/],
      [w({type: 'graph', graph: {type: 'expression', expression: 'x'}, legendList: ['a'], layout: {x: 0, y: 0, width: 6, height: 6}}), /legendList is only for host and service/],
      [w({type: 'value', metric: {type: 'role', roleFullname: 'demo:web', name: 'x'}, layout: {x: 0, y: 0, width: 4, height: 4}}), /metric.type must be one of/],
      [w({type: 'value', metric: {type: 'expression', expression: 'x'}, fractionSize: 17, layout: {x: 0, y: 0, width: 4, height: 4}}), /fractionSize must be between 0 and 16/],
      [w({type: 'alertStatus', roleFullname: 'demo', layout: {x: 0, y: 0, width: 4, height: 3}}), /invalid role fullname/],
    ]
    for (const [body, re] of cases) {
      const r = await call(sb, 'POST', '/api/v0/dashboards', body)
      assert.equal(r.status, 400, JSON.stringify(body))
      assert.match(r.body.error.message, re, JSON.stringify(body))
    }
    const overlap = {...goBody(), widgets: [goBody().widgets[0], {...goBody().widgets[0], layout: {x: 4, y: 2, width: 4, height: 2}}]}
    const r = await call(sb, 'POST', '/api/v0/dashboards', overlap)
    assert.equal(r.status, 400)
    assert.match(r.body.error.message, /widgets\[1\] overlaps widgets\[0\]/)
  })
})
