// Helpers for benchmarks: time whole commands over repeated runs, measure peak RSS, print tables.
// Benchmarks report ratios against a floor measured in the same run (e.g. `node -e 0`), never absolute
// thresholds, so they mean the same on a loaded laptop and on CI.
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'

/** Runs a command once; resolves {ms, code, stdout, maxRssKb?}. Stdout is captured unless `discard`. */
export function runOnce(cmd, args, opts = {}) {
  const useTime = opts.rss && existsSync('/usr/bin/time')
  const argv = useTime ? ['/usr/bin/time', ['-f', '%M', cmd, ...args]] : [cmd, args]
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const child = spawn(argv[0], argv[1], {env: opts.env ?? process.env, stdio: ['ignore', opts.discard ? 'ignore' : 'pipe', 'pipe']})
    let out = ''
    let err = ''
    child.stdout?.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      let maxRssKb
      if (useTime) {
        const lines = err.trim().split('\n')
        maxRssKb = Number(lines.pop())
        err = lines.join('\n')
      }
      resolve({ms, code, stdout: out, stderr: err, maxRssKb})
    })
  })
}

/** Median wall time over `runs` runs (after one warm-up run), plus the worst peak RSS if asked. */
export async function measure(cmd, args, opts = {}) {
  const runs = opts.runs ?? 10
  await runOnce(cmd, args, opts)
  const times = []
  let rss = 0
  for (let i = 0; i < runs; i++) {
    const r = await runOnce(cmd, args, opts)
    if (r.code !== (opts.expectCode ?? 0)) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(0, 500)}`)
    times.push(r.ms)
    if (r.maxRssKb) rss = Math.max(rss, r.maxRssKb)
  }
  times.sort((a, b) => a - b)
  return {median: times[Math.floor(times.length / 2)], min: times[0], rssKb: rss || undefined}
}

export function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |'
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n')
}

export const fmtMs = (ms) => `${ms.toFixed(0)} ms`
export const fmtRss = (kb) => (kb ? `${(kb / 1024).toFixed(0)} MiB` : 'n/a')
export const ratio = (a, b) => `${(a / b).toFixed(2)}×`
