import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import nock from 'nock'
import {ApiClient} from '../../src/api/client.js'
import {CliError} from '../../src/errors.js'
import {MonitorsFileError} from '../../src/monitors/file.js'
import {runDiff, runGet, runList, runPull, runPush} from '../../src/monitors/run.js'
import type {Interruptible} from '../../src/output/interrupt.js'
import {testIO, type IOStreams} from '../../src/output/iostreams.js'
import type {Monitor} from '../../src/monitors/types.js'
import {failure} from '../helpers/failure.js'

const BASE = 'https://api.example.test'

function fakeIo(opts: {confirm?: boolean | 'none'; tty?: boolean} = {}) {
  const o = {out: '', err: '', info: [] as string[], warn: [] as string[], asked: [] as string[]}
  const t = testIO({
    stdoutTTY: opts.tty,
    confirm:
      opts.confirm === undefined || opts.confirm === 'none'
        ? undefined
        : (q) => {
            o.asked.push(q)
            return opts.confirm as boolean
          },
  })
  const io: IOStreams = {
    ...t.io,
    out: (t) => void (o.out += t),
    err: (t) => void (o.err += t),
    info: (l) => void o.info.push(l),
    warn: (l) => void o.warn.push(l),
  }
  return {io, o}
}

const client = () => new ApiClient({apiBase: BASE, apiKey: 'k', sleep: async () => {}, random: () => 0})
const api = async () => client()

const REMOTE: Monitor[] = [
  {id: 'c1', type: 'connectivity', name: 'connectivity', scopes: [], isMute: false, futureField: {a: 1}},
  {id: 'h1', type: 'host', name: 'cpu', metric: 'cpu%', operator: '>', warning: 80, critical: 90, duration: 5, isMute: true},
  {id: 'h2', type: 'host', name: 'old', metric: 'loadavg5', operator: '>', warning: 4, critical: null, duration: 1},
]

