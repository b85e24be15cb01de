#!/usr/bin/env node
// `node bench/jq.js` (after `npm run build`): what --jq costs. The jq engine (jq 1.7 as WebAssembly,
// src/output/jq.ts) is loaded only with --jq, so `--json` and `--help` must not move; `--jq` adds the
// module's compile and jq's own start, then its run over the data. Ratios against `node -e 0` and
// against `hosts --json` measured in the same run (BENCH_RUNS, default 10; BENCH_HOSTS, default 1,000).
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {fmtMs, fmtRss, measure, ratio, table, startSandbox} from './lib.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = join(root, 'bin/run.js')
const node = process.execPath
const RUNS = Number(process.env.BENCH_RUNS ?? 10)
const HOSTS = Number(process.env.BENCH_HOSTS ?? 1000)

const floor = await measure(node, ['-e', '0'], {runs: RUNS})
const help = await measure(node, [run, 'hosts', '--help'], {runs: RUNS})
const sb = await startSandbox(run, ['--hosts', String(HOSTS)])
const env = {...process.env, MACKEREL_APIBASE: sb.base, MACKEREL_APIKEY: sb.key}
try {
  const opts = {runs: RUNS, env, rss: true, discard: true}
  const org = await measure(node, [run, 'org', '--json'], opts)
  const orgJq = await measure(node, [run, 'org', '--jq', '.name'], opts)
  const json = await measure(node, [run, 'hosts', '--json'], opts)
  const jqAll = await measure(node, [run, 'hosts', '--jq', '.'], opts)
  const jqNames = await measure(node, [run, 'hosts', '--jq', '.[].name'], opts)
  console.log(
    table(
      ['command', 'median', 'peak RSS', 'vs floor', `vs the same without --jq`],
      [
        ['node -e 0 (floor)', fmtMs(floor.median), '', '1.00×', ''],
        ['mkr hosts --help', fmtMs(help.median), '', ratio(help.median, floor.median), ''],
        ['mkr org --json', fmtMs(org.median), fmtRss(org.rssKb), ratio(org.median, floor.median), ''],
        ['mkr org --jq .name', fmtMs(orgJq.median), fmtRss(orgJq.rssKb), ratio(orgJq.median, floor.median), `+${fmtMs(orgJq.median - org.median)}`],
        [`mkr hosts --json, ${HOSTS} hosts`, fmtMs(json.median), fmtRss(json.rssKb), ratio(json.median, floor.median), ''],
        [`mkr hosts --jq ., ${HOSTS} hosts`, fmtMs(jqAll.median), fmtRss(jqAll.rssKb), ratio(jqAll.median, floor.median), `+${fmtMs(jqAll.median - json.median)}`],
        [`mkr hosts --jq '.[].name', ${HOSTS} hosts`, fmtMs(jqNames.median), fmtRss(jqNames.rssKb), ratio(jqNames.median, floor.median), `+${fmtMs(jqNames.median - json.median)}`],
      ],
    ),
  )
} finally {
  sb.child.kill('SIGTERM')
}
