#!/usr/bin/env node
// `npm run bench`: start-up, small API answers and `hosts` against floors measured in the same run,
// then wrap's benchmarks. Targets (issue 9): --version, --help and usage errors ≤ 2× `node -e 0`;
// `mkr org` ≤ 2× a minimal node:http script making the same GET; `mkr hosts --json` (10,000 hosts)
// ≤ 1.2× a minimal fetch-and-print script; exit within 10 ms of the last byte of output.
// The CLI's code cache (src/cli/code-cache.ts) lives in a temporary XDG_CACHE_HOME, made by the
// warm-up run of each measurement; `cold` rows run without it (MKR_NO_CODE_CACHE=1).
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {fmtMs, fmtRss, measureInterleaved, ratio, table, startSandbox} from './lib.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = join(root, 'bin/run.js')
const node = process.execPath
const RUNS = Number(process.env.BENCH_RUNS ?? 15)

/** Median time from the last byte a command writes to stdout until it exits. */
async function linger(cmd, args, env) {
  const xs = []
  for (let i = 0; i < RUNS; i++)
    xs.push(
      await new Promise((resolve) => {
        let last = performance.now()
        const c = spawn(cmd, args, {env, stdio: ['ignore', 'pipe', 'ignore']})
        c.stdout.on('data', () => (last = performance.now()))
        c.on('exit', () => resolve(performance.now() - last))
      }),
    )
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]
}

const cacheHome = mkdtempSync(join(tmpdir(), 'mkr-bench-cache-'))
const base = {...process.env, XDG_CACHE_HOME: cacheHome}
const cold = {...base, MKR_NO_CODE_CACHE: '1'}
// each group's runs are interleaved with its floor's (bench/lib.js measureInterleaved)
const [floor, version, help, rootHelp, helpCold, usage] = await measureInterleaved(
  [
    {cmd: node, args: ['-e', '0'], opts: {rss: true}},
    {cmd: node, args: [run, '--version'], opts: {rss: true, env: base}},
    {cmd: node, args: [run, 'hosts', '--help'], opts: {env: base}},
    {cmd: node, args: [run, '--help'], opts: {env: base}},
    {cmd: node, args: [run, 'hosts', '--help'], opts: {env: cold}},
    {cmd: node, args: [run, 'hosts', '--stauts'], opts: {env: base, expectCode: 2}},
  ],
  RUNS,
)

const sb = await startSandbox(run, ['--hosts', '10000'])
const env = {...base, MACKEREL_APIBASE: sb.base, MACKEREL_APIKEY: sb.key}
const [minimalOrg, org, orgCold] = await measureInterleaved(
  [
    {cmd: node, args: [join(root, 'bench/minimal-org.js')], opts: {env, discard: true}},
    {cmd: node, args: [run, 'org'], opts: {env, discard: true}},
    {cmd: node, args: [run, 'org'], opts: {env: {...env, MKR_NO_CODE_CACHE: '1'}, discard: true}},
  ],
  RUNS,
)
const [minimal, hosts] = await measureInterleaved(
  [
    {cmd: node, args: [join(root, 'bench/minimal-hosts.js')], opts: {env, rss: true, discard: true}},
    {cmd: node, args: [run, 'hosts', '--json'], opts: {env, rss: true, discard: true}},
  ],
  RUNS,
)
const orgLinger = await linger(node, [run, 'org'], env)
const minimalLinger = await linger(node, [join(root, 'bench/minimal-hosts.js')], env)
sb.child.kill('SIGTERM')
rmSync(cacheHome, {recursive: true, force: true})

console.log(`\n## start-up and hosts (median of ${RUNS} runs, Node ${process.versions.node})\n`)
if (process.env.NODE_EXTRA_CA_CERTS)
  console.log('NODE_EXTRA_CA_CERTS is set: it adds the same fixed cost (~50 ms) to every Node start, floor included;\nrun `NODE_EXTRA_CA_CERTS= npm run bench` to see start-up ratios without it.\n')
console.log(
  table(
    ['command', 'median', 'peak RSS', 'vs floor', 'target'],
    [
      ['node -e 0 (floor)', fmtMs(floor.median), fmtRss(floor.rssKb), '1.00×', ''],
      ['mkr --version', fmtMs(version.median), fmtRss(version.rssKb), ratio(version.median, floor.median), '≤ 2×'],
      ['mkr hosts --help', fmtMs(help.median), '', ratio(help.median, floor.median), '≤ 2×'],
      ['mkr --help', fmtMs(rootHelp.median), '', ratio(rootHelp.median, floor.median), '≤ 2×'],
      ['mkr hosts --help, cold (no code cache)', fmtMs(helpCold.median), '', ratio(helpCold.median, floor.median), ''],
      ['mkr hosts --stauts (usage error)', fmtMs(usage.median), '', ratio(usage.median, floor.median), '≤ 2×'],
      ['minimal node:http script, GET /org (floor)', fmtMs(minimalOrg.median), '', '1.00×', ''],
      ['mkr org', fmtMs(org.median), '', ratio(org.median, minimalOrg.median), '≤ 2×'],
      ['mkr org, cold (no code cache)', fmtMs(orgCold.median), '', ratio(orgCold.median, minimalOrg.median), ''],
      ['minimal fetch script, 10,000 hosts (floor)', fmtMs(minimal.median), fmtRss(minimal.rssKb), '1.00×', ''],
      ['mkr hosts --json, 10,000 hosts', fmtMs(hosts.median), fmtRss(hosts.rssKb), ratio(hosts.median, minimal.median), '≤ 1.2×'],
      ['minimal script: last byte of output to exit (floor)', fmtMs(minimalLinger), '', '', ''],
      ['mkr org: last byte of output to exit', fmtMs(orgLinger), '', `${orgLinger >= minimalLinger ? '+' : '−'}${fmtMs(Math.abs(orgLinger - minimalLinger))}`, '≤ +10 ms'],
    ],
  ),
)

// the other tables: wrap (start-up, throughput) and what --jq costs (and that nothing else loads jq)
for (const script of ['bench/wrap.js', 'bench/jq.js', 'bench/throw.js']) {
  if (existsSync(join(root, script))) await new Promise((resolve) => spawn(node, [join(root, script)], {stdio: 'inherit'}).on('exit', resolve))
}
