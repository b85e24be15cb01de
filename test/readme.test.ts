// Every `mkr ...` example in README.md's code blocks does what it says: each one runs, as written,
// through bash against its own freshly seeded in-process sandbox (an `mkr` shim on PATH runs
// bin/run.js), and must exit 0 or the code listed in EXPECTED_CODE. Examples that cannot run in a
// test are listed in SKIP with the reason. Needs `node scripts/build.js` first, like test/e2e.
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {SEED_IDS} from '../src/sandbox/seed.js'
import {startSandbox, type Sandbox} from '../src/sandbox/server.js'
import {BIN, cleanEnv, ROOT, tempDir} from './e2e/harness.js'

/** Examples not run, each with why. Keys are the example lines as extracted (comment removed). */
const SKIP: Record<string, string> = {
  'mkr status -v': "reads this machine's agent id file (/var/lib/mackerel-agent/id), which a test machine does not have",
  'mkr wrap [FLAGS] -- COMMAND [ARGS...]': 'a synopsis with placeholders, not a command',
  '0 3 * * * mkr wrap -n nightly-backup -d -a -I 1h --timeout 2h --lock --heartbeat demo:cron.nightly-backup -- /usr/local/bin/backup.sh': 'a crontab line (and /usr/local/bin/backup.sh does not exist here)',
  'mkr monitors get <id>': 'a synopsis with a placeholder',
  'mkr monitors pull [-F monitors.json]': 'a synopsis ([...] = optional)',
  'mkr monitors diff [-F monitors.json] [--exit-code] [--reverse]': 'a synopsis ([...] = optional)',
  'mkr monitors push [-F monitors.json] [--dry-run] [--yes] [--no-delete] [--allow-delete-all]': 'a synopsis ([...] = optional)',
  'journalctl -u app -n 50 | mkr alerts memo 2wpLU5fBXbG --section journal --file -': 'reads the systemd journal of a unit `app` that a test machine does not have',
  'mkr alerts memo 2wpLU5fBXbG --section diag --timeout 20s -- /usr/local/bin/collect-diag --short': 'runs /usr/local/bin/collect-diag, which does not exist here',
  'node bin/run.js sandbox': 'starts a server that runs until stopped (the test starts its own sandbox)',
  '$ mkr sandbox': 'starts a server that runs until stopped; shown with its output',
  'eval "$(mkr sandbox --detach)"': 'starts a background server (the test starts its own sandbox)',
  "mkr sandbox --fault 'POST /api/v0/monitoring/checks/report=503x2' --fault '/api/v0/alerts*=delay:2000'": 'starts a server that runs until stopped',
  'source <(mkr completion zsh)': 'a zsh script: the examples run in bash (test/cli/completion.test.ts checks its text)',
  'mkr completion fish > ~/.config/fish/completions/mkr.fish': "writes into the user's fish config (test/cli/completion.test.ts checks the script)",
  '$ mkr monitors pul': 'shown with its output: a usage error on purpose (test/e2e/cli.test.ts checks it)',
  'MKR_RUNBOOK_TOKEN=$(openssl rand -hex 16) mkr runbook serve examples/runbook.toml --listen 127.0.0.1:8080':
    'a webhook receiver that runs until stopped, on a fixed port (test/e2e/runbook.test.ts tests serve)',
  'CRITICAL on db01 · backup · handled by mkr runbook (rule "nightly backup") at 2026-12-02T11:48:26Z':
    'a line of the memo shown in a ```text block (output, not a command)',
  'eval "$(mkr sandbox --detach --speed 60)"': 'starts a background server (the test starts its own sandbox)',
  'sudo mkr plugin install mackerelio/mackerel-plugin-sample': 'downloads from github.com (no internet in tests; test/plugin/install.test.ts and test/e2e/plugin-install.test.ts use a fake GitHub)',
  'sudo mkr plugin install mackerelio/mackerel-plugin-sample@v0.0.4 --upgrade': 'downloads from github.com (no internet in tests)',
  'sudo mkr plugin install check-mackerel-metric': 'asks the plugin registry on raw.githubusercontent.com (no internet in tests)',
  'mkr plugin install --prefix ./plugins https://github.com/mackerelio/mackerel-plugin-sample/releases/download/v0.0.4/mackerel-plugin-sample_linux_amd64.zip': 'downloads from github.com (no internet in tests)',
}

/** Examples documented to exit with another code than 0. */
const EXPECTED_CODE: Record<string, number> = {
  // "becomes a check alert": the job exits 2 and wrap exits with the job's code
  "mkr wrap -n nightly-backup -H \"$(mkr hosts | jq -r '.[0].id')\" -- sh -c 'exit 2'": 2,
  // the webhook loop's failing job: wrap exits with the job's code
  "mkr wrap -a -n nightly-backup -H 2eQGDXqtoXs -- sh -c 'exit 2'": 2,
}

