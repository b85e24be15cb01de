import assert from 'node:assert/strict'
import {ApiError, InvalidResponseError, NetworkError} from '../../src/api/errors.js'
import {matchMonitors} from '../../src/monitors/match.js'
import {applyPlan, buildPlan, deletesEverything, deletesMostRules, failureError, failureOutcome, failureReport, planProblems, renderPlan, summaryLine} from '../../src/monitors/plan.js'
import type {Monitor} from '../../src/monitors/types.js'

const conn = (x: Partial<Monitor>): Monitor => ({type: 'connectivity', ...x})
const remote = [conn({id: 'r1', name: 'keep'}), conn({id: 'r2', name: 'edit', memo: 'old'}), conn({id: 'r3', name: 'drop'})]
const local = [conn({name: 'new'}), conn({id: 'r1', name: 'keep'}), conn({id: 'r2', name: 'edit', memo: 'new'})]

describe('push plan', () => {
  it('orders create, update, delete; bodies carry no id', () => {
    const plan = buildPlan(matchMonitors(remote, local), remote.length, {delete: true})
    assert.deepEqual(
      plan.actions.map((a) => [a.kind, a.kind === 'delete' ? a.id : a.index]),
      [['create', 0], ['update', 2], ['delete', 'r3']],
    )
    for (const a of plan.actions) if (a.kind !== 'delete') assert.ok(!('id' in a.body))
    assert.equal(plan.unchanged, 1)
    assert.equal(summaryLine(plan), 'Plan: 1 to create, 1 to update, 1 to delete, 1 unchanged.')
  })

  it('--no-delete keeps remote-only rules', () => {
    const plan = buildPlan(matchMonitors(remote, local), remote.length, {delete: false})
    assert.ok(plan.actions.every((a) => a.kind !== 'delete'))
    assert.deepEqual(plan.kept.map((m) => m.id), ['r3'])
    assert.match(summaryLine(plan), /1 kept \(--no-delete\)\.$/)
  })

  it('a plan deleting every remote rule is flagged', () => {
    const foreign = remote.map((m) => ({...m, id: `other-${m.id}`}))
    assert.ok(deletesEverything(buildPlan(matchMonitors(remote, foreign), remote.length, {delete: true})))
    assert.ok(!deletesEverything(buildPlan(matchMonitors(remote, foreign), remote.length, {delete: false})))
    assert.ok(!deletesEverything(buildPlan(matchMonitors([], foreign), 0, {delete: true})))
    assert.ok(!deletesEverything(buildPlan(matchMonitors(remote, local), remote.length, {delete: true})))
  })

  it('a plan deleting more than half of the remote rules is flagged; half is not', () => {
    const four = [1, 2, 3, 4].map((n) => conn({id: `r${n}`, name: `n${n}`}))
    const keep = (ids: string[]) => four.filter((m) => ids.includes(m.id!))
    assert.ok(!deletesMostRules(buildPlan(matchMonitors(four, keep(['r1', 'r2'])), 4, {delete: true})))
    assert.ok(deletesMostRules(buildPlan(matchMonitors(four, keep(['r1'])), 4, {delete: true})))
    assert.ok(!deletesMostRules(buildPlan(matchMonitors(four, keep(['r1'])), 4, {delete: false})))
    assert.ok(!deletesMostRules(buildPlan(matchMonitors([], []), 0, {delete: true})))
  })

  it('an update sends the keys the file leaves out with the value Mackerel holds, never the id', () => {
    const r = [conn({id: 'r1', name: 'a', isMute: true, scopes: ['web'], alertStatusOnGone: 'WARNING'})]
    const plan = buildPlan(matchMonitors(r, [conn({id: 'r1', name: 'a', memo: 'new'})]), 1, {delete: true})
    assert.deepEqual(plan.actions.map((a) => a.kind === 'update' && a.body), [
      {type: 'connectivity', name: 'a', memo: 'new', isMute: true, scopes: ['web'], alertStatusOnGone: 'WARNING'},
    ])
  })

  it('refuses type changes and unknown types that would be written, not unknown types left alone', () => {
    const r = [{id: 'h', type: 'host', name: 'cpu'}, {id: 'f', type: 'future', name: 'fut', x: 1}] as Monitor[]
    const l = [{type: 'service', name: 'cpu'}, {id: 'f', type: 'future', name: 'fut', x: 1}, {type: 'hots', name: 'typo'}] as Monitor[]
    const problems = planProblems(buildPlan(matchMonitors(r, l), r.length, {delete: true}), 'm.json', [3, 8, 12])
    assert.deepEqual(problems, [
      'm.json:12: monitors[2] "typo": type: unknown monitor type "hots" (known: host, connectivity, service, external, expression, anomalyDetection, query); this CLI cannot check it, so it will not create it',
      'm.json:3: monitors[0] "cpu": type: cannot change the type of "cpu" (host, id h) from "host" to "service" (the API refuses it); give the new rule another name and no id, and remove the old one',
    ])
    const changed = [{id: 'f', type: 'future', name: 'fut', x: 2}] as Monitor[]
    assert.match(planProblems(buildPlan(matchMonitors(r.slice(1), changed), 1, {delete: true}), 'm.json')[0], /will not update it/)
  })

  it('renders each write with its JSON or its diff', () => {
    const out = renderPlan(buildPlan(matchMonitors(remote, local), remote.length, {delete: true}))
    assert.ok(out.startsWith('Plan: 1 to create, 1 to update, 1 to delete, 1 unchanged.\n\nCreate a new rule: "new" (connectivity) (monitors[0])\n+{\n'))
    assert.ok(out.includes('\nUpdate a rule: "edit" (connectivity, id r2) (monitors[2])\n {\n-  "memo": "old",\n+  "memo": "new",\n'))
    assert.ok(out.includes('\nDelete a rule: "drop" (connectivity, id r3)\n-{\n-  "type": "connectivity",\n-  "id": "r3",\n'))
  })
})

