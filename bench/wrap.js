#!/usr/bin/env node
// Benchmarks for `mkr wrap` (not tests: timings depend on the machine). Every figure is compared with
// a floor measured in the same run, interleaved, so load on the machine hits both alike:
//   - start-up: `mkr wrap -- true` (success, nothing sent) vs `node -e 0`          target <= 3x
//   - 1 GiB through wrap to /dev/null vs the same job piped through `cat`            target <= 2x
//   - peak RSS of the wrap process while 1 GiB goes through                          target < 100 MiB
// Prints a markdown table. Standalone: `node bench/wrap.js` (after `npm run build`).
// Env: BENCH_WRAP_BYTES (default 1 GiB), BENCH_WRAP_RUNS (throughput runs, default 3),
//      BENCH_WRAP_STARTS (start-up runs, default 20).
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'bin', 'run.js')
if (!existsSync(join(root, 'dist', 'mkr.js'))) {
  console.error('bench/wrap.js: dist/ is missing, run `npm run build` first')
  process.exit(1)
}
const BYTES = Number(process.env.BENCH_WRAP_BYTES ?? 1024 ** 3)
const RUNS = Number(process.env.BENCH_WRAP_RUNS ?? 3)
const STARTS = Number(process.env.BENCH_WRAP_STARTS ?? 20)

const state = mkdtempSync(join(tmpdir(), 'mkr-bench-wrap-'))
const env = {...process.env, XDG_STATE_HOME: state, HOME: state}
for (const k of Object.keys(env)) if (k.startsWith('MACKEREL_') || k.startsWith('MKR_')) delete env[k]

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** Runs a command to completion; wall time in ms and, for node processes, peak RSS in KiB. */
function run(cmd, args, {stdout = 'ignore', rss = false} = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const child = spawn(cmd, args, {env, stdio: ['ignore', stdout, 'inherit']})
    let peak = 0
    // VmHWM is the high-water mark of the resident set: poll it until the process goes
    const poll = rss
      ? setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
            if (m) peak = Math.max(peak, Number(m[1]))
          } catch {}
        }, 20)
      : undefined
    child.on('error', reject)
    child.on('exit', (code) => {
      if (poll) clearInterval(poll)
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}`))
      resolve({ms, peakKiB: peak})
    })
  })
}

/** GNU time's %M (peak RSS in KiB) when available: exact, where polling can miss the last moment. */
const gnuTime = spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0

async function wrapThroughput(extra) {
  if (gnuTime) {
    const t0 = process.hrtime.bigint()
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, 'wrap', ...extra, '--', 'head', '-c', String(BYTES), '/dev/zero'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    if (r.status !== 0) throw new Error(`wrap exited ${r.status}: ${r.stderr}`)
    return {ms, peakKiB: Number(r.stderr.toString().trim().split('\n').pop())}
  }
  return run(process.execPath, [bin, 'wrap', ...extra, '--', 'head', '-c', String(BYTES), '/dev/zero'], {rss: true})
}

const nodeE0 = []
const wrapTrue = []
const version = []
for (let i = 0; i < STARTS; i++) {
  nodeE0.push((await run(process.execPath, ['-e', '0'])).ms)
  wrapTrue.push((await run(process.execPath, [bin, 'wrap', '--', 'true'])).ms)
  version.push((await run(process.execPath, [bin, '--version'])).ms)
}

const floor = []
const plain = []
const detail = []
const rssPlain = []
const rssDetail = []
for (let i = 0; i < RUNS; i++) {
  floor.push((await run('sh', ['-c', `head -c ${BYTES} /dev/zero | cat > /dev/null`])).ms)
  const p = await wrapThroughput([])
  plain.push(p.ms)
  rssPlain.push(p.peakKiB)
  const d = await wrapThroughput(['-d'])
  detail.push(d.ms)
  rssDetail.push(d.peakKiB)
}
rmSync(state, {recursive: true, force: true})

const ms = (x) => `${Math.round(x)} ms`
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`
const ratio = (a, b) => `${(a / b).toFixed(2)}×`
const size = BYTES === 1024 ** 3 ? '1 GiB' : `${BYTES} bytes`
const rows = [
  ['`mkr wrap -- true` vs `node -e 0`', ms(median(wrapTrue)), ms(median(nodeE0)), ratio(median(wrapTrue), median(nodeE0)), '≤ 3×'],
  ['(context) `mkr --version` vs `node -e 0`', ms(median(version)), ms(median(nodeE0)), ratio(median(version), median(nodeE0)), ''],
  [`${size} through \`mkr wrap\` to /dev/null vs \`job \\| cat\``, ms(median(plain)), ms(median(floor)), ratio(median(plain), median(floor)), '≤ 2×'],
  [`${size} through \`mkr wrap -d\` (capture on) vs \`job \\| cat\``, ms(median(detail)), ms(median(floor)), ratio(median(detail), median(floor)), '≤ 2×'],
  [`peak RSS of wrap, ${size}`, mib(Math.max(...rssPlain)), '', '', '< 100 MiB'],
  [`peak RSS of wrap -d, ${size}`, mib(Math.max(...rssDetail)), '', '', '< 100 MiB'],
]
console.log(`### mkr wrap (node ${process.versions.node}, ${STARTS} start-ups, ${RUNS} throughput runs, medians)\n`)
console.log('| case | wrap | floor | ratio | target |')
console.log('|---|---|---|---|---|')
for (const r of rows) console.log(`| ${r.join(' | ')} |`)