describe('monitors commands (nock)', () => {
  let dir: string
  let file: string
  before(() => nock.disableNetConnect())
  after(() => nock.enableNetConnect())
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mkr-mon-'))
    file = join(dir, 'monitors.json')
  })
  afterEach(() => {
    nock.cleanAll()
    rmSync(dir, {recursive: true, force: true})
  })
  const list = (monitors = REMOTE) => nock(BASE).get('/api/v0/monitors').reply(200, {monitors})
  const writeLocal = (monitors: unknown[], prefix = '') => writeFileSync(file, prefix + JSON.stringify({monitors}, null, 4) + '\n')

  describe('list / get', () => {
    it('prints the raw monitors as 4-space JSON, unknown fields included', async () => {
      list()
      const {io, o} = fakeIo()
      await runList({}, io, api)
      assert.equal(o.out, JSON.stringify(REMOTE, null, 4) + '\n')
    })

    it('a table with id, name, type, target/condition and muted', async () => {
      list()
      const {io, o} = fakeIo({tty: true})
      await runList({}, io, api)
      const row = o.out.split('\n').find((l) => l.includes('h1'))!
      assert.match(o.out, /ID\s.*NAME\s.*TYPE\s.*TARGET \/ CONDITION\s.*MUTED/)
      assert.match(row, /cpu.*host.*cpu% \(5 min avg\): warn > 80, crit > 90.*muted/)
      assert.doesNotMatch(o.out.split('\n').find((l) => l.includes('c1'))!, /muted/)
    })

    it('get prints one monitor; an API error names the request', async () => {
      nock(BASE).get('/api/v0/monitors/h1').reply(200, {monitor: REMOTE[1]})
      const {io, o} = fakeIo()
      await runGet({id: 'h1'}, io, api)
      assert.deepEqual(JSON.parse(o.out), REMOTE[1])
      nock(BASE).get('/api/v0/monitors/nope').reply(404, {error: {message: 'Monitor not found'}})
      assert.match((await failure(runGet({id: 'nope'}, io, api))).message, /GET \/api\/v0\/monitors\/nope failed: 404 Monitor not found/)
    })
  })

  describe('pull', () => {
    it("writes mkr's file format and logs mkr's line", async () => {
      list()
      const {io, o} = fakeIo()
      await runPull({file}, io, api)
      assert.equal(readFileSync(file, 'utf8'), JSON.stringify({monitors: REMOTE}, null, 4) + '\n')
      assert.deepEqual(o.info, [`Monitor rules are saved to '${file}' (3 rules).`])
      assert.equal(o.out, '')
    })

    it('-v also prints the monitors', async () => {
      list()
      const {io, o} = fakeIo()
      await runPull({file, verbose: true}, io, api)
      assert.deepEqual(JSON.parse(o.out), REMOTE)
    })
  })

  describe('diff', () => {
    it('nothing to show: exit 0 even with --exit-code; a BOM is fine', async () => {
      list()
      writeLocal(REMOTE, '\uFEFF')
      const {io, o} = fakeIo()
      assert.equal(await runDiff({file, exitCode: true}, io, api), 0)
      assert.equal(o.out, 'Summary: 0 modify, 0 append, 0 remove\n\n')
    })

    it('differences: the blocks, and exit 1 only with --exit-code', async () => {
      const local = [REMOTE[0], {...REMOTE[1], critical: 95}]
      writeLocal(local)
      list()
      const {io, o} = fakeIo()
      assert.equal(await runDiff({file}, io, api), 0)
      assert.match(o.out, /^Summary: 1 modify, 0 append, 1 remove\n\n/)
      assert.match(o.out, /^- {2}"critical": 90,\n\+ {2}"critical": 95,$/m)
      assert.match(o.out, /^- {2}"id": "h2",$/m)
      list()
      assert.equal(await runDiff({file, exitCode: true}, fakeIo().io, api), 1)
    })

    it('problems in the file never stop a diff: they are warnings, and the diff follows', async () => {
      writeLocal([REMOTE[0], {...REMOTE[1], operator: '>=', duration: 0}, {type: 'connectivity', isMute: 'no'}, REMOTE[2]])
      list()
      const {io, o} = fakeIo()
      assert.equal(await runDiff({file}, io, api), 0)
      assert.deepEqual(o.warn, [
        `${file}:13: monitors[1] "cpu": operator: must be one of ">", "<", got ">="`,
        `${file}:13: monitors[1] "cpu": duration: must be a whole number from 1 to 10, got 0`,
        `${file}:24: monitors[2]: isMute: must be true or false, got a string ("no")`,
        `${file}: 3 problems above: push refuses the file until they are fixed; the diff follows anyway`,
      ])
      assert.match(o.out, /^Summary: 1 modify, 1 append, 0 remove\n\n/)
      assert.match(o.out, /^- {2}"operator": ">",\n\+ {2}"operator": ">=",$/m)
    })

    it('a file just pulled diffs clean although the API returned values this CLI calls invalid (notificationInterval 0)', async () => {
      const remote = [...REMOTE, {id: 'h3', type: 'host', name: 'mem', metric: 'memory%', operator: '>', warning: 80, critical: null, duration: 1, notificationInterval: 0}]
      list(remote)
      await runPull({file}, fakeIo().io, api)
      list(remote)
      const {io, o} = fakeIo()
      assert.equal(await runDiff({file, exitCode: true}, io, api), 0)
      assert.equal(o.out, 'Summary: 0 modify, 0 append, 0 remove\n\n')
      assert.deepEqual(o.warn, [])
    })

    it('a file that leaves out keys Mackerel has (a Go-mkr file) diffs clean', async () => {
      const remote = [{...REMOTE[1], notificationInterval: 60, scopes: ['web'], futureField: {since: 2026}}]
      list(remote)
      writeLocal([{id: 'h1', name: 'cpu', type: 'host', metric: 'cpu%', operator: '>', warning: 80, critical: 90, duration: 5}])
      const {io, o} = fakeIo()
      assert.equal(await runDiff({file, exitCode: true}, io, api), 0)
      assert.equal(o.out, 'Summary: 0 modify, 0 append, 0 remove\n\n')
    })

    it('unknown types are compared with a warning', async () => {
      const future = {id: 'f1', type: 'future', name: 'f', x: 1}
      list([...REMOTE, future])
      writeLocal([...REMOTE, {...future, x: 2}])
      const {io, o} = fakeIo()
      await runDiff({file}, io, api)
      assert.match(o.out, /^Summary: 1 modify/)
      assert.match(o.warn[0], /monitors\[3\] "f": type: unknown monitor type "future".*push will not create or update it/)
    })
  })

  describe('push', () => {
    const edited = () => [
      {name: 'new rule', type: 'connectivity', scopes: ['web'], somethingNew: [1, 2]},
      REMOTE[0],
      {...REMOTE[1], critical: 95},
    ]

    it('creates, updates and deletes in that order with --yes; bodies are the local rules without id', async () => {
      writeLocal(edited())
      const order: string[] = []
      list()
      nock(BASE)
        .post('/api/v0/monitors', {name: 'new rule', type: 'connectivity', scopes: ['web'], somethingNew: [1, 2]})
        .reply(200, () => (order.push('POST'), {id: 'n1', name: 'new rule', type: 'connectivity'}))
        .put('/api/v0/monitors/h1', (b) => !('id' in b) && b.critical === 95 && b.isMute === true)
        .reply(200, () => (order.push('PUT'), {}))
        .delete('/api/v0/monitors/h2')
        .reply(200, () => (order.push('DELETE'), REMOTE[2]))
      const {io, o} = fakeIo()
      await runPush({file, yes: true}, io, api)
      assert.deepEqual(order, ['POST', 'PUT', 'DELETE'])
      assert.match(o.out, /^Plan: 1 to create, 1 to update, 1 to delete, 1 unchanged\.\n/)
      assert.deepEqual(o.info.slice(-4), [
        'created "new rule" (connectivity, id n1)',
        'updated "cpu" (host, id h1)',
        'deleted "old" (host, id h2)',
        `Pushed ${file}: 1 created, 1 updated, 1 deleted.`,
      ])
    })

    it('without a terminal and without --yes: no write at all, an error naming --yes', async () => {
      writeLocal(edited())
      list()
      const {io} = fakeIo({confirm: 'none'})
      const e = await failure(runPush({file}, io, api))
      assert.ok(e instanceof CliError)
      assert.equal(e.message, 'refusing to delete 1 monitor rule without confirmation: nothing was changed')
      assert.match(e.hint!, /--yes/)
      // any write would have hit nock without an interceptor and failed differently; none is pending
      assert.ok(nock.isDone())
    })

    it('asks on a terminal; "no" writes nothing, "yes" applies everything', async () => {
      writeLocal(edited())
      list()
      const no = fakeIo({confirm: false})
      assert.equal((await failure(runPush({file}, no.io, api))).message, 'push canceled: nothing was changed')
      assert.deepEqual(no.o.asked, ['Delete 1 monitor rule from Mackerel (and apply the other changes)?'])
      list()
      const writes = nock(BASE).post('/api/v0/monitors').reply(200, {id: 'n1'}).put('/api/v0/monitors/h1').reply(200, {}).delete('/api/v0/monitors/h2').reply(200, {})
      await runPush({file}, fakeIo({confirm: true}).io, api)
      assert.ok(writes.isDone())
    })

    it('no deletes: no question asked', async () => {
      writeLocal([...REMOTE, {name: 'x', type: 'connectivity'}])
      list()
      const w = nock(BASE).post('/api/v0/monitors').reply(200, {id: 'n1'})
      const {io, o} = fakeIo({confirm: 'none'})
      await runPush({file}, io, api)
      assert.ok(w.isDone())
      assert.deepEqual(o.asked, [])
    })

    it('--no-delete keeps remote-only rules and needs no confirmation', async () => {
      writeLocal(edited())
      list()
      const w = nock(BASE).post('/api/v0/monitors').reply(200, {id: 'n1'}).put('/api/v0/monitors/h1').reply(200, {})
      const {io, o} = fakeIo({confirm: 'none'})
      await runPush({file, delete: false}, io, api)
      assert.ok(w.isDone())
      assert.match(o.info[0], /^Keeping 1 rule that is not in .*monitors\.json \(--no-delete\)\.$/)
      assert.doesNotMatch(o.out, /Delete a rule/)
    })

    it('--dry-run shows the plan and writes nothing', async () => {
      writeLocal(edited())
      list()
      const {io, o} = fakeIo({confirm: true})
      await runPush({file, dryRun: true}, io, api)
      assert.match(o.out, /Create a new rule: "new rule"/)
      assert.match(o.out, /Update a rule: "cpu" \(host, id h1\)/)
      assert.match(o.out, /Delete a rule: "old" \(host, id h2\)/)
      assert.deepEqual(o.asked, [])
      assert.match(o.info.at(-1)!, /^Dry run: nothing was changed \(the 1 delete will need confirmation, or --yes\)\.$/)
    })

    it('ids from another organization: refuses to delete everything, even with --yes', async () => {
      writeLocal(REMOTE.map((m) => ({...m, id: `other-${m.id}`})))
      list()
      const {io, o} = fakeIo({confirm: true})
      const e = await failure(runPush({file, yes: true}, io, api))
      assert.match(e.message, /^refusing to delete all 3 monitor rules of the organization: .*matches none of them; nothing was changed$/)
      assert.match((e as CliError).hint!, /--allow-delete-all/)
      assert.match(o.warn.join('\n'), /3 rules in .* have ids that this organization does not have/)
      assert.deepEqual(o.asked, [])
    })

    it('--allow-delete-all lets such a plan through', async () => {
      writeLocal([{type: 'connectivity', name: 'only'}])
      list()
      const w = nock(BASE)
        .post('/api/v0/monitors')
        .reply(200, {id: 'n1'})
        .delete(/\/api\/v0\/monitors\/(c1|h1|h2)/)
        .times(3)
        .reply(200, {})
      await runPush({file, yes: true, allowDeleteAll: true}, fakeIo().io, api)
      assert.ok(w.isDone())
    })

    it('stops at the first failed write and reports what was applied and what was not', async () => {
      writeLocal(edited())
      list()
      nock(BASE).post('/api/v0/monitors').reply(200, {id: 'n1'}).put('/api/v0/monitors/h1').reply(400, {error: {message: 'invalid critical'}})
      const {io, o} = fakeIo()
      const e = await failure(runPush({file, yes: true}, io, api))
      assert.equal(e.message, 'push stopped after 1 of 3 changes: update "cpu" (host, id h1) failed: PUT /api/v0/monitors/h1 failed: 400 invalid critical')
      assert.equal(
        o.err,
        'Applied 1 of 3 changes before the failure:\n  created "new rule" (connectivity, id n1)\nFailed (not applied):\n  update "cpu" (host, id h1)\nNot applied (1):\n  delete "old" (host, id h2)\n',
      )
      assert.ok(nock.isDone())
    })

    it('a create whose answer never comes back is reported as unknown, not as failed', async () => {
      writeLocal([...REMOTE, {type: 'connectivity', name: 'x'}])
      list()
      nock(BASE).post('/api/v0/monitors').replyWithError({code: 'ECONNRESET', message: 'socket hang up'})
      const {io, o} = fakeIo()
      const e = await failure(runPush({file}, io, api))
      assert.match(o.err, /Outcome unknown \(the request was sent and the answer does not tell whether it took effect\):\n {2}create "x"/)
      assert.match((e as CliError).hint!, /mkr monitors diff/)
    })

    it('an unknown type that would be written is refused before any write; one left unchanged passes', async () => {
      const future = {id: 'f1', type: 'future', name: 'f', x: 1}
      writeLocal([...REMOTE, future, {type: 'hots', name: 'typo', metric: 'cpu%'}])
      list([...REMOTE, future])
      const {io} = fakeIo()
      const e = await failure(runPush({file, yes: true}, io, api))
      assert.ok(e instanceof MonitorsFileError)
      assert.match(e.message, /monitors\[4\] "typo": type: unknown monitor type "hots" .*will not create it$/)
      assert.ok(nock.isDone())
    })

    it('a value equal to what Mackerel holds is no error; a zero value the API returned goes back as absence', async () => {
      const mem = {id: 'h3', type: 'host', name: 'mem', metric: 'memory%', operator: '>', warning: 80, critical: null, duration: 1, notificationInterval: 0}
      writeLocal([...REMOTE, {...mem, critical: 95}])
      list([...REMOTE, mem])
      const put = nock(BASE)
        .put('/api/v0/monitors/h3', {type: 'host', name: 'mem', metric: 'memory%', operator: '>', warning: 80, critical: 95, duration: 1})
        .reply(200, {})
      const {io, o} = fakeIo()
      await runPush({file}, io, api)
      assert.ok(put.isDone())
      assert.equal(o.info.at(-1), `Pushed ${file}: 0 created, 1 updated, 0 deleted.`)
      // the same value where Mackerel holds another is still refused
      writeLocal([...REMOTE, {...mem, notificationInterval: 5}])
      list([...REMOTE, {...mem, notificationInterval: 60}])
      const e = await failure(runPush({file}, fakeIo().io, api))
      assert.match(e.message, /monitors\[3\] "mem": notificationInterval: must be a whole number of at least 10, got 5$/)
    })

    it('keys the file leaves out keep the value Mackerel holds (a PUT replaces the monitor)', async () => {
      const remote = [{...REMOTE[1], notificationInterval: 60, scopes: ['web'], futureField: {since: 2026}}]
      writeLocal([{id: 'h1', name: 'cpu', type: 'host', metric: 'cpu%', operator: '>', warning: 80, critical: 95, duration: 5}])
      list(remote)
      let body: Record<string, unknown> = {}
      nock(BASE)
        .put('/api/v0/monitors/h1', (b) => ((body = b), true))
        .reply(200, {})
      const {io, o} = fakeIo()
      await runPush({file}, io, api)
      assert.deepEqual(body, {
        name: 'cpu',
        type: 'host',
        metric: 'cpu%',
        operator: '>',
        warning: 80,
        critical: 95,
        duration: 5,
        isMute: true,
        notificationInterval: 60,
        scopes: ['web'],
        futureField: {since: 2026},
      })
      // the plan shows the kept keys as context, only critical as a change
      assert.match(o.out, /^ {3}"isMute": true,$/m)
      assert.match(o.out, /^- {2}"critical": 90,\n\+ {2}"critical": 95,$/m)
      assert.equal(o.out.split('\n').filter((l) => /^[-+] /.test(l)).length, 2)
    })

    it("every problem is listed in one run: the rules' own and the plan's (type change, unknown type)", async () => {
      writeLocal([
        7,
        REMOTE[0],
        {...REMOTE[1], duration: 0, operator: '=>'},
        {...REMOTE[2], type: 'expression', expression: 'avg(x)'},
        {type: 'hots', name: 'typo'},
      ])
      list()
      const {io, o} = fakeIo()
      const e = await failure(runPush({file, yes: true}, io, api))
      assert.ok(e instanceof MonitorsFileError)
      assert.equal(e.message, `${file}: 5 problems in 4 monitor rules`)
      assert.equal(
        o.err,
        [
          `${file}:3: monitors[0]: must be an object, got a number (7)`,
          `${file}:14: monitors[2] "cpu": operator: must be one of ">", "<", got "=>"`,
          `${file}:14: monitors[2] "cpu": duration: must be a whole number from 1 to 10, got 0`,
          `${file}:25: monitors[3] "old": type: cannot change the type of "old" (host, id h2) from "host" to "expression" (the API refuses it); give the new rule another name and no id, and remove the old one`,
          `${file}:36: monitors[4] "typo": type: unknown monitor type "hots" (known: host, connectivity, service, external, expression, anomalyDetection, query); this CLI cannot check it, so it will not create it`,
          '',
        ].join('\n'),
      )
      assert.ok(nock.isDone())
    })

    it('refuses a plan deleting more than half of the rules (foreign ids plus one name match), even with --yes', async () => {
      const remote = [1, 2, 3, 4, 5, 6, 7].map((n) => ({id: `c${n}`, type: 'connectivity', name: `rule ${n}`}))
      writeLocal([...[2, 3, 4, 5, 6, 7].map((n) => ({id: `other-${n}`, type: 'connectivity', name: `rule ${n}`})), {type: 'connectivity', name: 'rule 1'}])
      list(remote)
      const {io, o} = fakeIo({confirm: true})
      const e = await failure(runPush({file, yes: true}, io, api))
      assert.equal(e.message, `refusing to delete 6 of the organization's 7 monitor rules (more than half): ${file} matches only 1 of them; nothing was changed`)
      assert.match((e as CliError).hint!, /--no-delete.*--allow-delete-all/)
      assert.match(o.warn.join('\n'), /6 rules in .* have ids that this organization does not have/)
      assert.deepEqual(o.asked, [])
      assert.ok(nock.isDone())
      // --allow-delete-all lets it through
      list(remote)
      const w = nock(BASE).post('/api/v0/monitors').times(6).reply(200, {id: 'n'}).delete(/\/api\/v0\/monitors\/c[2-7]$/).times(6).reply(200, {})
      await runPush({file, yes: true, allowDeleteAll: true}, fakeIo().io, api)
      assert.ok(w.isDone())
    })

    it('SIGTERM stops like Ctrl-C: the report, and exit 143', async () => {
      writeLocal(edited())
      list()
      let signal: NodeJS.Signals | undefined
      // SIGTERM arrives while the create is in flight
      nock(BASE)
        .post('/api/v0/monitors')
        .reply(200, () => ((signal = 'SIGTERM'), {id: 'n1'}))
      const {io, o} = fakeIo()
      const interruptible: Interruptible = (fn) => fn(() => signal !== undefined, () => signal)
      const e = await failure(runPush({file, yes: true}, io, api, interruptible))
      assert.equal(e.message, 'push interrupted by SIGTERM after 1 of 3 changes')
      assert.equal((e as CliError).exitCode, 143)
      assert.match(o.err, /^Applied 1 of 3 changes before the interruption:\n {2}created "new rule" \(connectivity, id n1\)\nNot applied \(2\):\n/)
    })

    it('nothing to do: says so, writes nothing', async () => {
      writeLocal(REMOTE)
      list()
      const {io, o} = fakeIo()
      await runPush({file}, io, api)
      assert.equal(o.out, '')
      assert.match(o.info[0], /^No changes: Mackerel already matches .* \(3 rules\)\.$/)
    })
  })
})