/** The memo of the seeded CRITICAL check alert `backup` on db01, which examples/runbook.toml's first rule handles. */
const backupMemo = (sb: Sandbox) => sb.store.alerts.get(SEED_IDS.checkAlert)!.memo ?? ''
const RUNBOOK_SECTION = '<!-- mkr:runbook:nightly-backup -->'
const REMEDY_OUTPUT = 'rerunning the backup on db01' // what the example file's remedy prints

/** Extra checks after an example ran, on the sandbox it ran against. */
const CHECK_AFTER: Record<string, (sb: Sandbox) => void> = {
  // the update must keep what it is not given: the seeded annotation's role and description
  'mkr annotations update --id 3b2xWzDkP1a -s demo --title "deploy v1.4.2 (rolled back)" --from -3h --to now': (sb) => {
    const a = sb.store.annotations.get(SEED_IDS.deployAnnotation)!
    assert.equal(a.title, 'deploy v1.4.2 (rolled back)')
    assert.deepEqual(a.roles, ['web'])
    assert.equal(a.description, 'release notes: https://example.com/r/142')
  },
  'mkr status 2eQGDXqtoXs 2eQGEaLxibb --set maintenance': (sb) => {
    assert.equal(sb.store.hosts.get(SEED_IDS.web01)!.status, 'maintenance')
    assert.equal(sb.store.hosts.get(SEED_IDS.web02)!.status, 'maintenance')
  },
  'mkr alerts close 2wpLU5fBXbG -r "fixed by restart"': (sb) => {
    assert.equal(sb.store.alerts.get(SEED_IDS.cpuAlert)!.status, 'OK')
  },
  'mkr create -R demo:web --st standby --customIdentifier i-0abc123 --memo "spare" web03': (sb) => {
    const created = [...sb.store.hosts.values()].filter((h) => h.name === 'web03')
    assert.equal(created.length, 1)
    const h = created[0]
    assert.equal(h.status, 'standby')
    assert.deepEqual(h.roleFullnames, ['demo:web'])
    assert.equal(h.customIdentifier, 'i-0abc123')
    assert.equal(h.memo, 'spare')
  },
  'mkr update --st maintenance 2eQGDXqtoXs 2eQGEaLxibb': (sb) => {
    assert.equal(sb.store.hosts.get(SEED_IDS.web01)!.status, 'maintenance')
    assert.equal(sb.store.hosts.get(SEED_IDS.web02)!.status, 'maintenance')
  },
  // name and display name change; what update is not given (roles, custom identifier) is kept
  'mkr update -n web01-new --displayName "Web One" 2eQGDXqtoXs': (sb) => {
    const h = sb.store.hosts.get(SEED_IDS.web01)!
    assert.equal(h.name, 'web01-new')
    assert.equal(h.displayName, 'Web One')
    assert.deepEqual(h.roleFullnames, ['demo:web'])
    assert.equal(h.customIdentifier, 'i-0a1b2c3d4e5f60001')
  },
  'mkr update -R demo:db 2eQGDXqtoXs': (sb) => {
    assert.deepEqual(sb.store.hosts.get(SEED_IDS.web01)!.roleFullnames, ['demo:db', 'demo:web'])
  },
  'mkr update -o -R demo:db 2eQGDXqtoXs': (sb) => {
    assert.deepEqual(sb.store.hosts.get(SEED_IDS.web01)!.roleFullnames, ['demo:db'])
  },
  // retires web02, and only it
  'mkr retire --force 2eQGEaLxibb': (sb) => {
    assert.equal(sb.store.hosts.get(SEED_IDS.web02)!.isRetired, true)
    assert.equal(sb.store.hosts.get(SEED_IDS.web01)!.isRetired, false)
  },
  // --dry-run: nothing is written
  'mkr runbook run examples/runbook.toml --once --dry-run': (sb) => {
    assert.ok(!backupMemo(sb).includes(RUNBOOK_SECTION), backupMemo(sb))
  },
  'mkr runbook run examples/runbook.toml --once --no-remedy': (sb) => {
    assert.ok(backupMemo(sb).includes(RUNBOOK_SECTION), backupMemo(sb))
    assert.ok(backupMemo(sb).includes('owner: @db-oncall'), backupMemo(sb))
    assert.ok(!backupMemo(sb).includes(REMEDY_OUTPUT), backupMemo(sb))
  },
  'mkr runbook run examples/runbook.toml --once': (sb) => {
    assert.ok(backupMemo(sb).includes(RUNBOOK_SECTION), backupMemo(sb))
    assert.ok(backupMemo(sb).includes(REMEDY_OUTPUT), backupMemo(sb))
  },
  'mkr runbook run examples/runbook.toml --alert 2ust8jNxFH3': (sb) => {
    assert.ok(backupMemo(sb).includes(REMEDY_OUTPUT), backupMemo(sb))
  },
  // --dry-run: the new dashboard is shown, not created
  'echo \'{"title": "Demo", "urlPath": "demo", "memo": "", "widgets": []}\' > demo.json && mkr dashboards push -F demo.json --dry-run': (sb) => {
    assert.equal(sb.store.dashboards.size, 0)
  },
}

