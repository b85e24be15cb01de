// `mkr sandbox` as a user runs it: the built CLI (bin/run.js over dist/, `npm run build` first).
import assert from 'node:assert/strict'
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createServer} from 'node:http'
import type {AddressInfo} from 'node:net'
import {fileURLToPath} from 'node:url'
import {call} from './helpers.js'

const RUN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const env = {...process.env, NO_COLOR: '1', DEBUG: ''}

/** every child started, killed after each test so a failed assertion never leaves a server running */
const children = new Set<ChildProcess>()

/**
 * Starts `mkr sandbox ARGS` and resolves once it printed its two export lines (and, unless quiet,
 * its stderr line: the two pipes are not ordered).
 */
function start(args: string[], quiet = false): Promise<{child: ChildProcess; stderr: () => string; url: string; key: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN, 'sandbox', ...args], {env, stdio: ['ignore', 'pipe', 'pipe']})
    children.add(child)
    let out = ''
    let err = ''
    const check = () => {
      const m = /^export MACKEREL_APIBASE=(\S+)\nexport MACKEREL_APIKEY=(\S+)\n$/.exec(out)
      if (m && (quiet || err.includes('\n'))) resolve({child, stderr: () => err, url: m[1], key: m[2]})
    }
    child.stderr!.on('data', (c) => ((err += c), check()))
    child.stdout!.on('data', (c) => ((out += c), check()))
    child.on('exit', (code) => {
      children.delete(child)
      reject(new Error(`exited ${code} before printing exports: ${out} ${err}`))
    })
  })
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)))
}

