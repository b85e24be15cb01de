// The one exporter: what a command prints for each combination of terminal, --json and --jq.
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {CliError} from '../../src/errors.js'
import {exportData, outputKind, type OutputOptions, type View} from '../../src/output/export.js'

const DATA = [
  {name: 'web01', status: 'working'},
  {name: 'db01', status: 'standby'},
]
const view: View = {render: (p) => DATA.map((h) => `${h.name}  ${p.blue(h.status)}\n`).join(''), empty: 'no hosts'}

async function print(data: unknown, opts: OutputOptions, v: View | 'none' = view) {
  const o = {out: '', err: '', info: [] as string[]}
  await exportData(data, opts, v === 'none' ? undefined : v, {out: (t) => void (o.out += t), err: (t) => void (o.err += t), info: (l) => void o.info.push(l)})
  return o
}

describe('output exporter', () => {
  it('decides once: --jq wins over everything, a table only on a terminal without --json and only when the command has one', () => {
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
    const saved = {NO_COLOR: process.env.NO_COLOR, TERM: process.env.TERM}
    delete process.env.NO_COLOR
    process.env.TERM = 'xterm'
    try {
      assert.equal((await print(DATA, {tty: true})).out, 'web01  \u001b[34mworking\u001b[39m\ndb01  \u001b[34mstandby\u001b[39m\n')
      assert.equal((await print(DATA, {tty: true, color: false})).out, 'web01  working\ndb01  standby\n')
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
    const empty = await print([], {tty: true})
    assert.equal(empty.out, '')
    assert.deepEqual(empty.info, ['no hosts'])
    assert.equal((await print({name: 'x'}, {tty: true}, 'none')).out, '{\n    "name": "x"\n}\n') // no view: JSON on a terminal too
  })

  it('--jq filters the same JSON, on a terminal too; an error is a CliError after the results before it', async function () {
    this.timeout(20_000)
    assert.equal((await print(DATA, {tty: true, jq: '.[] | select(.status == "working") | .name'})).out, 'web01\n')
    assert.equal((await print([], {tty: false, jq: 'length'})).out, '0\n')
    const o = {out: '', err: '', info: [] as string[]}
    const failure = await exportData(DATA, {jq: '.[] | .name, error("stop")'}, view, {out: (t) => void (o.out += t), err: (t) => void (o.err += t), info: () => {}}).then(
      () => assert.fail('expected an error'),
      (error: unknown) => error,
    )
    assert.ok(failure instanceof CliError)
    assert.equal(failure.message, '--jq: stop')
    assert.equal(failure.exitCode, 1)
    assert.equal(o.out, 'web01\n')
  })

  it('the jq engine stays out of the start-up path of the bundle (only a dynamic import reaches it)', () => {
    // dist/ is built by `npm test` (scripts/build.js) before mocha runs
    const dist = join(import.meta.dirname, '..', '..', 'dist')
    const seen = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      const text = readFileSync(file, 'utf8')
      assert.doesNotMatch(text, /from\s*["']jq-web["']/, `${file} imports jq-web statically`)
      assert.ok(!/"filterJson"/.test(text), `${file}, loaded at start-up, holds the jq runner`)
      for (const m of text.matchAll(/(?:^|[;}\n])\s*import\s*(?:[^"'()]*?from\s*)?["'](\.[^"']+)["']/g)) visit(join(file, '..', m[1]))
    }
    visit(join(dist, 'mkr.js'))
    assert.ok(seen.size > 1, 'followed the static imports of dist/mkr.js')
    assert.match(readFileSync(join(dist, 'mkr.js'), 'utf8'), /import\("\.\/chunks\/jq-[A-Z0-9]+\.js"\)/)
  })
})
