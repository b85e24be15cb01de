#!/usr/bin/env node
// `node bench/throw.js` (after `npm run build`): `mkr throw` of 100,000 lines (BENCH_LINES) against the
// sandbox, time and peak RSS, against `cat FILE | node bench/minimal-throw.js` (the same lines POSTed
// in one request with node:http), measured in the same run (BENCH_RUNS, default 5).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {fmtMs, fmtRss, measure, ratio, table, startSandbox} from './lib.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = join(root, 'bin/run.js')
const node = process.execPath
const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const LINES = Number(process.env.BENCH_LINES ?? 100_000)

const dir = mkdtempSync(join(tmpdir(), 'mkr-bench-throw-'))
const file = join(dir, 'lines')
// 100 metrics x 1,000 minutes: every point inside the API's 24-hour window
const now = Math.floor(Date.now() / 1000)
const lines = []
for (let i = 0; i < LINES; i++) lines.push(`m${i % 100} ${i % 997} ${now - Math.floor(i / 100) * 60}`)
writeFileSync(file, lines.join('\n') + '\n')

const sb = await startSandbox(run, ['--no-seed', '--hosts', '1'])
const env = {...process.env, MACKEREL_APIBASE: sb.base, MACKEREL_APIKEY: sb.key}
try {
  const hostId = JSON.parse((await import('node:child_process')).execFileSync(node, [run, 'hosts', '--json'], {env, encoding: 'utf8'}))[0].id
  const q = (s) => `'${s.replaceAll("'", "'\\''")}'`
  const cat = await measure('sh', ['-c', `cat ${q(file)} > /dev/null`], {runs: RUNS, rss: true, env})
  const floor = await measure('sh', ['-c', `cat ${q(file)} | ${q(node)} ${q(join(root, 'bench/minimal-throw.js'))} ${hostId}`], {runs: RUNS, rss: true, env})
  const ours = await measure('sh', ['-c', `exec ${q(node)} ${q(run)} throw -q -H ${hostId} < ${q(file)}`], {runs: RUNS, rss: true, env})
  console.log(
    table(
      ['command', 'median', 'peak RSS', 'vs minimal script'],
      [
        [`cat of ${LINES.toLocaleString('en')} lines`, fmtMs(cat.median), fmtRss(cat.rssKb), ''],
        ['cat | minimal node:http POST (floor)', fmtMs(floor.median), fmtRss(floor.rssKb), '1.00×'],
        [`mkr throw (batches of 10,000)`, fmtMs(ours.median), fmtRss(ours.rssKb), `${ratio(ours.median, floor.median)} time, ${ratio(ours.rssKb ?? 0, floor.rssKb ?? 1)} RSS`],
      ],
    ),
  )
} finally {
  sb.child.kill()
  rmSync(dir, {recursive: true, force: true})
}
