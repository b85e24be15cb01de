#!/usr/bin/env node
// `mkr sandbox` with 10,000 hosts: start-up, memory, `GET /api/v0/hosts`, monitor evaluation, metrics
// for every host for an hour of sandbox time, and --data saves. Each row is compared with a floor
// measured in the same run where one exists (`node -e 0`; a bare node:http server that prints a line
// once listening; the same server answering the same hosts bytes). Not part of `npm test`.
//
// Env: SANDBOX_HOSTS (10000), SANDBOX_METRICS (metric names per host, 10), SANDBOX_MINUTES (60),
// BENCH_RUNS (5), MKR_BIN (another build's bin/run.js, to compare), SANDBOX_MONITORS=0 (post the metrics
// with no monitors: the RSS growth is then the point store and the garbage of the posts, not alerts).
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {createServer, request} from 'node:http'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {fmtMs, fmtRss, median, ratio, table} from './lib.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = process.env.MKR_BIN ?? join(root, 'bin/run.js')
const node = process.execPath
const HOSTS = Number(process.env.SANDBOX_HOSTS ?? 10_000)
const METRICS = Number(process.env.SANDBOX_METRICS ?? 10)
const MINUTES = Number(process.env.SANDBOX_MINUTES ?? 60)
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const KEY = 'sandbox'
const WITH_MONITORS = process.env.SANDBOX_MONITORS !== '0'

