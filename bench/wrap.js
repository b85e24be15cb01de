#!/usr/bin/env node
// Benchmarks for `mkr wrap` (not tests: timings depend on the machine). Every figure is compared with
// a floor measured in the same run, interleaved, so load on the machine hits both alike:
//   - start-up: `mkr wrap -- true` (success, nothing sent) vs `node -e 0`          target <= 3x
//   - 1 GiB through wrap to /dev/null vs the same job piped through `cat`            target <= 2x
//   - peak RSS of the wrap process while 1 GiB goes through                          target < 100 MiB
// Prints a markdown table. Standalone: `node bench/wrap.js` (after `npm run build`).
// Env: BENCH_WRAP_BYTES (default 1 GiB), BENCH_WRAP_RUNS (throughput runs, default 3),
//      BENCH_WRAP_STARTS (start-up runs, default 20).
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {fmtMs, fmtRss, median, ratio, runOk, startSandbox, table} from './lib.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'bin', 'run.js')
if (!existsSync(join(root, 'dist', 'wrap.cjs'))) {
  console.error('bench/wrap.js: dist/ is missing, run `npm run build` first')
  process.exit(1)
}
const BYTES = Number(process.env.BENCH_WRAP_BYTES ?? 1024 ** 3)
const RUNS = Number(process.env.BENCH_WRAP_RUNS ?? 3)
const STARTS = Number(process.env.BENCH_WRAP_STARTS ?? 20)

const state = mkdtempSync(join(tmpdir(), 'mkr-bench-wrap-'))
const env = {...process.env, XDG_STATE_HOME: state, HOME: state}
for (const k of Object.keys(env)) if (k.startsWith('MACKEREL_') || k.startsWith('MKR_')) delete env[k]
const opts = {env, discard: true}
const node = process.execPath

const nodeE0 = []
const wrapTrue = []
const version = []
for (let i = 0; i < STARTS; i++) {
  nodeE0.push((await runOk(node, ['-e', '0'], opts)).ms)
  wrapTrue.push((await runOk(node, [bin, 'wrap', '--', 'true'], opts)).ms)
  version.push((await runOk(node, [bin, '--version'], opts)).ms)
}

// a failing job whose report is sent, against a minimal script that runs the job and posts the report
const sb = await startSandbox(bin, ['--no-seed', '--hosts', '1'])
const apiEnv = {...env, MACKEREL_APIBASE: sb.base, MACKEREL_APIKEY: sb.key}
const {execFileSync} = await import('node:child_process')
const hostId = JSON.parse(execFileSync(node, [bin, 'hosts', '--json'], {env: apiEnv, encoding: 'utf8'}))[0].id
const reportFloor = []
const reportWrap = []
try {
  for (let i = 0; i < STARTS; i++) {
    reportFloor.push((await runOk(node, [join(root, 'bench', 'minimal-report.js'), hostId, 'bench-job', 'false'], {...opts, env: apiEnv, expectCode: 1})).ms)
    reportWrap.push((await runOk(node, [bin, 'wrap', '-n', 'bench-job', '-H', hostId, '--', 'false'], {...opts, env: apiEnv, expectCode: 1})).ms)
  }
} finally {
  sb.child.kill()
}

const job = ['--', 'head', '-c', String(BYTES), '/dev/zero']
const floor = []
const plain = []
const detail = []
let rssPlain = 0
let rssDetail = 0
for (let i = 0; i < RUNS; i++) {
  floor.push((await runOk('sh', ['-c', `head -c ${BYTES} /dev/zero | cat > /dev/null`], opts)).ms)
  const p = await runOk(node, [bin, 'wrap', ...job], {...opts, rss: true})
  plain.push(p.ms)
  rssPlain = Math.max(rssPlain, p.maxRssKb ?? 0)
  const d = await runOk(node, [bin, 'wrap', '-d', ...job], {...opts, rss: true})
  detail.push(d.ms)
  rssDetail = Math.max(rssDetail, d.maxRssKb ?? 0)
}
rmSync(state, {recursive: true, force: true})

const size = BYTES === 1024 ** 3 ? '1 GiB' : `${BYTES} bytes`
const row = (what, xs, fl, target) => [what, fmtMs(median(xs)), fmtMs(median(fl)), ratio(median(xs), median(fl)), target]
console.log(`\n## mkr wrap (Node ${process.versions.node}, ${STARTS} start-ups, ${RUNS} throughput runs, medians)\n`)
console.log(
  table(
    ['case', 'wrap', 'floor', 'ratio', 'target'],
    [
      row('`mkr wrap -- true` vs `node -e 0`', wrapTrue, nodeE0, '≤ 1.5×'),
      row('`mkr --version` vs `node -e 0`', version, nodeE0, '≤ 2×'),
      row('`mkr wrap` of a failing job, report sent, vs a node:http script running it and posting the report', reportWrap, reportFloor, '≤ 2×'),
      row(`${size} through \`mkr wrap\` to /dev/null vs \`job \\| cat\``, plain, floor, '≤ 2×'),
      row(`${size} through \`mkr wrap -d\` (capture on) vs \`job \\| cat\``, detail, floor, '≤ 2×'),
      [`peak RSS of wrap, ${size}`, fmtRss(rssPlain), '', '', '< 100 MiB'],
      [`peak RSS of wrap -d, ${size}`, fmtRss(rssDetail), '', '', '< 100 MiB'],
    ],
  ),
)
