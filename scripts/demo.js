#!/usr/bin/env node
// `npm run demo`: the quick start with no Mackerel account. Starts the embedded sandbox, then runs the
// commands an operator would, printing each one and its output. Stops the sandbox at the end.
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = join(root, 'bin/run.js')

const sandbox = spawn(process.execPath, [run, 'sandbox', '--port', '0'], {stdio: ['ignore', 'pipe', 'ignore']})
const exports = await new Promise((resolve, reject) => {
  let out = ''
  sandbox.stdout.on('data', (d) => {
    out += d
    const base = /MACKEREL_APIBASE=(\S+)/.exec(out)
    const key = /MACKEREL_APIKEY=(\S+)/.exec(out)
    if (base && key) resolve({MACKEREL_APIBASE: base[1], MACKEREL_APIKEY: key[1]})
  })
  sandbox.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)))
})
const state = mkdtempSync(join(tmpdir(), 'mkr-demo-'))
// `mkr` on the PATH of the commands the runbook runs (without `npm link` there is none)
mkdirSync(join(state, 'bin'))
writeFileSync(join(state, 'bin', 'mkr'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(run)} "$@"\n`)
chmodSync(join(state, 'bin', 'mkr'), 0o755)
const env = {...process.env, ...exports, XDG_STATE_HOME: state, NO_COLOR: '1', PATH: `${join(state, 'bin')}:${process.env.PATH}`}

function mkr(args, opts = {}) {
  process.stdout.write(`\n$ mkr ${args.map((a) => (/[\s'"|;]/.test(a) ? `'${a}'` : a)).join(' ')}\n`)
  const r = spawnSync(process.execPath, [run, ...args], {env, encoding: 'utf8', cwd: opts.cwd})
  process.stdout.write(r.stdout + r.stderr)
  if (opts.expect !== undefined && r.status !== opts.expect) {
    console.error(`demo: expected exit ${opts.expect}, got ${r.status}`)
    process.exitCode = 1
  }
  process.stdout.write(`(exit ${r.status})\n`)
  return r
}

try {
  console.log(`sandbox running: export MACKEREL_APIBASE=${exports.MACKEREL_APIBASE} MACKEREL_APIKEY=${exports.MACKEREL_APIKEY}`)
  const hosts = JSON.parse(mkr(['hosts', '--service', 'demo'], {expect: 0}).stdout)
  const id = hosts[0].id
  mkr(['status', id], {expect: 0})
  mkr(['status', id, '--set', 'maintenance'], {expect: 0})
  // the main job: a cron job wrapped so that its failure becomes a Mackerel alert
  mkr(['wrap', '--host', id, '--name', 'nightly-backup', '--detail', '--', 'sh', '-c', 'echo "copying /var/backups"; echo "disk full" >&2; exit 3'], {expect: 3})
  const reports = await (await fetch(`${exports.MACKEREL_APIBASE}/_sandbox/reports`)).json()
  console.log(`\nthe sandbox received ${reports.length} check report(s):`)
  for (const r of reports) console.log(`  ${r.report.name} ${r.report.status}: ${JSON.stringify(r.report.message)}`)
  mkr(['alerts', 'list'], {expect: 0})
  // alert automation: the runbook puts the owner, the runbook link and the job's context into the
  // alert's memo, and runs the announced remedy (examples/runbook.toml)
  mkr(['runbook', 'run', join(root, 'examples', 'runbook.toml'), '--once'], {expect: 0})
  mkr(['alerts', '--jq', '.[0].memo'], {expect: 0}) // the newest alert: the wrapped job's
  mkr(['monitors', 'pull', '-F', join(state, 'monitors.json')], {expect: 0})
  mkr(['monitors', 'diff', '-F', join(state, 'monitors.json')], {expect: 0})
} finally {
  sandbox.kill('SIGTERM')
  rmSync(state, {recursive: true, force: true})
}
