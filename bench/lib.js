// Helpers for benchmarks: time whole commands over repeated runs, measure peak RSS, print tables.
// Benchmarks report ratios against a floor measured in the same run (e.g. `node -e 0`), never absolute
// thresholds, so they mean the same on a loaded laptop and on CI.
import {spawn, spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'

/** GNU time's %M (peak RSS in KiB) when available; otherwise VmHWM is polled, which can miss the end. */
const gnuTime = spawnSync('/usr/bin/time', ['-f', '%M', 'true']).status === 0

/**
 * Runs a command once; resolves {ms, code, stdout, stderr, maxRssKb?}. Stdout is captured unless
 * `discard`; with `rss` the peak resident set of the command is measured.
 */
export function runOnce(cmd, args, opts = {}) {
  const useTime = opts.rss && gnuTime
  const argv = useTime ? ['/usr/bin/time', ['-f', '%M', cmd, ...args]] : [cmd, args]
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const child = spawn(argv[0], argv[1], {env: opts.env ?? process.env, stdio: ['ignore', opts.discard ? 'ignore' : 'pipe', 'pipe']})
    let out = ''
    let err = ''
    let polled = 0
    const poll =
      opts.rss && !useTime
        ? setInterval(() => {
            try {
              const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
              if (m) polled = Math.max(polled, Number(m[1]))
            } catch {}
          }, 20)
        : undefined
    child.stdout?.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => {
      if (poll) clearInterval(poll)
      const ms = Number(process.hrtime.bigint() - t0) / 1e6
      let maxRssKb = polled || undefined
      if (useTime) {
        const lines = err.trim().split('\n')
        maxRssKb = Number(lines.pop())
        err = lines.join('\n')
      }
      resolve({ms, code, stdout: out, stderr: err, maxRssKb})
    })
  })
}

/** Like runOnce, but a non-zero exit (or another `expectCode`) is an error. */
export async function runOk(cmd, args, opts = {}) {
  const r = await runOnce(cmd, args, opts)
  if (r.code !== (opts.expectCode ?? 0)) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(0, 500)}`)
  return r
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** Median wall time over `runs` runs (after one warm-up run), plus the worst peak RSS if asked. */
export async function measure(cmd, args, opts = {}) {
  const runs = opts.runs ?? 10
  await runOnce(cmd, args, opts)
  const times = []
  let rss = 0
  for (let i = 0; i < runs; i++) {
    const r = await runOk(cmd, args, opts)
    times.push(r.ms)
    if (r.maxRssKb) rss = Math.max(rss, r.maxRssKb)
  }
  return {median: median(times), min: Math.min(...times), rssKb: rss || undefined}
}

/**
 * measure() for several commands at once, their runs interleaved (a, b, c, a, b, c, ...), so a burst
 * of load on the machine hits each alike and the ratios between them stay fair.
 */
export async function measureInterleaved(cases, runs = 10) {
  for (const c of cases) await runOnce(c.cmd, c.args, c.opts ?? {})
  const times = cases.map(() => [])
  const rss = cases.map(() => 0)
  for (let i = 0; i < runs; i++)
    for (const [j, c] of cases.entries()) {
      const r = await runOk(c.cmd, c.args, c.opts ?? {})
      times[j].push(r.ms)
      if (r.maxRssKb) rss[j] = Math.max(rss[j], r.maxRssKb)
    }
  return cases.map((_, j) => ({median: median(times[j]), min: Math.min(...times[j]), rssKb: rss[j] || undefined}))
}

export function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (cells) => '| ' + cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |'
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n')
}

export const fmtMs = (ms) => `${ms.toFixed(0)} ms`
export const fmtRss = (kb) => (kb ? `${(kb / 1024).toFixed(1)} MiB` : 'n/a')
export const ratio = (a, b) => `${(a / b).toFixed(2)}×`

/** Starts `mkr sandbox` from `bin` on a free port; resolves {child, base, key} once it printed its exports. */
export function startSandbox(bin, args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'sandbox', '--port', '0', ...args], {stdio: ['ignore', 'pipe', 'inherit']})
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      const base = /MACKEREL_APIBASE=(\S+)/.exec(out)
      const key = /MACKEREL_APIKEY=(\S+)/.exec(out)
      if (base && key) resolve({child, base: base[1], key: key[1]})
    })
    child.on('exit', (code) => reject(new Error(`sandbox exited ${code}`)))
  })
}
