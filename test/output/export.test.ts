// The one exporter: what a command prints for each combination of terminal, --json and --jq.
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {startSandbox} from '../../src/sandbox/server.js'
import {cleanEnv, runMkr} from '../e2e/harness.js'
import {CliError} from '../../src/errors.js'
import {exportData, outputKind, type OutputOptions, type View} from '../../src/output/export.js'
import {testIO} from '../../src/output/iostreams.js'

const DATA = [
  {name: 'web01', status: 'working'},
  {name: 'db01', status: 'standby'},
]
const view: View = {render: (p) => DATA.map((h) => `${h.name}  ${p.blue(h.status)}\n`).join(''), empty: 'no hosts'}

/** `tty` is the test IO's stdout; `color` its --color/--no-color */
async function print(data: unknown, opts: OutputOptions & {tty?: boolean}, v: View | 'none' = view) {
  const {tty, color, ...rest} = opts
  const t = testIO({stdoutTTY: tty, color})
  await exportData(data, rest, v === 'none' ? undefined : v, t.io)
  return {out: t.out(), err: t.err(), info: t.err().split('\n').filter(Boolean)}
}

describe('output exporter', () => {
  it('decides once: --jq wins over everything, a table only on a terminal without --json and only when the command has one', () => {
    assert.equal(outputKind({}, true, testIO({stdoutTTY: true}).io), 'table')
    assert.equal(outputKind({}, true, testIO().io), 'json')
    const cases: [OutputOptions, boolean, string][] = [
      [{tty: true}, true, 'table'],
      [{tty: false}, true, 'json'],
      [{tty: true, json: true}, true, 'json'],
      [{tty: true}, false, 'json'],
      [{tty: true, jq: '.'}, true, 'jq'],
      [{tty: false, jq: ''}, true, 'jq'],
      [{tty: true, json: true, jq: '.[0]'}, true, 'jq'],
    ]
    for (const [opts, hasView, kind] of cases) assert.equal(outputKind(opts, hasView), kind, JSON.stringify(opts))
  })

  it("piped: mkr's JSON, 4-space indent and a trailing newline; [] when empty", async () => {
    assert.equal((await print(DATA, {tty: false})).out, '[\n    {\n        "name": "web01",\n        "status": "working"\n    },\n    {\n        "name": "db01",\n        "status": "standby"\n    }\n]\n')
    assert.equal((await print([], {tty: false})).out, '[]\n')
  })

  it('on a terminal: the view, colored unless --no-color; an info line instead of an empty table', async () => {
    assert.equal((await print(DATA, {tty: true})).out, 'web01  \u001b[34mworking\u001b[39m\ndb01  \u001b[34mstandby\u001b[39m\n')
    assert.equal((await print(DATA, {tty: true, color: false})).out, 'web01  working\ndb01  standby\n')
    const empty = await print([], {tty: true})
    assert.equal(empty.out, '')
    assert.deepEqual(empty.info, ['no hosts'])
    assert.equal((await print({name: 'x'}, {tty: true}, 'none')).out, '{\n    "name": "x"\n}\n') // no view: JSON on a terminal too
  })

  it('--jq filters the same JSON, on a terminal too; an error is a CliError after the results before it', async function () {
    this.timeout(20_000)
    assert.equal((await print(DATA, {tty: true, jq: '.[] | select(.status == "working") | .name'})).out, 'web01\n')
    assert.equal((await print([], {tty: false, jq: 'length'})).out, '0\n')
    const t = testIO()
    const failure = await exportData(DATA, {jq: '.[] | .name, error("stop")'}, view, t.io).then(
      () => assert.fail('expected an error'),
      (error: unknown) => error,
    )
    assert.ok(failure instanceof CliError)
    assert.equal(failure.message, '--jq: stop')
    assert.equal(failure.exitCode, 1)
    assert.equal(t.out(), 'web01\n')
  })

  it('the jq engine is loaded only when --jq is given (a real process, every module load watched)', async function () {
    this.timeout(30_000)
    const dir = mkdtempSync(join(tmpdir(), 'mkr-jq-lazy-'))
    const log = join(dir, 'loads')
    // a preload that records every module the CLI loads by name
    writeFileSync(
      join(dir, 'watch.cjs'),
      `const M = require('node:module'); const fs = require('node:fs'); const orig = M._load;
       M._load = function (request, ...rest) { fs.appendFileSync(${JSON.stringify(log)}, request + '\\n'); return orig.call(this, request, ...rest) }`,
    )
    const sb = await startSandbox({seed: true})
    try {
      const env = cleanEnv({MACKEREL_APIBASE: sb.url, MACKEREL_APIKEY: sb.apiKey, NODE_OPTIONS: `--require ${join(dir, 'watch.cjs')}`})
      const plain = await runMkr(['org'], {env})
      assert.equal(plain.code, 0, plain.stderr)
      const loads = readFileSync(log, 'utf8').split('\n')
      assert.ok(loads.length > 3, 'the watcher saw the loads')
      assert.ok(!loads.includes('jq-web'), 'mkr org loaded the jq engine')
      rmSync(log)
      const jq = await runMkr(['org', '--jq', '.name'], {env})
      assert.equal(jq.code, 0, jq.stderr)
      assert.equal(jq.stdout, 'sandbox\n')
      assert.ok(readFileSync(log, 'utf8').split('\n').includes('jq-web'), 'with --jq the engine is loaded (the watcher works)')
    } finally {
      await sb.close()
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