/** The text before an unquoted ` #` comment. */
function stripComment(line: string): string {
  let quote = ''
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote) {
      if (c === '\\' && quote === '"') i++
      else if (c === quote) quote = ''
    } else if (c === '"' || c === "'") quote = c
    else if (c === '\\') i++
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i).trimEnd()
  }
  return line.trimEnd()
}

const MKR = /(^|[\s|;&(])(mkr|node bin\/run\.js)\s/

/** Every example line in README.md's code blocks that runs mkr, in order. */
export function readmeExamples(markdown: string): string[] {
  const out: string[] = []
  let lang: string | undefined
  for (const raw of markdown.split('\n')) {
    const fence = /^```(\S*)/.exec(raw)
    if (fence) {
      lang = lang === undefined ? fence[1] : undefined
      continue
    }
    if (lang === undefined) continue
    if (lang === 'toml') {
      // an agent action hook: command = "mkr ..."
      const m = /command = "(mkr [^"]*)"/.exec(raw)
      if (m) out.push(m[1])
      continue
    }
    const line = stripComment(raw).trim()
    if (line === '' || !MKR.test(line)) continue
    out.push(line)
  }
  return out
}

interface Outcome {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  sb: Sandbox
}

function runExample(line: string, sb: Sandbox, shimDir: string, home: string): Promise<Omit<Outcome, 'sb'>> {
  const env = cleanEnv({
    MACKEREL_APIBASE: sb.url,
    MACKEREL_APIKEY: sb.apiKey,
    PATH: `${shimDir}:${process.env.PATH}`,
    HOME: home,
    XDG_STATE_HOME: join(home, 'state'),
    MKR_HTTP_BUDGET: '5',
    // the sandbox's metric-monitor loop sets $HOST to the host it registers a few lines before; here
    // its later lines (throw, alerts --jq) get a seeded host instead
    HOST: SEED_IDS.web01,
  })
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', line], {cwd: line.startsWith('node bin/run.js') ? ROOT : home, env, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000) // a safety net only
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout, stderr})
    })
    child.stdin.on('error', () => {}) // EPIPE when the example exits before its stdin is closed
    child.stdin.end('')
  })
}

describe('README examples run against the sandbox', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const examples = readmeExamples(readme)
  const runnable = [...new Set(examples.filter((e) => !(e in SKIP)))]
  const hasJq = spawnSync('jq', ['--version']).status === 0
  const tmp = tempDir('mkr-readme-')
  const outcomes = new Map<string, Outcome>()

  before(async function () {
    this.timeout(180_000) // a limit for a loaded machine, not a timing assertion
    const shimDir = join(tmp.path, 'bin')
    mkdirSync(shimDir)
    writeFileSync(join(shimDir, 'mkr'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`)
    chmodSync(join(shimDir, 'mkr'), 0o755)
    const todo = runnable.filter((e) => hasJq || !/\bjq\b/.test(e)).map((e, i) => [e, i] as const)
    // each example gets its own sandbox (examples change state) and home; four at a time
    const worker = async () => {
      for (let next = todo.shift(); next; next = todo.shift()) {
        const [line, i] = next
        const home = join(tmp.path, `home-${i}`)
        mkdirSync(home)
        // examples name repository files relative to the cwd (`mkr runbook check examples/runbook.toml`)
        cpSync(join(ROOT, 'examples'), join(home, 'examples'), {recursive: true})
        const sb = await startSandbox({port: 0})
        try {
          outcomes.set(line, {...(await runExample(line, sb, shimDir, home)), sb})
        } finally {
          await sb.close()
        }
      }
    }
    await Promise.all([worker(), worker(), worker(), worker()])
  })
  after(() => tmp.remove())

  it('finds the examples, and every skipped one is still in the README', () => {
    assert.ok(runnable.length >= 20, `only ${runnable.length} runnable examples found`)
    assert.deepEqual(
      Object.keys(SKIP).filter((s) => !examples.includes(s)),
      [],
      'stale SKIP entries',
    )
    for (const k of [...Object.keys(EXPECTED_CODE), ...Object.keys(CHECK_AFTER)]) assert.ok(runnable.includes(k), `not an example: ${k}`)
  })

  for (const line of runnable)
    it(line, function () {
      if (!hasJq && /\bjq\b/.test(line)) this.skip()
      const o = outcomes.get(line)!
      assert.equal(o.signal, null, `killed: ${o.stderr}`)
      assert.equal(o.code, EXPECTED_CODE[line] ?? 0, `exit ${o.code}\nstdout: ${o.stdout}\nstderr: ${o.stderr}`)
      CHECK_AFTER[line]?.(o.sb)
    })
})