describe('mkr sandbox (process)', function () {
  this.timeout(20_000)
  const detachedPids = new Set<number>()
  afterEach(() => {
    for (const c of children) c.kill('SIGKILL')
    children.clear()
    for (const pid of detachedPids) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
    detachedPids.clear()
  })

  it('--detach prints evaluable exports with MKR_SANDBOX_PID and leaves the server running', async () => {
    const r = spawnSync(process.execPath, [RUN, 'sandbox', '--detach', '--no-seed', '--hosts', '2'], {env, encoding: 'utf8', timeout: 15_000})
    const m = /^export MACKEREL_APIBASE=(\S+)\nexport MACKEREL_APIKEY=sandbox\nexport MKR_SANDBOX_PID=(\d+)\n$/.exec(r.stdout)
    assert.ok(m, r.stdout + r.stderr)
    const pid = Number(m[2])
    detachedPids.add(pid)
    assert.equal(r.status, 0)
    assert.match(r.stderr, new RegExp(`kill ${pid}`))
    const hosts = (await call({url: m[1]}, 'GET', '/api/v0/hosts', undefined, 'sandbox')).body.hosts
    assert.equal(hosts.length, 2)
    process.kill(pid, 'SIGTERM')
    for (let i = 0; i < 100; i++) {
      try {
        await call({url: m[1]}, 'GET', '/api/v0/org', undefined, 'sandbox')
      } catch {
        detachedPids.delete(pid)
        return
      }
      await new Promise((res) => setTimeout(res, 50))
    }
    assert.fail('the detached sandbox did not stop on SIGTERM')
  })

  it('--detach relays a start failure (exit code and message)', () => {
    const r = spawnSync(process.execPath, [RUN, 'sandbox', '--detach', '--fault', 'nope'], {env, encoding: 'utf8', timeout: 15_000})
    assert.equal(r.status, 2)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /^mkr: invalid --fault/)
  })

  it('prints the exports, serves the API and stops cleanly on SIGTERM (exit 0)', async () => {
    const s = await start(['--port', '0'])
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.equal(s.key, 'sandbox')
    assert.match(s.stderr(), /Mackerel API on http:\/\/127\.0\.0\.1:\d+/)
    const r = await call({url: s.url}, 'GET', '/api/v0/hosts', undefined, s.key)
    assert.equal(r.status, 200)
    assert.ok(r.body.hosts.length > 0)
    const done = exited(s.child)
    s.child.kill('SIGTERM')
    assert.equal(await done, 0)
  })

  it('what the sandbox cannot do (here: a webhook nobody receives) is said on its stderr', async () => {
    const s = await start(['--port', '0', '--no-seed', '--hosts', '1'])
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise((r) => closed.close(r))
    const sb = {url: s.url}
    const ch = await call(sb, 'POST', '/api/v0/channels', {name: 'gone', type: 'webhook', url: `http://127.0.0.1:${port}/`, events: ['alert'], addToDefaultNotificationGroup: true}, s.key)
    assert.equal(ch.status, 200, ch.text)
    const hostId = (await call(sb, 'GET', '/api/v0/hosts', undefined, s.key)).body.hosts[0].id
    const report = {source: {type: 'host', hostId}, name: 'job', status: 'CRITICAL', message: 'failed', occurredAt: Math.floor(Date.now() / 1000)}
    assert.equal((await call(sb, 'POST', '/api/v0/monitoring/checks/report', {reports: [report]}, s.key)).status, 200)
    await call(sb, 'GET', '/_sandbox/webhooks?wait=true', undefined, s.key)
    for (let i = 0; i < 100 && !/webhook/.test(s.stderr()); i++) await new Promise((r) => setTimeout(r, 50))
    assert.match(s.stderr(), new RegExp(`mkr sandbox: webhook for alert \\S+ \\(critical\\) to channel "gone" http://127\\.0\\.0\\.1:${port}/ failed`))
  })

  it('--no-seed, --hosts, --api-key and --fault; stops on SIGINT', async () => {
    const s = await start(['--no-seed', '--hosts', '3', '--api-key', 'k-1', '--fault', 'GET /api/v0/org=503x1', '-q'], true)
    assert.equal(s.key, 'k-1')
    assert.equal(s.stderr(), '')
    assert.equal((await call({url: s.url}, 'GET', '/api/v0/org', undefined, 'k-1')).status, 503)
    assert.equal((await call({url: s.url}, 'GET', '/api/v0/org', undefined, 'k-1')).status, 200)
    const hosts = (await call({url: s.url}, 'GET', '/api/v0/hosts?status=working&status=standby&status=maintenance&status=poweroff', undefined, 'k-1')).body.hosts
    assert.equal(hosts.length, 3)
    const done = exited(s.child)
    s.child.kill('SIGINT')
    assert.equal(await done, 0)
  })

  it('--data: a write answered just before SIGTERM is in the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mkr-sandbox-cmd-'))
    try {
      const file = join(dir, 'state.json')
      const s = await start(['--no-seed', '--data', file, '-q'], true)
      const created = await call({url: s.url}, 'POST', '/api/v0/hosts', {name: 'last-write', meta: {}}, s.key)
      assert.equal(created.status, 200)
      const done = exited(s.child)
      s.child.kill('SIGTERM')
      assert.equal(await done, 0)
      const saved = JSON.parse(readFileSync(file, 'utf8'))
      assert.ok(saved.hosts.some((h: any) => h.id === created.body.id && h.name === 'last-write'))
      assert.deepEqual(readdirSync(dir), ['state.json'])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('--speed N runs the sandbox clock N times faster', async () => {
    const s = await start(['--no-seed', '--speed', '3600', '-q'], true)
    const a = (await call({url: s.url}, 'GET', '/_sandbox/clock', undefined, null)).body
    assert.equal(a.speed, 3600)
    await new Promise((r) => setTimeout(r, 1100))
    const b = (await call({url: s.url}, 'GET', '/_sandbox/clock', undefined, null)).body
    // a real second or more: an hour or more of sandbox time (a lower bound only, never a speed limit)
    assert.ok(b.now - a.now >= 3600, `${b.now - a.now}`)
    for (const bad of ['0', '-1', 'fast']) {
      const r = spawnSync(process.execPath, [RUN, 'sandbox', '--speed', bad], {env, encoding: 'utf8', timeout: 10_000})
      assert.equal(r.status, 2, `--speed ${bad}: ${r.stderr}`)
    }
  })

  it('bad flag values are usage errors (exit 2, one mkr: line)', () => {
    for (const args of [['--fault', '/api/v0/org'], ['--fault', '/x=teapot'], ['--port', '-1'], ['--port', '70000'], ['--hosts', 'many'], ['--api-key', '']]) {
      const r = spawnSync(process.execPath, [RUN, 'sandbox', ...args], {env, encoding: 'utf8', timeout: 10_000})
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^mkr: /, args.join(' '))
      assert.equal(r.stdout, '')
    }
  })

  it('a port in use is an error (exit 1)', async () => {
    const s = await start([])
    try {
      const port = new URL(s.url).port
      const r = spawnSync(process.execPath, [RUN, 'sandbox', '--port', port], {env, encoding: 'utf8', timeout: 10_000})
      assert.equal(r.status, 1)
      assert.match(r.stderr, /^mkr: sandbox: cannot listen on 127\.0\.0\.1:\d+: address already in use/)
    } finally {
      const done = exited(s.child)
      s.child.kill('SIGTERM')
      await done
    }
  })
})
