// `mkr dashboards` (list), `dashboards pull` and `dashboards push` in-process against the in-process
// sandbox, and the file checks of push (every problem at once, nothing sent).
import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {closeAgent} from '../../src/api/client.js'
import {dashboardChanges} from '../../src/dashboards/push.js'
import {validateDashboard} from '../../src/dashboards/validate.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {clientOf, mkr as run, type IOOptions} from '../cli/run.js'

const markdown = (y: number, o: Record<string, unknown> = {}) => ({type: 'markdown', title: 'About', markdown: '# hi', layout: {x: 0, y, width: 24, height: 2}, ...o})
const graph = (y: number) => ({type: 'graph', title: 'load', graph: {type: 'role', roleFullname: 'demo:web', name: 'loadavg5'}, layout: {x: 0, y, width: 12, height: 8}})

describe('dashboards (in-process)', () => {
  let sb: Sandbox
  let client: ReturnType<typeof clientOf>
  let tmp: string
  let existing: string

  before(async () => {
    sb = await startSandbox({port: 0, seed: false})
    sb.store.addService('demo', '', ['web'])
    client = clientOf(sb)
  })
  beforeEach(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'mkr-dash-'))
    sb.store.dashboards.clear()
    const r = await mkr(['dashboards', 'push', '-F', write('seed.json', {title: 'Existing', urlPath: 'existing', memo: 'm', widgets: [markdown(0), graph(2)]})])
    assert.equal(r.code, 0, r.stderr)
    existing = [...sb.store.dashboards.keys()][0]
  })
  afterEach(() => rmSync(tmp, {recursive: true, force: true}))
  after(async () => {
    await sb.close()
    await closeAgent()
  })

  const mkr = (args: string[], io?: IOOptions) => run(args, {client, io})
  const write = (name: string, doc: unknown) => {
    const file = join(tmp, name)
    writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2))
    return file
  }
  const writes = () => sb.requests().filter((r) => r.method !== 'GET').length

  it("list piped: mkr's shape (widgets null: the list has none); --jq; a table on a terminal", async () => {
    let r = await mkr(['dashboards'])
    assert.equal(r.code, 0, r.stderr)
    const [d] = JSON.parse(r.stdout)
    assert.deepEqual(Object.keys(d), ['id', 'title', 'urlPath', 'createdAt', 'updatedAt', 'memo', 'widgets'])
    assert.equal(d.widgets, null)
    r = await mkr(['dashboards', '--jq', '.[].title'])
    assert.equal(r.stdout, 'Existing\n')
    r = await mkr(['dashboards'], {stdoutTTY: true, width: 120})
    assert.match(r.stdout, new RegExp(`^TITLE +ID +URL PATH +UPDATED +MEMO\\nExisting +${existing} +existing +just now +m\\n$`))
  })

  it('pull: every dashboard in full (widgets included, unlike mkr) to dashboard-<id>.json, with the info line', async () => {
    const r = await mkr(['dashboards', 'pull', '--dir', tmp])
    assert.equal(r.code, 0, r.stderr)
    const file = join(tmp, `dashboard-${existing}.json`)
    assert.equal(r.stderr, `Dashboard file is saved to '${file}'(title:Existing)\n`)
    const d = JSON.parse(readFileSync(file, 'utf8'))
    assert.equal(d.widgets.length, 2)
    assert.equal(d.widgets[1].graph.roleFullname, 'demo:web')
  })

  it('pull --id: one dashboard; an unknown id is one line, exit 1, nothing written', async () => {
    let r = await mkr(['dashboards', 'pull', '--id', existing, '--dir', tmp])
    assert.equal(r.code, 0, r.stderr)
    assert.ok(existsSync(join(tmp, `dashboard-${existing}.json`)))
    rmSync(join(tmp, `dashboard-${existing}.json`))
    r = await mkr(['dashboards', 'pull', '--id', 'nope', '--dir', tmp])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: GET \/api\/v0\/dashboards\/nope failed: 404 /)
    assert.deepEqual(readdirSync(tmp), ['seed.json'])
  })

  it('pull all: a failure part-way writes no file', async () => {
    await mkr(['dashboards', 'push', '-F', write('b.json', {title: 'B', urlPath: 'b', widgets: []})])
    const second = [...sb.store.dashboards.keys()][1]
    sb.addFault({method: 'GET', path: `/api/v0/dashboards/${second}`, status: 404, body: '{"error":{"message":"gone"}}'})
    const r = await mkr(['dashboards', 'pull', '--dir', tmp])
    sb.clearFaults()
    assert.equal(r.code, 1)
    assert.deepEqual(readdirSync(tmp).sort(), ['b.json', 'seed.json'])
  })

  it('pull then push unchanged: nothing is sent; an edit shows the change and PUTs the whole file', async () => {
    await mkr(['dashboards', 'pull', '--dir', tmp])
    const file = join(tmp, `dashboard-${existing}.json`)
    const before = writes()
    let r = await mkr(['dashboards', 'push', '-F', file])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /^No changes: dashboard \w+ "Existing" already matches /)
    assert.equal(writes(), before)
    const d = JSON.parse(readFileSync(file, 'utf8'))
    d.title = 'Renamed'
    d.widgets[1].layout.height = 10
    d.widgets.push(markdown(20, {title: 'More'}))
    writeFileSync(file, JSON.stringify(d))
    r = await mkr(['dashboards', 'push', '-F', file, '--dry-run'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `~ dashboard ${existing} "Renamed"\n    title: "Existing" -> "Renamed"\n  ~ widgets[1] graph "load"\n  + widgets[2] markdown "More"\n`)
    assert.equal(r.stderr, 'Dry run: nothing was changed.\n')
    assert.equal(writes(), before)
    r = await mkr(['dashboards', 'push', '-F', file])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(writes(), before + 1)
    const stored = sb.store.dashboards.get(existing)!
    assert.equal(stored.title, 'Renamed')
    assert.equal((stored.widgets as unknown[]).length, 3)
  })

  it("a file of mkr's (null fields of other widget types, a UTF-8 BOM) pushes", async () => {
    const d = {id: existing, title: 'Existing', urlPath: 'existing', createdAt: 1, updatedAt: 2, memo: 'm', widgets: [{...markdown(0), metric: null, graph: null, range: null}, graph(2)]}
    const r = await mkr(['dashboards', 'push', '-F', write('mkr.json', '\ufeff' + JSON.stringify(d))])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stderr, /^No changes/)
  })

  it('create: without id; a urlPath in use is refused before the POST, naming the dashboard to update', async () => {
    let r = await mkr(['dashboards', 'push', '-F', write('new.json', {title: 'New', urlPath: 'team/new', memo: '', widgets: [graph(0)]})])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, '+ dashboard "New" (urlPath "team/new", 1 widget)\n')
    assert.match(r.stderr, /^Created dashboard \w+ "New"\.\n$/)
    const before = writes()
    r = await mkr(['dashboards', 'push', '-F', write('dup.json', {title: 'Dup', urlPath: 'existing', widgets: []})])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, `mkr: ${join(tmp, 'dup.json')}: urlPath "existing" is already used by dashboard ${existing} "Existing"\nhint: to update that dashboard, add "id": "${existing}" to the file; to create another one, change its urlPath. Nothing was sent to Mackerel\n`)
    assert.equal(writes(), before)
  })

  it('an id Mackerel does not have: one line, exit 1, no write', async () => {
    const before = writes()
    const r = await mkr(['dashboards', 'push', '-F', write('x.json', {id: 'nope', title: 'X', urlPath: 'x', widgets: []})])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /: no dashboard nope in Mackerel\nhint: remove "id" from the file/)
    assert.equal(writes(), before)
  })

  it('bad files: every problem listed, one error line, exit 1, nothing sent', async () => {
    const before = sb.requests().length
    const cases: [string, string | object, RegExp][] = [
      ['missing.json', '', /cannot read .*missing\.json: no such file/],
      ['empty.json', '  \n', /the file is empty/],
      ['syntax.json', '{"title": "x",}', /syntax\.json:1:\d+: invalid JSON/],
      ['array.json', [], /expected one dashboard object, got an array/],
      ['notitle.json', {urlPath: 'x', widgets: []}, /notitle\.json: title: is missing\n/],
    ]
    for (const [name, doc, re] of cases) {
      const file = name === 'missing.json' ? join(tmp, name) : write(name, doc)
      const r = await mkr(['dashboards', 'push', '-F', file])
      assert.equal(r.code, 1, name)
      assert.match(r.stderr, re, name)
    }
    const bad = {
      title: 'x',
      urlPath: 'bad path',
      widgets: [
        {type: 'graph', graph: {type: 'host', name: 'cpu'}, layout: {x: 0, y: 0, width: 3, height: 6}},
        {type: 'value', metric: {type: 'service', serviceName: 's', name: 'm'}, formatRules: [{threshold: 1, operator: '>='}], layout: {x: 20, y: 0, width: 6, height: 4}},
        markdown(0),
        {type: 'pie', layout: {x: 0, y: 9, width: 4, height: 4}},
      ],
    }
    const r = await mkr(['dashboards', 'push', '-F', write('bad.json', bad)])
    assert.equal(r.code, 1)
    const lines = r.stderr.trimEnd().split('\n')
    const file = join(tmp, 'bad.json')
    assert.deepEqual(lines, [
      `${file}: urlPath: must be letters, digits, - and _ in /-separated parts (e.g. "team/web")`,
      `${file}: widgets[0].layout: a graph widget must be 6x6 to 24x32 (width x height), not 3x6`,
      `${file}: widgets[0].graph.hostId: is missing`,
      `${file}: widgets[1].layout: x + width must be at most 24 (the grid is 24 columns wide), not 26`,
      `${file}: widgets[1].formatRules[0].operator: must be ">" or "<", not ">="`,
      `${file}: widgets[3].type: must be one of graph, value, markdown, alertStatus, not "pie"`,
      `mkr: ${file}: 6 problems`,
      'hint: nothing was sent to Mackerel; fix the file and run the command again',
    ])
    assert.equal(sb.requests().length, before)
  })

  it('no -F is a usage error (exit 2); generate is obsolete (exit 1), as in mkr', async () => {
    let r = await mkr(['dashboards', 'push'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /^mkr: give the dashboard file with -F\n/)
    r = await mkr(['dashboards', 'generate'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: `mkr dashboards generate` command has been obsolete\n/)
  })

  describe('validateDashboard and dashboardChanges (pure)', () => {
    it('overlapping widgets, too many reference lines, a legend on a role graph, a bad alertStatus role', () => {
      const issues = validateDashboard({
        title: 't',
        urlPath: 'u',
        widgets: [
          {...graph(0), referenceLines: [{label: 'a', value: 1}, {label: 'b', value: -1}], legendList: ['x']},
          {type: 'alertStatus', roleFullname: 'nocolon', layout: {x: 4, y: 4, width: 4, height: 3}},
        ],
      }).map((i) => `${i.path}: ${i.message}`)
      assert.deepEqual(issues, [
        'widgets[0].referenceLines: may have at most 1 element, not 2',
        'widgets[0].referenceLines[1].value: must be at least 0',
        'widgets[0].legendList: is only for host and service graphs',
        'widgets[1].roleFullname: must be "service:role", not "nocolon"',
        'widgets[1].layout: overlaps widgets[0] (x 0, y 0, 12x8)',
      ])
      assert.deepEqual(validateDashboard({title: 't', urlPath: 'u', widgets: [graph(0), markdown(8)]}), [])
    })
    it('a removed widget and an unknown top-level field are shown', () => {
      assert.deepEqual(dashboardChanges({title: 't', urlPath: 'u', memo: '', widgets: [graph(0), markdown(8)]}, {title: 't', urlPath: 'u', memo: 'x', widgets: [graph(0)], extra: 1}), [
        '    memo: changed',
        '  - widgets[1] markdown "About"',
        '    extra: changed',
      ])
    })
  })
})