/** Starts a process and resolves {child, ms, out} once its stdout matches `ready`. */
function startUntil(args, ready, env = process.env) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(node, args, {env, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => {
      out += d
      if (ready.test(out)) resolve({child, ms: performance.now() - t0, out})
    })
    child.stderr.on('data', (d) => (err += d))
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${err.slice(0, 500)}`)))
  })
}

function stop(child, signal = 'SIGTERM') {
  return new Promise((resolve) => {
    const t0 = performance.now()
    child.removeAllListeners('exit')
    child.on('exit', () => resolve(performance.now() - t0))
    child.kill(signal)
  })
}

/** VmRSS and VmHWM (peak) of a process, in KiB. */
function rss(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8')
  return {rssKb: Number(/VmRSS:\s+(\d+)/.exec(s)?.[1]), peakKb: Number(/VmHWM:\s+(\d+)/.exec(s)?.[1])}
}

/** One request; resolves {status, ms, body} (ms until the last byte). */
function req(base, method, path, body) {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body)
    const headers = {'X-Api-Key': KEY}
    if (text !== undefined) Object.assign(headers, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text)})
    const t0 = performance.now()
    const r = request(base + path, {method, headers}, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({status: res.statusCode, ms: performance.now() - t0, body: Buffer.concat(chunks)}))
    })
    r.on('error', reject)
    if (text !== undefined) r.write(text)
    r.end()
  })
}

async function medianOf(runs, fn) {
  await fn()
  const xs = []
  for (let i = 0; i < runs; i++) xs.push(await fn())
  return median(xs)
}

const sandboxArgs = (extra = []) => [bin, 'sandbox', '--port', '0', '--no-seed', '--hosts', String(HOSTS), '-q', ...extra]
const EXPORTS = /MACKEREL_APIKEY=\S+\n/
const baseOf = (out) => /MACKEREL_APIBASE=(\S+)/.exec(out)[1]

const rows = []
const dir = mkdtempSync(join(tmpdir(), 'mkr-sandbox-bench-'))
try {
  // ---- start-up and memory ----
  const nodeFloor = await medianOf(RUNS, async () => {
    const {child, ms} = await startUntil(['-e', 'process.stdout.write("x\\n"); setTimeout(() => {}, 1e6)'], /x\n/)
    await stop(child, 'SIGKILL')
    return ms
  })
  const httpFloor = await medianOf(RUNS, async () => {
    const src = 'require("http").createServer((q,s)=>s.end()).listen(0,"127.0.0.1",function(){process.stdout.write("http://127.0.0.1:"+this.address().port+"\\n")})'
    const {child, ms} = await startUntil(['-e', src], /\n/)
    await stop(child, 'SIGKILL')
    return ms
  })
  const startMs = await medianOf(RUNS, async () => {
    const {child, ms} = await startUntil(sandboxArgs(), EXPORTS)
    await stop(child)
    return ms
  })
  rows.push(['start-up: node -e 0 (floor)', fmtMs(nodeFloor), ''])
  rows.push(['start-up: bare node:http server (floor)', fmtMs(httpFloor), ratio(httpFloor, nodeFloor)])
  rows.push([`start-up: mkr sandbox --hosts ${HOSTS} (until exports)`, fmtMs(startMs), `${ratio(startMs, httpFloor)} http floor`])

  const sb = await startUntil(sandboxArgs(), EXPORTS)
  const base = baseOf(sb.out)
  const idle = rss(sb.child.pid)
  rows.push([`RSS after start, ${HOSTS} hosts`, fmtRss(idle.rssKb), ''])

  // ---- GET /api/v0/hosts against a server answering the same bytes ----
  const hostsBody = (await req(base, 'GET', '/api/v0/hosts')).body
  const allHosts = '/api/v0/hosts?status=working&status=standby&status=maintenance&status=poweroff'
  const floorServer = createServer((_q, s) => s.setHeader('Content-Type', 'application/json').end(hostsBody))
  await new Promise((r) => floorServer.listen(0, '127.0.0.1', r))
  const floorBase = `http://127.0.0.1:${floorServer.address().port}`
  const getFloor = await medianOf(RUNS, async () => (await req(floorBase, 'GET', '/api/v0/hosts')).ms)
  floorServer.close()
  const getHosts = await medianOf(RUNS, async () => (await req(base, 'GET', '/api/v0/hosts')).ms)
  rows.push([`GET /api/v0/hosts (${(hostsBody.length / 1e6).toFixed(1)} MB): same bytes from node:http (floor)`, fmtMs(getFloor), ''])
  rows.push([`GET /api/v0/hosts: sandbox`, fmtMs(getHosts), ratio(getHosts, getFloor)])

  // ---- monitors: one evaluation of every monitor over every host ----
  const monitors = [
    {type: 'connectivity'},
    {type: 'host', name: 'load', metric: 'loadavg5', operator: '>', warning: 4, critical: 8, duration: 5},
    {type: 'host', name: 'cpu', metric: 'cpu%', operator: '>', warning: 80, critical: 95, duration: 5},
  ]
  if (WITH_MONITORS) for (const m of monitors) await req(base, 'POST', '/api/v0/monitors', m)
  const evalEmpty = await medianOf(RUNS, async () => (await req(base, 'POST', '/_sandbox/evaluate')).ms)
  rows.push([`evaluate ${WITH_MONITORS ? 3 : 0} monitors × ${HOSTS} hosts, no metrics yet`, fmtMs(evalEmpty), ''])

  // ---- an hour of metrics for every host (the agent's one point a minute), posted in batches ----
  const ids = JSON.parse((await req(base, 'GET', allHosts)).body).hosts.map((h) => h.id)
  const now = JSON.parse((await req(base, 'GET', '/_sandbox/clock')).body).now
  const names = ['loadavg5', 'cpu.user.percentage', 'cpu.system.percentage', 'cpu.idle.percentage', 'memory.used', 'memory.total']
  for (let i = names.length; i < METRICS; i++) names.push(`custom.bench.m${i}`)
  names.length = METRICS
  const PER_POST = 1000
  let points = 0
  let posts = 0
  const postTimes = []
  const t0 = performance.now()
  for (let m = MINUTES - 1; m >= 0; m--) {
    const time = now - m * 60
    let batch = []
    const flush = async () => {
      const r = await req(base, 'POST', '/api/v0/tsdb', batch)
      if (r.status !== 200) throw new Error(`POST /tsdb: ${r.status} ${r.body}`)
      postTimes.push(r.ms)
      points += batch.length
      posts++
      batch = []
    }
    for (const hostId of ids) {
      for (const name of names) batch.push({hostId, name, time, value: name === 'cpu.idle.percentage' ? 150 : Math.random() * 10})
      if (batch.length >= PER_POST) await flush()
    }
    if (batch.length > 0) await flush()
  }
  const postAllMs = performance.now() - t0
  const loaded = rss(sb.child.pid)
  rows.push([`POST /tsdb: ${MINUTES} min × ${HOSTS} hosts × ${METRICS} metrics = ${points} points in ${posts} posts`, fmtMs(postAllMs), `${Math.round(points / (postAllMs / 1000))} points/s`])
  rows.push([`POST /tsdb of ${PER_POST} points, evaluation included (median)`, fmtMs(median(postTimes)), ''])
  rows.push([`RSS after the metrics (peak so far)`, `${fmtRss(loaded.rssKb)} (${fmtRss(loaded.peakKb)})`, `${ratio(loaded.rssKb, idle.rssKb)} idle`])
  // RSS growth over the idle sandbox per point posted: the point store plus what V8 keeps after parsing the posts
  rows.push([`RSS growth per point posted ((RSS after metrics - RSS after start) / points)`, `${(((loaded.rssKb - idle.rssKb) * 1024) / points).toFixed(1)} B`, ''])
  const evalFull = await medianOf(RUNS, async () => (await req(base, 'POST', '/_sandbox/evaluate')).ms)
  rows.push([`evaluate ${WITH_MONITORS ? 3 : 0} monitors × ${HOSTS} hosts with ${MINUTES} min of metrics`, fmtMs(evalFull), ''])
  const getHosts2 = await medianOf(RUNS, async () => (await req(base, 'GET', '/api/v0/hosts')).ms)
  rows.push([`GET /api/v0/hosts with the metrics stored`, fmtMs(getHosts2), ratio(getHosts2, getFloor)])
  await stop(sb.child)

  // ---- --data: writes with a 10,000-host data file, and the save on SIGTERM ----
  const N = 200
  const file = join(dir, 'state.json')
  const writes = async (extra) => {
    const s = await startUntil(sandboxArgs(extra), EXPORTS)
    const b = baseOf(s.out)
    const hostIds = JSON.parse((await req(b, 'GET', '/api/v0/hosts')).body).hosts.map((h) => h.id)
    const t = performance.now()
    for (let i = 0; i < N; i++) await req(b, 'POST', `/api/v0/hosts/${hostIds[i]}/status`, {status: 'standby'})
    const seq = (performance.now() - t) / N
    const stopMs = await stop(s.child)
    return {seq, stopMs}
  }
  const mem = await writes([])
  const disk = await writes(['--data', file])
  rows.push([`${N} sequential writes, in memory (per write)`, `${mem.seq.toFixed(2)} ms`, ''])
  rows.push([`${N} sequential writes, --data (per write)`, `${disk.seq.toFixed(2)} ms`, ratio(disk.seq, mem.seq)])
  rows.push([`SIGTERM to exit with --data (final save, ${(statSync(file).size / 1e6).toFixed(1)} MB)`, fmtMs(disk.stopMs), `in memory: ${fmtMs(mem.stopMs)}`])
} finally {
  rmSync(dir, {recursive: true, force: true})
}

console.log(`mkr sandbox, ${HOSTS} hosts (node ${process.version}; median of ${RUNS} runs where repeated)\n`)
console.log(table(['measurement', 'value', 'vs floor'], rows))
