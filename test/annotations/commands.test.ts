// `mkr annotations create/list/update/delete` in-process (test IO, TTY on/off, stdin from a string)
// against the in-process sandbox: the argv is parsed by the command classes, so flags, aliases and
// usage errors are covered. What needs a process (exit codes through bin/run.js, the environment of
// an agent action hook, a real terminal) is in test/e2e/annotations.test.ts.
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {closeAgent} from '../../src/api/client.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {clientOf, mkr, useCleanEnv, withEnv} from '../cli/run.js'
import {useTZ} from '../helpers/tz.js'

describe('annotations commands (in-process)', () => {
  let sb: Sandbox
  let client: ReturnType<typeof clientOf>
  const tmp = {path: mkdtempSync(join(tmpdir(), 'mkr-annotations-'))}
  useTZ('Asia/Tokyo')
  useCleanEnv()

  before(async () => {
    sb = await startSandbox({port: 0, seed: false})
    sb.store.addService('demo', '', ['web', 'db'])
    sb.store.addService('other', '', ['web'])
    client = clientOf(sb)
  })
  after(async () => {
    await sb.close()
    await closeAgent()
    rmSync(tmp.path, {recursive: true, force: true})
  })

  /** `mkr annotations ARGS...` */
  const run = (args: string[], io: {stdin?: string} = {}) => mkr(['annotations', ...args], {client, io})
  const tty = (args: string[]) => mkr(['annotations', ...args], {client, io: {stdoutTTY: true, stderrTTY: true, width: 200}})
  const annotationRequests = () => sb.requests().filter((r) => r.path.startsWith('/api/v0/graph-annotations'))

  async function create(args: string[], stdin?: string) {
    const r = await run(['create', '-s', 'demo', ...args], {stdin})
    assert.equal(r.code, 0, r.stderr)
    return JSON.parse(r.stdout) as Record<string, unknown>
  }

  it('create with epoch seconds prints the annotation in mkr\'s shape and order', async () => {
    const r = await run(['create', '--title', 'deploy', '--description', 'v1.2', '--from', '1714500000', '--to', '1714500600', '-s', 'demo', '-r', 'web'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^\{\n {4}"id": "[^"]+",\n {4}"title": "deploy",\n {4}"description": "v1.2",\n {4}"from": 1714500000,\n {4}"to": 1714500600,\n {4}"service": "demo",\n {4}"roles": \[\n {8}"web"\n {4}\]\n\}\n$/)
    const id = JSON.parse(r.stdout).id
    assert.deepEqual(sb.store.annotations.get(id), {id, title: 'deploy', description: 'v1.2', from: 1714500000, to: 1714500600, service: 'demo', roles: ['web']})
  })

  it('times: ISO-8601 with an offset, local ISO (TZ), date only', async () => {
    const a = await create(['--title', 'iso', '--from', '2024-05-01T12:00:00Z', '--to', '2024-05-01T21:30:00+09:00'])
    assert.equal(a.from, 1714564800)
    assert.equal(a.to, 1714566600)
    const b = await create(['--title', 'local', '--from', '2024-05-01 21:00', '--to', '2024-05-02'])
    assert.equal(b.from, 1714564800) // 21:00 in Asia/Tokyo = 12:00Z
    assert.equal(b.to, 1714575600) // local midnight = 15:00Z
  })

  it('times: now and relative forms, both flags resolved against the same instant', async () => {
    const t0 = Math.floor(Date.now() / 1000)
    const a = await create(['--title', 'rel', '--from', '-15m', '--to', 'now'])
    const t1 = Math.ceil(Date.now() / 1000)
    assert.equal((a.to as number) - (a.from as number), 900)
    assert.ok((a.to as number) >= t0 && (a.to as number) <= t1)
    const b = await create(['--title', 'rel2', '--from=now-2h', '--to=+1h30m'])
    assert.equal((b.to as number) - (b.from as number), 7200 + 5400)
  })

  it('roles: repeatable and comma-separated, svc:role of the same service accepted', async () => {
    const a = await create(['--title', 'roles', '--from', '1714500000', '--to', '1714500000', '-r', 'web,db', '--role', 'demo:web'])
    assert.deepEqual(a.roles, ['web', 'db'])
  })

  it('description from --description-file - (stdin) and from a file', async () => {
    const a = await create(['--title', 'stdin', '--from', '1714500000', '--to', '1714500001', '--description-file', '-'], 'from stdin\n')
    assert.equal(a.description, 'from stdin\n')
    const file = join(tmp.path, 'desc.txt')
    writeFileSync(file, '\uFEFFfrom a file')
    const b = await create(['--title', 'file', '--from', '1714500000', '--to', '1714500001', '--description-file', file])
    assert.equal(b.description, 'from a file')
  })

  it('in an agent action hook, MACKEREL_CHECK_MESSAGE becomes the description, cut to 1024 characters', async () => {
    // the command reads the hook's variables from process.env (src/annotations/create.ts)
    const a = await withEnv({MACKEREL_CHECK_MESSAGE: 'CRITICAL: ' + 'é'.repeat(2000), MACKEREL_STATUS: 'CRITICAL'}, () =>
      create(['--title', 'check failed', '--from', '-1m', '--to', 'now']),
    )
    const d = a.description as string
    assert.equal(Array.from(d).length, 1024)
    assert.ok(d.startsWith('CRITICAL: éé') && d.endsWith('é…'))
    const b = await withEnv({MACKEREL_CHECK_MESSAGE: 'CRITICAL: ' + 'é'.repeat(2000), MACKEREL_STATUS: 'CRITICAL'}, () =>
      create(['--title', 'explicit wins', '--from', '-1m', '--to', 'now', '--description', 'mine']),
    )
    assert.equal(b.description, 'mine')
    assert.equal(process.env.MACKEREL_CHECK_MESSAGE, undefined)
  })

  it('list takes the same time forms; update keeps what is not given; delete prints what was deleted', async () => {
    const a = await create(['--title', 'to-update', '--from', '2030-01-01T00:00:00Z', '--to', '2030-01-01T01:00:00Z', '-r', 'db'])
    let r = await run(['list', '-s', 'demo', '--from', '2030-01-01T00:30:00Z', '--to', '2030-01-02'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout), [{id: a.id, title: 'to-update', from: 1893456000, to: 1893459600, service: 'demo', roles: ['db']}])

    r = await run(['update', '--id', String(a.id), '-s', 'demo', '--title', 'updated', '--from', '1893456000', '--to', '2030-01-01T02:00:00Z'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout), {id: a.id, title: 'updated', from: 1893456000, to: 1893463200, service: 'demo', roles: ['db']})

    r = await run(['delete', '--id', String(a.id)])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout).title, 'updated')
    assert.equal(sb.store.annotations.has(String(a.id)), false)

    r = await run(['list', '-s', 'demo', '--from', '2030-01-01', '--to', '2030-01-02'])
    assert.equal(r.stdout, '[]\n')
  })

  it('list on a terminal is a table (local times); --json keeps JSON', async () => {
    await create(['--title', 'tty table', '--from', '2031-03-01T00:00:00Z', '--to', '2031-03-01T00:10:00Z', '-r', 'web'])
    const args = ['list', '-s', 'demo', '--from', '2031-03-01', '--to', '2031-03-02']
    let r = await tty(args)
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^ID +FROM +TO +TITLE +ROLES\n/) // borderless
    assert.match(r.stdout, /  2031-03-01 09:00:00  2031-03-01 09:10:00  tty table  web\n/) // Asia/Tokyo
    r = await tty([...args, '--json'])
    assert.equal(JSON.parse(r.stdout)[0].title, 'tty table')
  })

  it('list --jq: results of the program, on a terminal too', async () => {
    const a = await create(['--title', 'jq <one>', '--from', '2032-03-01T00:00:00Z', '--to', '2032-03-01T00:10:00Z', '-r', 'web'])
    const args = ['list', '-s', 'demo', '--from', '2032-03-01', '--to', '2032-03-02']
    let r = await run([...args, '--jq', '.[] | .title, .'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `jq <one>\n{"from":1961712000,"id":"${a.id}","roles":["web"],"service":"demo","title":"jq \\u003cone\\u003e","to":1961712600}\n`)
    r = await tty([...args, '--jq', '.[0].roles[0]'])
    assert.equal(r.stdout, 'web\n')
  })

  it('update keeps the roles, description and title it is not given (the API\'s PUT replaces everything)', async () => {
    const a = await create(['--title', 'deploy v1.2', '--description', 'notes', '--from', '2032-01-01T00:00:00Z', '--to', '2032-01-01T00:10:00Z', '-r', 'web,db'])
    const id = String(a.id)
    let r = await run(['update', '--id', id, '-s', 'demo', '--title', 'deploy v1.2 (rolled back)', '--from', '1956528000', '--to', '1956528600'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(sb.store.annotations.get(id), {id, title: 'deploy v1.2 (rolled back)', description: 'notes', from: 1956528000, to: 1956528600, service: 'demo', roles: ['web', 'db']})

    r = await run(['update', '--id', id, '-s', 'demo', '--from', '1956528000', '--to', '1956529200'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(sb.store.annotations.get(id), {id, title: 'deploy v1.2 (rolled back)', description: 'notes', from: 1956528000, to: 1956529200, service: 'demo', roles: ['web', 'db']})

    r = await run(['update', '--id', id, '-s', 'demo', '--from', '1956528000', '--to', '1956529200', '--role', '', '--description', ''])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout), {id, title: 'deploy v1.2 (rolled back)', from: 1956528000, to: 1956529200, service: 'demo'})
    const stored = sb.store.annotations.get(id)!
    assert.equal(stored.description ?? '', '')
    assert.equal((stored.roles ?? []).length, 0)
  })

  it('update of an id the service does not list: without --title an error (nothing written); with it, a warning', async () => {
    const before = annotationRequests().filter((q) => q.method === 'PUT').length
    let r = await run(['update', '--id', 'nosuchid123', '-s', 'demo', '--from', 'now', '--to', 'now'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: graph annotation nosuchid123 is not in the annotations of service "demo": cannot keep its title\n/)
    assert.equal(annotationRequests().filter((q) => q.method === 'PUT').length, before)
    r = await run(['update', '--id', 'nosuchid123', '-s', 'demo', '--title', 't', '--from', 'now', '--to', 'now'])
    assert.equal(r.code, 1) // the API: 404
    assert.match(r.stderr, /^mkr: warning: graph annotation nosuchid123 is not in the annotations of service "demo": a description or roles not given are not kept\nmkr: PUT /)
  })

  describe('bad input is rejected before any request', () => {
    const long = (n: number) => 'x'.repeat(n)
    const cases: [string, string[], number, RegExp][] = [
      ['no title', ['create', '-s', 'demo', '--from', 'now', '--to', 'now'], 2, /`title` is a required field to create a graph annotation\nhint: pass --title/],
      ['no service', ['create', '--title', 't', '--from', 'now', '--to', 'now'], 2, /`service` is a required field/],
      ['no --to', ['create', '-s', 'demo', '--title', 't', '--from', 'now'], 2, /`to` is a required field/],
      ['a time it cannot read', ['create', '-s', 'demo', '--title', 't', '--from', 'yesterday', '--to', 'now'], 2, /--from "yesterday": not a time.*\nhint: use epoch seconds/],
      ['epoch milliseconds', ['create', '-s', 'demo', '--title', 't', '--from', '1714500000000', '--to', 'now'], 2, /milliseconds; give epoch seconds \(1714500000\)/],
      ['from after to', ['create', '-s', 'demo', '--title', 't', '--from', 'now', '--to', '-1h'], 2, /--from \(\d+\) is after --to/],
      ['a 251-character title', ['create', '-s', 'demo', '--title', long(251), '--from', 'now', '--to', 'now'], 2, /title is 251 characters long; the limit is 250/],
      ['a 1025-character description', ['create', '-s', 'demo', '--title', 't', '--description', long(1025), '--from', 'now', '--to', 'now'], 2, /description is 1025 characters long/],
      ['--role without --service', ['create', '--title', 't', '-r', 'web', '--from', 'now', '--to', 'now'], 2, /^mkr: --role needs --service/],
      ['update: from after to', ['update', '--id', 'x', '-s', 'demo', '--title', 't', '--from', 'now', '--to', '-1h'], 2, /--from \(\d+\) is after --to/],
      ['update: a 251-character title', ['update', '--id', 'x', '-s', 'demo', '--title', long(251), '--from', 'now', '--to', 'now'], 2, /title is 251 characters long/],
      ['update: --role without --service', ['update', '--id', 'x', '--title', 't', '-r', 'web', '--from', 'now', '--to', 'now'], 2, /--role needs --service/],
      ['update with an empty --id', ['update', '--id', '', '-s', 'demo', '--title', 't', '--from', 'now', '--to', 'now'], 2, /^mkr: annotation id is empty/],
      ['delete with an empty --id', ['delete', '--id', ''], 2, /^mkr: annotation id is empty/],
      ['list: from after to', ['list', '-s', 'demo', '--from', 'now', '--to', '-1h'], 2, /--from \(\d+\) is after --to/],
      ['both description flags', ['create', '-s', 'demo', '--title', 't', '--description', 'a', '--description-file', '-', '--from', 'now', '--to', 'now'], 2, /cannot be used together/],
      ['a missing description file', ['create', '-s', 'demo', '--title', 't', '--description-file', '/nonexistent/desc', '--from', 'now', '--to', 'now'], 1, /cannot read --description-file \/nonexistent\/desc: no such file/],
      ['a role of another service', ['create', '-s', 'demo', '--title', 't', '-r', 'other:web', '--from', 'now', '--to', 'now'], 2, /names service "other"/],
      ['update without --id', ['update', '-s', 'demo', '--from', 'now', '--to', 'now'], 2, /`id` is a required field to update/],
      ['delete without --id', ['delete'], 2, /`id` is a required field to delete/],
      ['list without --from', ['list', '-s', 'demo', '--to', 'now'], 2, /`from` is a required field to list/],
    ]
    for (const [name, args, code, re] of cases)
      it(name, async () => {
        const before = annotationRequests().length
        const r = await run([...args])
        assert.equal(r.code, code, r.stderr)
        assert.match(r.stderr, re)
        assert.equal(r.stdout, '')
        assert.equal(annotationRequests().length, before, 'no request may be sent')
      })
  })

  it('an API error (unknown role) is one line with method, path and the server message, exit 1', async () => {
    const r = await run(['create', '-s', 'demo', '--title', 't', '-r', 'nope', '--from', 'now', '--to', 'now'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^mkr: POST \/api\/v0\/graph-annotations failed: 404 Role not found: demo:nope\n/)
  })
})
