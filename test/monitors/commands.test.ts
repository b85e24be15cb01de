// `mkr monitors` (list, get, pull, diff, push) in-process (test IO, TTY on/off, a confirm answer)
// against the in-process sandbox, in a temporary working directory (monitors.json is relative to it):
// the argv is parsed by the command classes, so flags, aliases and usage errors are covered. What needs
// a process (a signal during push, the prompt on a real terminal, exit codes through bin/run.js) is
// in test/e2e/monitors.test.ts.
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {closeAgent} from '../../src/api/client.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {clientOf, mkr as run, type IOOptions} from '../cli/run.js'
import {seedMonitors} from './fixture.js'

type Obj = Record<string, unknown>

describe('monitors commands (in-process)', () => {
  let sb: Sandbox
  let client: ReturnType<typeof clientOf>
  let tmp: string
  let file: string
  let cwd: string
  let ids: {conn: string; cpu: string; old: string}

  beforeEach(async () => {
    sb = await startSandbox({port: 0, seed: false})
    ids = seedMonitors(sb)
    client = clientOf(sb)
    // the commands read and write monitors.json relative to the working directory, as a user runs them
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'mkr-monitors-')))
    file = join(tmp, 'monitors.json')
    cwd = process.cwd()
    process.chdir(tmp)
  })
  afterEach(async () => {
    process.chdir(cwd)
    await sb.close()
    await closeAgent()
    rmSync(tmp, {recursive: true, force: true})
  })

  const mkr = (args: string[], io?: IOOptions) => run(args, {client, io})
  const tty = (args: string[], io: IOOptions = {}) => run(args, {client, io: {stdoutTTY: true, stderrTTY: true, stdinTTY: true, width: 200, ...io}})
  const writes = () => sb.requests().filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path} ${r.status}`)
  const readFile = () => JSON.parse(readFileSync(file, 'utf8')) as {monitors: Obj[]}
  const writeFile = (monitors: unknown[]) => writeFileSync(file, JSON.stringify({monitors}, null, 4) + '\n')
  const newRule = {
    type: 'external',
    name: 'top page',
    url: 'https://example.com/',
    service: 'web',
    responseTimeCritical: 3000,
    responseTimeDuration: 3,
    headers: [{name: 'X-Probe', value: 'mkr'}],
    somethingNew: [1, 2], // unknown to this CLI
  }
  /** pull, then: critical 90 -> 95 on "cpu high", "old expression" removed, "top page" added */
  async function pullAndEdit(): Promise<void> {
    const r = await mkr(['monitors', 'pull'])
    assert.equal(r.code, 0, r.stderr)
    const {monitors} = readFile()
    writeFile([...monitors.filter((m) => m.id !== ids.old).map((m) => (m.id === ids.cpu ? {...m, critical: 95} : m)), newRule])
  }

  it('monitors --jq and monitors get --jq: the program over the raw monitors; --json on a terminal', async () => {
    let r = await mkr(['monitors', '--jq', '.[] | select(.type == "host") | [.name, .critical, .futureField]'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '["cpu high",90,{"rollout":"beta","since":2026}]\n')
    r = await mkr(['monitors', 'get', ids.old, '--jq', '.expression, .critical, .warning'])
    assert.equal(r.stdout, 'avg(roleSlots("web:app","loadavg5"))\n\n5\n')
    r = await tty(['monitors', '--json'])
    assert.equal(JSON.parse(r.stdout).length, 3)
    r = await mkr(['monitors', 'get', ids.cpu, '--jq', '.name | ascii_downcase | error'])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, 'mkr: --jq: cpu high\n')
  })

  it("pull writes mkr's file with every field; pushing it unchanged sends nothing and a new pull is byte-identical", async () => {
    const r = await mkr(['monitors', 'pull'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, "Monitor rules are saved to 'monitors.json' (3 rules).\n")
    const text = readFileSync(file, 'utf8')
    assert.match(text, /^\{\n {4}"monitors": \[\n {8}\{\n {12}"id": /)
    assert.ok(text.endsWith('}\n'))
    const cpu = readFile().monitors.find((m) => m.id === ids.cpu)!
    assert.deepEqual(cpu.futureField, {rollout: 'beta', since: 2026})

    const push = await mkr(['monitors', 'push'])
    assert.equal(push.code, 0, push.stderr)
    assert.match(push.stderr, /No changes: Mackerel already matches monitors\.json \(3 rules\)\./)
    assert.deepEqual(writes(), [])

    assert.equal((await mkr(['monitors', 'pull', '-F', 'again.json'])).code, 0)
    assert.equal(readFileSync(join(tmp, 'again.json'), 'utf8'), text)
  })

  it('round trip: pull, edit, diff, push, and the diff is clean; unknown fields survive the update', async () => {
    await pullAndEdit()
    const diff = await mkr(['monitors', 'diff'])
    assert.equal(diff.code, 0, diff.stderr)
    assert.match(diff.stdout, /^Summary: 1 modify, 1 append, 1 remove\n\n \{\n/)
    assert.match(diff.stdout, /^- {2}"critical": 90,\n\+ {2}"critical": 95,$/m)
    assert.match(diff.stdout, /^ {3}"futureField": \{$/m) // shown as context: unchanged
    assert.match(diff.stdout, new RegExp(`^- {2}"id": "${ids.old}",$`, 'm'))
    assert.match(diff.stdout, /^\+ {2}"name": "top page",$/m)
    assert.doesNotMatch(diff.stdout, /\x1b\[/) // no color when piped
    assert.equal((await mkr(['monitors', 'diff', '--exit-code'])).code, 1)

    const push = await mkr(['monitors', 'push', '--yes'])
    assert.equal(push.code, 0, push.stderr)
    assert.match(push.stdout, /^Plan: 1 to create, 1 to update, 1 to delete, 1 unchanged\.\n/)
    assert.deepEqual(writes(), ['POST /api/v0/monitors 200', `PUT /api/v0/monitors/${ids.cpu} 200`, `DELETE /api/v0/monitors/${ids.old} 200`])
    assert.doesNotMatch(push.stderr, /\[1\/3\]/) // no progress line without a terminal

    const cpu = sb.store.monitors.get(ids.cpu)!
    assert.equal(cpu.critical, 95)
    assert.deepEqual(cpu.futureField, {rollout: 'beta', since: 2026})
    assert.equal(cpu.memo, 'page the on-call')
    const created = sb.store.listMonitors().find((m) => m.name === 'top page')!
    assert.deepEqual(created.somethingNew, [1, 2])
    assert.deepEqual(created.headers, [{name: 'X-Probe', value: 'mkr'}])
    assert.ok(!sb.store.monitors.has(ids.old))
    assert.match(push.stderr, new RegExp(`created "top page" \\(external, id ${created.id}\\)`))

    const after = await mkr(['monitors', 'diff', '-e'])
    assert.equal(after.code, 0, after.stdout)
    assert.equal(after.stdout, 'Summary: 0 modify, 0 append, 0 remove\n\n')
  })

  it('diff --reverse swaps the sides', async () => {
    await pullAndEdit()
    const r = await mkr(['monitors', 'diff', '--reverse'])
    assert.match(r.stdout, /^Summary: 1 modify, 1 append, 1 remove\n/)
    assert.match(r.stdout, /^- {2}"critical": 95,\n\+ {2}"critical": 90,$/m)
    assert.match(r.stdout, /^- {2}"name": "top page",$/m)
    assert.match(r.stdout, new RegExp(`^\\+ {2}"id": "${ids.old}",$`, 'm'))
  })

  it('a file with ids from another organization deletes nothing without --allow-delete-all', async () => {
    assert.equal((await mkr(['monitors', 'pull'])).code, 0)
    writeFile(readFile().monitors.map((m) => ({...m, id: `other-org-${m.id}`})))
    const r = await mkr(['monitors', 'push', '--yes'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /3 rules in monitors\.json have ids that this organization does not have/)
    assert.match(r.stderr, /^mkr: refusing to delete all 3 monitor rules of the organization: monitors\.json matches none of them; nothing was changed$/m)
    assert.match(r.stderr, /^hint: .*--allow-delete-all/m)
    assert.deepEqual(writes(), [])
    assert.equal(sb.store.monitors.size, 3)
  })

  describe('invalid files are rejected before anything is written', () => {
    const cases: [string, string, RegExp][] = [
      ['bad JSON (with line and column)', '{\n    "monitors": [\n        {"type": "host", "name": "x",}\n    ]\n}\n', /^mkr: monitors\.json:3:37: invalid JSON: trailing comma before '\}'$/m],
      [
        'a missing required field',
        JSON.stringify({monitors: [{type: 'host', name: 'no metric', operator: '>', duration: 1}]}, null, 4),
        /^mkr: monitors\.json:3: monitors\[0\] "no metric": metric: required for host monitors$/m,
      ],
      [
        'a wrong type',
        JSON.stringify({monitors: [{type: 'host', name: 'cpu', metric: 'cpu%', operator: '>', duration: '5'}]}, null, 4),
        /^mkr: monitors\.json:3: monitors\[0\] "cpu": duration: must be a whole number from 1 to 10, got a string \("5"\)$/m,
      ],
      [
        'an unknown monitor type',
        JSON.stringify({monitors: [{type: 'hots', name: 'typo', metric: 'cpu%'}]}, null, 4),
        /^mkr: monitors\.json:3: monitors\[0\] "typo": type: unknown monitor type "hots" \(known: host, connectivity, service, external, expression, anomalyDetection, query\); this CLI cannot check it, so it will not create it$/m,
      ],
    ]
    for (const [what, text, message] of cases) {
      it(what, async () => {
        writeFileSync(file, text)
        const r = await mkr(['monitors', 'push', '--yes', '--allow-delete-all'])
        assert.equal(r.code, 1, r.stderr)
        assert.match(r.stderr, message)
        assert.match(r.stderr, /^hint: nothing was sent to Mackerel/m)
        // the rules are judged against what Mackerel holds: one read, no write
        assert.deepEqual(writes(), [])
        if (!what.includes('JSON')) assert.deepEqual(sb.requests().map((q) => `${q.method} ${q.path}`), ['GET /api/v0/monitors'])
      })
    }

    it('every problem of the file is listed at once, the plan\'s (an unknown type to create) with the rules\' own', async () => {
      writeFile([{type: 'host', name: 'a', metric: 'cpu%', operator: '>='}, {type: 'connectivity', isMute: 'no'}, {type: 'hots', name: 'typo'}])
      const r = await mkr(['monitors', 'push', '--yes', '--allow-delete-all'])
      assert.equal(r.code, 1)
      assert.equal(
        r.stderr,
        [
          'monitors.json:3: monitors[0] "a": operator: must be one of ">", "<", got ">="',
          'monitors.json:3: monitors[0] "a": duration: required for host monitors',
          'monitors.json:9: monitors[1]: isMute: must be true or false, got a string ("no")',
          'monitors.json:13: monitors[2] "typo": type: unknown monitor type "hots" (known: host, connectivity, service, external, expression, anomalyDetection, query); this CLI cannot check it, so it will not create it',
          'mkr: monitors.json: 4 problems in 3 monitor rules',
          'hint: nothing was sent to Mackerel; fix the file and run the command again',
          '',
        ].join('\n'),
      )
      assert.deepEqual(writes(), [])
    })

    it('diff lists them as warnings and still diffs (exit 0)', async () => {
      assert.equal((await mkr(['monitors', 'pull'])).code, 0)
      writeFile(readFile().monitors.map((m) => (m.id === ids.cpu ? {...m, operator: '>=', duration: 0} : m)))
      const r = await mkr(['monitors', 'diff'])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(
        r.stderr,
        [
          'mkr: warning: monitors.json:23: monitors[2] "cpu high": operator: must be one of ">", "<", got ">="',
          'mkr: warning: monitors.json:23: monitors[2] "cpu high": duration: must be a whole number from 1 to 10, got 0',
          'mkr: warning: monitors.json: 2 problems above: push refuses the file until they are fixed; the diff follows anyway',
          '',
        ].join('\n'),
      )
      assert.match(r.stdout, /^Summary: 1 modify, 0 append, 0 remove\n/)
      assert.match(r.stdout, /^- {2}"duration": 5,\n\+ {2}"duration": 0,$/m)
    })
  })

  it('a rule that leaves out keys Mackerel has (a Go-mkr file): diff is clean, push keeps them', async () => {
    assert.equal((await mkr(['monitors', 'pull'])).code, 0)
    const goMkr = (m: Obj) => {
      const {futureField: _f, isMute: _m, scopes: _s, excludeScopes: _e, maxCheckAttempts: _a, ...rest} = m
      return rest
    }
    writeFile(readFile().monitors.map((m) => (m.id === ids.cpu ? goMkr(m) : m)))
    const diff = await mkr(['monitors', 'diff', '--exit-code'])
    assert.equal(diff.code, 0, diff.stdout + diff.stderr)
    assert.equal(diff.stdout, 'Summary: 0 modify, 0 append, 0 remove\n\n')
    // an edit of another key: the PUT sends the left-out keys back, so the sandbox (a PUT replaces) keeps them
    writeFile(readFile().monitors.map((m) => (m.id === ids.cpu ? {...m, critical: 95} : m)))
    const push = await mkr(['monitors', 'push'])
    assert.equal(push.code, 0, push.stderr)
    assert.deepEqual(writes(), [`PUT /api/v0/monitors/${ids.cpu} 200`])
    const cpu = sb.store.monitors.get(ids.cpu)!
    assert.equal(cpu.critical, 95)
    assert.deepEqual(cpu.scopes, ['web'])
    assert.deepEqual(cpu.futureField, {rollout: 'beta', since: 2026})
  })

  it('a push failing half way reports exactly what was applied and what was not', async () => {
    await pullAndEdit()
    sb.addFault({method: 'PUT', path: `/api/v0/monitors/${ids.cpu}`, status: 400, body: '{"error":{"message":"injected failure"}}', times: 1})
    const r = await mkr(['monitors', 'push', '--yes'])
    assert.equal(r.code, 1)
    const created = sb.store.listMonitors().find((m) => m.name === 'top page')!
    assert.ok(created, 'the create before the failure was applied')
    assert.ok(
      r.stderr.includes(
        [
          'Applied 1 of 3 changes before the failure:',
          `  created "top page" (external, id ${created.id})`,
          'Failed (not applied):',
          `  update "cpu high" (host, id ${ids.cpu})`,
          'Not applied (1):',
          `  delete "old expression" (expression, id ${ids.old})`,
          `mkr: push stopped after 1 of 3 changes: update "cpu high" (host, id ${ids.cpu}) failed: PUT /api/v0/monitors/${ids.cpu} failed: 400 injected failure`,
        ].join('\n'),
      ),
      r.stderr,
    )
    assert.deepEqual(writes(), ['POST /api/v0/monitors 200', `PUT /api/v0/monitors/${ids.cpu} 400`])
    assert.equal(sb.store.monitors.get(ids.cpu)!.critical, 90)
    assert.ok(sb.store.monitors.has(ids.old))

    // running it again sends only what still differs
    const again = await mkr(['monitors', 'push', '--yes'])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stdout, /^Plan: 0 to create, 1 to update, 1 to delete, 2 unchanged\.\n/)
  })

  it('a 503 on an update is retried; a 500 on a create is reported as a possibly applied change', async () => {
    await pullAndEdit()
    sb.addFault({method: 'PUT', path: `/api/v0/monitors/${ids.cpu}`, status: 503, times: 1})
    const ok = await mkr(['monitors', 'push', '--no-delete'])
    assert.equal(ok.code, 0, ok.stderr)
    assert.deepEqual(writes(), ['POST /api/v0/monitors 200', `PUT /api/v0/monitors/${ids.cpu} 503`, `PUT /api/v0/monitors/${ids.cpu} 200`])

    writeFile([...readFile().monitors, {type: 'connectivity', name: 'second'}])
    sb.addFault({method: 'POST', path: '/api/v0/monitors', status: 500, times: 1})
    const r = await mkr(['monitors', 'push', '--no-delete'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /Outcome unknown \(the request was sent and the answer does not tell whether it took effect\):\n {2}create "second" \(connectivity\)\n/)
    assert.match(r.stderr, /^hint: check with `mkr monitors diff` whether it took effect/m)
    assert.equal(writes().filter((w) => w.startsWith('POST')).length, 2) // the create was not sent twice
  })

  it('deletes without --yes and without a terminal: no write at all, exit 1, a message naming --yes', async () => {
    await pullAndEdit()
    const r = await mkr(['monitors', 'push'])
    assert.equal(r.code, 1)
    assert.match(r.stdout, /^Plan: 1 to create, 1 to update, 1 to delete/) // the plan is still shown
    assert.match(r.stderr, /^mkr: refusing to delete 1 monitor rule without confirmation: nothing was changed$/m)
    assert.match(r.stderr, /^hint: .*--yes/m)
    assert.deepEqual(writes(), [])
  })

  it('--dry-run shows the plan and writes nothing', async () => {
    await pullAndEdit()
    const r = await mkr(['monitors', 'push', '--dry-run'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^Create a new rule: "top page" \(external\) \(monitors\[2\]\)\n\+\{$/m)
    assert.match(r.stdout, new RegExp(`^Update a rule: "cpu high" \\(host, id ${ids.cpu}\\) \\(monitors\\[1\\]\\)\\n \\{$`, 'm'))
    assert.match(r.stdout, new RegExp(`^Delete a rule: "old expression" \\(expression, id ${ids.old}\\)\\n-\\{$`, 'm'))
    assert.match(r.stderr, /Dry run: nothing was changed/)
    assert.deepEqual(writes(), [])
  })

  it('--no-delete keeps the rules that are not in the file and needs no confirmation', async () => {
    await pullAndEdit()
    const r = await mkr(['monitors', 'push', '--no-delete'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(writes(), ['POST /api/v0/monitors 200', `PUT /api/v0/monitors/${ids.cpu} 200`])
    assert.ok(sb.store.monitors.has(ids.old))
  })

  it('list: JSON when piped (every field), get: one monitor', async () => {
    const list = await mkr(['monitors'])
    assert.equal(list.code, 0, list.stderr)
    const monitors = JSON.parse(list.stdout) as Obj[]
    assert.deepEqual(monitors.map((m) => m.name), ['connectivity', 'old expression', 'cpu high']) // the API's order: type, then name
    assert.deepEqual(monitors.find((m) => m.id === ids.cpu)!.futureField, {rollout: 'beta', since: 2026})
    const get = await mkr(['monitors', 'get', ids.cpu])
    assert.equal(get.code, 0, get.stderr)
    assert.equal(JSON.parse(get.stdout).name, 'cpu high')
    const missing = await mkr(['monitors', 'get', 'nope'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /^mkr: GET \/api\/v0\/monitors\/nope failed: 404 /m)
  })


  describe('on a terminal', () => {
    it('list is a table', async () => {
      const r = await tty(['monitors', '--no-color'])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /^ID +NAME +TYPE +TARGET \/ CONDITION +MUTED\n/) // borderless
      assert.match(r.stdout, /cpu high +host +cpu% \(5 min avg\): warn > 80, crit > 90 on web/)
    })

    it('diff is colored, and not with --no-color', async () => {
      await pullAndEdit()
      const colored = await tty(['monitors', 'diff'])
      assert.ok(colored.stdout.includes('\x1b[31m-  "critical": 90,\x1b[39m'), JSON.stringify(colored.stdout.slice(0, 400)))
      assert.ok(colored.stdout.includes('\x1b[32m+  "critical": 95,\x1b[39m'))
      const plain = await tty(['monitors', 'diff', '--no-color'])
      assert.doesNotMatch(plain.stdout, /\x1b\[3\d?m/)
    })

    it('push asks before deleting; "n" writes nothing', async () => {
      await pullAndEdit()
      const asked: string[] = []
      const r = await tty(['monitors', 'push', '--no-color'], {confirm: (q) => (asked.push(q), false)})
      assert.deepEqual(asked, ['Delete 1 monitor rule from Mackerel (and apply the other changes)?'])
      assert.match(r.stderr, /mkr: push canceled: nothing was changed/)
      assert.equal(r.code, 1)
      assert.deepEqual(writes(), [])
    })

    it('push --yes shows progress on the terminal when the writes are slow', async () => {
      await pullAndEdit()
      // the progress line appears only for work that takes longer than PROGRESS_DELAY_MS (300 ms)
      sb.addFault({method: 'POST', path: '/api/v0/monitors', delayMs: 700, times: 1})
      sb.addFault({method: 'DELETE', path: `/api/v0/monitors/${ids.old}`, delayMs: 700, times: 1})
      const r = await tty(['monitors', 'push', '--yes', '--no-color'])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stderr, /\[1\/3\] create "top page" \(external\)…/)
      assert.match(r.stderr, /\[3\/3\] delete "old expression"/)
      assert.equal(writes().length, 3)
    })
  })
})