describe('applying a push plan', () => {
  const plan = buildPlan(matchMonitors(remote, local), remote.length, {delete: true})

  it('runs every write in order and reports new ids', async () => {
    const calls: string[] = []
    const r = await applyPlan(plan, {
      create: async (b) => (calls.push(`create ${b.name}`), {...b, id: 'n1'}),
      update: async (id) => calls.push(`update ${id}`),
      delete: async (id) => calls.push(`delete ${id}`),
    })
    assert.deepEqual(calls, ['create new', 'update r2', 'delete r3'])
    assert.equal(r.failed, undefined)
    assert.deepEqual(r.applied.map((x) => x.newId), ['n1', undefined, undefined])
  })

  it('stops at the first failure and says exactly what was applied and what was not', async () => {
    const calls: string[] = []
    const r = await applyPlan(plan, {
      create: async (b) => (calls.push('create'), {...b, id: 'n1'}),
      update: async () => {
        calls.push('update')
        throw new ApiError('PUT', '/api/v0/monitors/r2', 400, 'bad memo')
      },
      delete: async () => (calls.push('delete'), undefined),
    })
    assert.deepEqual(calls, ['create', 'update'])
    assert.equal(
      failureReport(r),
      [
        'Applied 1 of 3 changes before the failure:',
        '  created "new" (connectivity, id n1)',
        'Failed (not applied):',
        '  update "edit" (connectivity, id r2)',
        'Not applied (1):',
        '  delete "drop" (connectivity, id r3)',
        '',
      ].join('\n'),
    )
    assert.equal(
      failureError(r).message,
      'push stopped after 1 of 3 changes: update "edit" (connectivity, id r2) failed: PUT /api/v0/monitors/r2 failed: 400 bad memo',
    )
  })

  it('an interruption stops between two writes and reports the rest as not applied (exit 130)', async () => {
    let stopNow = false
    const calls: string[] = []
    const r = await applyPlan(
      plan,
      {
        create: async (b) => {
          calls.push('create')
          stopNow = true // Ctrl-C while the create is in flight: it completes, nothing after it starts
          return {...b, id: 'n1'}
        },
        update: async () => calls.push('update'),
        delete: async () => calls.push('delete'),
      },
      undefined,
      () => stopNow,
    )
    assert.deepEqual(calls, ['create'])
    assert.equal(r.interrupted, true)
    assert.equal(
      failureReport(r),
      'Applied 1 of 3 changes before the interruption:\n  created "new" (connectivity, id n1)\nNot applied (2):\n  update "edit" (connectivity, id r2)\n  delete "drop" (connectivity, id r3)\n',
    )
    const e = failureError(r)
    assert.equal(e.message, 'push interrupted after 1 of 3 changes')
    assert.equal(e.exitCode, 130)
  })

  it('a write that was sent but got no answer has an unknown outcome', () => {
    assert.equal(failureOutcome(new ApiError('POST', '/x', 400, 'bad')), 'not applied')
    assert.equal(failureOutcome(new ApiError('POST', '/x', 503, 'busy')), 'not applied')
    assert.equal(failureOutcome(new ApiError('POST', '/x', 500, 'oops')), 'unknown')
    assert.equal(failureOutcome(new ApiError('POST', '/x', 504, 'gateway timeout')), 'unknown')
    assert.equal(failureOutcome(new NetworkError('POST', '/x', 'refused', true)), 'not applied')
    assert.equal(failureOutcome(new NetworkError('POST', '/x', 'reset', false)), 'unknown')
    assert.equal(failureOutcome(new InvalidResponseError('POST', '/x', 'HTML')), 'unknown')
  })
})
