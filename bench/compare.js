#!/usr/bin/env node
// Compares the start-up paths of two or more builds, interleaved in the same run, against the same
// floors: `node bench/compare.js OLD_BIN NEW_BIN ...` (each a bin/run.js of a checkout or of a copy
// with its own dist/). Prints medians and ratios to `node -e 0` (help, usage error, --version,
// wrap -- true) and to a minimal node:http GET (`mkr org`, against a sandbox of the first build).
// Env: BENCH_RUNS (default 20), BENCH_CASES (comma-separated names, default all).
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {fmtMs, median, ratio, runOk, startSandbox, table} from './lib.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bins = process.argv.slice(2)
if (bins.length === 0) {
  console.error('usage: node bench/compare.js BIN [BIN...]')
  process.exit(2)
}
const RUNS = Number(process.env.BENCH_RUNS ?? 20)
const node = process.execPath
const cacheHome = mkdtempSync(join(tmpdir(), 'mkr-compare-cache-'))
const state = mkdtempSync(join(tmpdir(), 'mkr-compare-state-'))
const base = {...process.env, XDG_CACHE_HOME: cacheHome, XDG_STATE_HOME: state}
for (const k of Object.keys(base)) if (k.startsWith('MACKEREL_') || k.startsWith('MKR_')) delete base[k]

const sb = await startSandbox(bins[0])
const api = {...base, MACKEREL_APIBASE: sb.base, MACKEREL_APIKEY: sb.key}
const cases = [
  {name: 'help', args: ['hosts', '--help'], floor: 'node'},
  {name: 'roothelp', args: ['--help'], floor: 'node'},
  {name: 'topic', args: ['monitors', '--help'], floor: 'node'},
  {name: 'usage', args: ['hosts', '--stauts'], floor: 'node', code: 2},
  {name: 'version', args: ['--version'], floor: 'node'},
  {name: 'wrap', args: ['wrap', '--', 'true'], floor: 'node'},
  {name: 'org', args: ['org'], floor: 'http', env: api},
].filter((c) => !process.env.BENCH_CASES || process.env.BENCH_CASES.split(',').includes(c.name))

const floors = {node: [], http: []}
const times = new Map(cases.flatMap((c) => bins.map((b) => [`${c.name} ${b}`, []])))
// warm-up: makes each build's code caches
for (const c of cases) for (const b of bins) await runOk(node, [b, ...c.args], {env: c.env ?? base, expectCode: c.code, discard: true})
for (let i = 0; i < RUNS; i++) {
  floors.node.push((await runOk(node, ['-e', '0'], {env: base})).ms)
  floors.http.push((await runOk(node, [join(root, 'bench/minimal-org.js')], {env: api, discard: true})).ms)
  for (const c of cases)
    for (const b of bins) times.get(`${c.name} ${b}`).push((await runOk(node, [b, ...c.args], {env: c.env ?? base, expectCode: c.code, discard: true})).ms)
}
sb.child.kill('SIGTERM')
rmSync(cacheHome, {recursive: true, force: true})
rmSync(state, {recursive: true, force: true})

const fl = {node: median(floors.node), http: median(floors.http)}
console.log(`\n${RUNS} runs, interleaved; NODE_EXTRA_CA_CERTS ${process.env.NODE_EXTRA_CA_CERTS ? 'set' : 'unset'}`)
console.log(`floors: node -e 0 ${fmtMs(fl.node)}, minimal GET /org ${fmtMs(fl.http)}\n`)
console.log(
  table(
    ['case', ...bins.flatMap((b, i) => [`#${i} median`, `#${i} ratio`])],
    cases.map((c) => [
      `${c.args.join(' ')} (vs ${c.floor === 'node' ? 'node -e 0' : 'GET'})`,
      ...bins.flatMap((b) => {
        const m = median(times.get(`${c.name} ${b}`))
        return [fmtMs(m), ratio(m, fl[c.floor])]
      }),
    ]),
  ),
)
bins.forEach((b, i) => console.log(`#${i} ${b}`))
