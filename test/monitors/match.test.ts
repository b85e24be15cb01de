import assert from 'node:assert/strict'
import {alignZeroValues, jsonEqual, matchMonitors, matchWarnings, mergeRemote} from '../../src/monitors/match.js'
import type {Monitor} from '../../src/monitors/types.js'

const conn = (x: Partial<Monitor>): Monitor => ({type: 'connectivity', ...x})

describe('monitor matching (mkr §4.3)', () => {
  it('jsonEqual ignores key order, not array order', () => {
    assert.ok(jsonEqual({a: 1, b: [1, {c: 2, d: 3}]}, {b: [1, {d: 3, c: 2}], a: 1}))
    assert.ok(!jsonEqual({a: [1, 2]}, {a: [2, 1]}))
    assert.ok(!jsonEqual({a: 1}, {a: 1, b: null}))
    assert.ok(!jsonEqual({a: '1'}, {a: 1}))
  })

  it('zero values equal absence at the top level only', () => {
    const [a, b] = alignZeroValues({name: 'x', isMute: false, scopes: [], memo: '', nested: {isMute: false}}, {name: 'x', nested: {}})
    assert.deepEqual(a, {name: 'x', nested: {isMute: false}})
    assert.deepEqual(b, {name: 'x', nested: {}})
    // present on both sides: kept
    assert.deepEqual(alignZeroValues({isMute: false}, {isMute: true}), [{isMute: false}, {isMute: true}])
  })

  it('pairs by id first; an identical rule is unchanged', () => {
    const remote = [conn({id: '1', name: 'a'}), conn({id: '2', name: 'b', memo: 'x'})]
    const r = matchMonitors(remote, [conn({id: '2', name: 'renamed', memo: 'x'}), conn({id: '1', name: 'a'})])
    assert.deepEqual(r.unchanged.map((p) => p.index), [1])
    assert.deepEqual(r.modified.map((p) => [p.remote.id, p.index]), [['2', 0]])
    assert.equal(r.onlyRemote.length + r.onlyLocal.length, 0)
  })

  it('pairs id-less rules by name when names are unique on both sides, ignoring the id in the comparison', () => {
    const remote = [conn({id: '12345', name: 'foo'})]
    const r = matchMonitors(remote, [conn({name: 'foo'})])
    assert.equal(r.unchanged.length, 1) // mkr TestIsSameMonitor
    assert.equal(r.modified.length, 0)
    const m = matchMonitors(remote, [conn({name: 'foo', memo: 'new'})])
    assert.equal(m.modified.length, 1)
  })

  it('a rule with an id never matches by name', () => {
    const r = matchMonitors([conn({id: '1', name: 'foo'})], [conn({id: 'other-org', name: 'foo'})])
    assert.deepEqual(r.onlyRemote.map((m) => m.id), ['1'])
    assert.deepEqual(r.onlyLocal.map((l) => l.monitor.id), ['other-org'])
    assert.deepEqual(r.foreignIds.map((l) => l.index), [0])
    assert.match(matchWarnings(r, 'm.json').join('\n'), /1 rule in m\.json has an id that this organization does not have \(monitors\[0\] "foo" \(connectivity, id other-org\)\)/)
  })

  it('duplicate names on either side turn name matching off (and say so when it matters)', () => {
    const local = [conn({name: 'foo'}), conn({name: 'bar'})]
    const dupRemote = [conn({id: '1', name: 'foo'}), conn({id: '2', name: 'foo'})]
    const r = matchMonitors(dupRemote, local)
    assert.equal(r.nameMatching, false)
    assert.equal(r.onlyLocal.length, 2)
    assert.equal(r.onlyRemote.length, 2)
    assert.match(matchWarnings(r, 'm.json')[0], /names are not unique in Mackerel \("foo"\): rules without an "id" are not matched by name/)
    const dupLocal = matchMonitors([conn({id: '1', name: 'foo'})], [conn({name: 'foo'}), conn({name: 'foo'})])
    assert.equal(dupLocal.nameMatching, false)
    assert.match(matchWarnings(dupLocal, 'm.json')[0], /not unique in m\.json \("foo"\)/)
    // all local rules have ids: nothing to warn about
    assert.deepEqual(matchWarnings(matchMonitors(dupRemote, [conn({id: '1', name: 'foo'})]), 'm.json'), [])
  })

  it('first unused local rule in file order wins; each local rule is used once', () => {
    const remote = [conn({id: '1', name: 'a'}), conn({id: '2', name: 'b'})]
    const local = [conn({id: '1', name: 'a', memo: 'first'}), conn({id: '1', name: 'a', memo: 'second'})]
    const r = matchMonitors(remote, local)
    assert.deepEqual(r.modified.map((p) => p.index), [0])
    assert.deepEqual(r.onlyLocal.map((l) => l.index), [1])
    assert.deepEqual(r.onlyRemote.map((m) => m.id), ['2'])
  })

  it('a Go-mkr file without zero values matches the API objects that have them', () => {
    const remote = [{id: '1', type: 'host', name: 'cpu', isMute: false, scopes: [], excludeScopes: [], metric: 'cpu%', operator: '>', duration: 1, warning: null}]
    const local = [{id: '1', type: 'host', name: 'cpu', metric: 'cpu%', operator: '>', duration: 1, warning: null}]
    const r = matchMonitors(remote as Monitor[], local as Monitor[])
    assert.equal(r.unchanged.length, 1)
  })

  it("a field only the file has is no difference when it holds the API's default for the type, only that value", () => {
    const created = {id: '1', type: 'host', name: 'cpu', metric: 'cpu%', operator: '>', duration: 1}
    const hand = {type: 'host', name: 'cpu', metric: 'cpu%', operator: '>', duration: 1}
    assert.equal(matchMonitors([created] as Monitor[], [{...hand, maxCheckAttempts: 1}] as Monitor[]).unchanged.length, 1)
    assert.equal(matchMonitors([created] as Monitor[], [{...hand, maxCheckAttempts: 3}] as Monitor[]).modified.length, 1)
    const anomaly = {id: '2', type: 'anomalyDetection', name: 'a', scopes: ['s:r'], warningSensitivity: 'normal'}
    assert.equal(matchMonitors([anomaly] as Monitor[], [{...anomaly, maxCheckAttempts: 3}] as Monitor[]).unchanged.length, 1)
    assert.equal(matchMonitors([anomaly] as Monitor[], [{...anomaly, maxCheckAttempts: 1}] as Monitor[]).modified.length, 1)
    const conn = {id: '3', type: 'connectivity'}
    assert.equal(matchMonitors([conn] as Monitor[], [{...conn, name: 'connectivity', alertStatusOnGone: 'CRITICAL'}] as Monitor[]).unchanged.length, 1)
  })

  it('a key the file leaves out is no difference, whatever Mackerel holds (the file does not manage it)', () => {
    const remote = {id: '1', type: 'host', name: 'cpu', metric: 'cpu%', operator: '>', duration: 1, maxCheckAttempts: 3, isMute: true, scopes: ['web']}
    const local = {id: '1', type: 'host', name: 'cpu', metric: 'cpu%', operator: '>', duration: 1}
    assert.equal(matchMonitors([remote] as Monitor[], [local] as Monitor[]).unchanged.length, 1)
    // a value the file does give is compared
    assert.equal(matchMonitors([remote] as Monitor[], [{...local, isMute: false}] as Monitor[]).modified.length, 1)
  })

  it('a file pulled by the Go mkr diffs clean against a Mackerel with fields mkr does not know', () => {
    // what the API returns, and what mkr wrote for it (no unknown fields, no zero values)
    const remote = {id: 'e1', type: 'external', name: 'top', url: 'https://example.com/', method: 'GET', isMute: false, notificationInterval: 0,
      headers: [], followRedirect: false, dualstack: 'auto', requestBody: '', futureField: {since: 2026}}
    const goMkr = {id: 'e1', name: 'top', type: 'external', url: 'https://example.com/', method: 'GET', headers: []}
    const r = matchMonitors([remote] as Monitor[], [goMkr] as Monitor[])
    assert.equal(r.unchanged.length, 1)
    assert.equal(r.modified.length, 0)
  })

  it('mergeRemote: keys the file leaves out take the remote value; the id never does', () => {
    const merged = mergeRemote({id: 'r', name: 'a', isMute: true, scopes: ['web'], memo: 'x'}, {name: 'b', memo: 'y'})
    assert.deepEqual(merged, {name: 'b', memo: 'y', isMute: true, scopes: ['web']})
  })

  it('unknown fields take part in the comparison', () => {
    const r = matchMonitors([conn({id: '1', name: 'a', futureField: 1})], [conn({id: '1', name: 'a', futureField: 2})])
    assert.equal(r.modified.length, 1)
  })
})
