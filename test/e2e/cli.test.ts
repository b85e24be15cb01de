// What only a process shows for the CLI itself: --version and usage errors answered by the dispatcher
// (bin/run.js, exit 2), help (oclif's, exit 0), global flags moved before the command by the
// dispatcher, wrap's fast path and a completion script sourced from a real `mkr completion bash`.
// The rest runs in-process: test/cli/commands.test.ts (usage errors as worded over the committed
// manifest, help typos, completion from the real manifest, -apibase=/-conf read by the command).
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {BIN, cleanEnv, ROOT, runMkr, tempDir} from './harness.js'

describe('e2e: the CLI itself', () => {
  it('--version prints the package version', async () => {
    const {version} = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    const r = await runMkr(['--version'])
    assert.equal(r.code, 0)
    assert.match(r.stdout, new RegExp(`^mackerel-cli/${version.replaceAll('.', '\\.')} `))
  })

  it('an unknown command: one line and a hint, exit 2', async () => {
    const r = await runMkr(['frobnicate'])
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, 'mkr: unknown command: frobnicate\nhint: see `mkr --help` for the list\n')
  })

  const typos: [string[], string][] = [
    [['hots'], 'mkr: unknown command: hots (did you mean "hosts"?)\nhint: see `mkr --help` for the list\n'],
    [['hosts', '--stauts'], 'mkr: unknown flag --stauts for hosts (did you mean --status?)\nhint: see `mkr hosts --help`\n'],
    [['hosts', 'extra'], 'mkr: unexpected argument: extra\nhint: see `mkr hosts --help`\n'],
    [['--apibase', 'http://127.0.0.1:9', 'sandbox'], 'mkr: sandbox does not take --apibase\nhint: the sandbox is the API server: it reads no agent config and needs no API base\n'],
  ]
  for (const [args, stderr] of typos)
    it(`mkr ${args.join(' ')}: one line naming the closest match, exit 2`, async () => {
      const r = await runMkr(args)
      assert.equal(r.code, 2)
      assert.equal(r.stdout, '')
      assert.equal(r.stderr, stderr)
    })

  it('mkr help, mkr help <command...> and a topic alone show help, exit 0', async () => {
    const root = await runMkr(['help'])
    assert.equal(root.code, 0, root.stderr)
    assert.match(root.stdout, /^A command-line client for the Mackerel monitoring service/)
    assert.match(root.stdout, /\nTOPICS\n {2}alerts /)
    const push = await runMkr(['help', 'monitors', 'push'])
    assert.equal(push.code, 0, push.stderr)
    assert.match(push.stdout, /^Make Mackerel match a monitors file\n\nUSAGE\n {2}\$ mkr monitors push /)
    const topic = await runMkr(['annotations'])
    assert.equal(topic.code, 0, topic.stderr)
    assert.match(topic.stdout, /\nCOMMANDS\n {2}annotations create /)
  })

  describe('global flags before the command', () => {
    let sb: Sandbox
    let dir: {path: string; remove: () => void}
    before(async () => {
      sb = await startSandbox({port: 0, seed: true, apiKey: 'sandbox'})
      dir = tempDir()
    })
    after(async () => {
      await sb.close()
      dir.remove()
    })
    const orgCalls = () => sb.requests().filter((q) => q.path === '/api/v0/org').length

    it('mkr --apibase URL -q org', async () => {
      const before = orgCalls()
      const r = await runMkr(['--apibase', sb.url, '-q', 'org'], {env: cleanEnv({MACKEREL_APIKEY: 'sandbox'})})
      assert.equal(r.code, 0, r.stderr)
      assert.ok(JSON.parse(r.stdout).name)
      assert.equal(orgCalls(), before + 1)
    })

    it('mkr --conf FILE wrap -n NAME -- job: wrap reads them (and keeps the job\'s exit code)', async () => {
      const root = join(dir.path, 'agent')
      execFileSync('mkdir', ['-p', root])
      const host = [...sb.store.hosts.keys()].find((id) => sb.store.liveHost(id))!
      writeFileSync(join(root, 'id'), `${host}\n`)
      const conf = join(dir.path, 'wrap.conf')
      writeFileSync(conf, `apikey = "sandbox"\napibase = ${JSON.stringify(sb.url)}\nroot = ${JSON.stringify(root)}\n`)
      const env = cleanEnv({HOME: dir.path, XDG_STATE_HOME: join(dir.path, 'state')})
      const r = await runMkr(['--conf', conf, 'wrap', '-n', 'globals-first', '--', 'sh', '-c', 'exit 3'], {env})
      assert.equal(r.code, 3, r.stderr)
      const reports = sb.reports().filter((x) => x.report.name === 'globals-first')
      assert.equal(reports.length, 1)
      assert.equal(reports[0].report.status, 'CRITICAL')
    })
  })

  describe('mkr completion', () => {
    it('bash: the script registers a completion for mkr', () => {
      const out = execFileSync('bash', ['--norc', '--noprofile', '-c', `source <(${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} completion bash); complete -p mkr`], {encoding: 'utf8'})
      assert.equal(out, 'complete -F _mkr mkr\n')
    })
  })

  for (const flag of ['--help', '-h', '-help']) {
    it(`mkr wrap ${flag} prints wrap's help (the fast path hands help to oclif), exit 0`, async () => {
      const r = await runMkr(['wrap', flag])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, /^Run a command and report its result to Mackerel/)
      assert.match(r.stdout, /USAGE\n {2}\$ mkr wrap \[FLAGS\] -- COMMAND \[ARGS\.\.\.\]/)
      assert.equal(r.stderr, '')
    })
  }

  it('--help of a command shows its flags and examples', async () => {
    const r = await runMkr(['hosts', '--help'])
    assert.equal(r.code, 0)
    assert.match(r.stdout, /--service/)
    assert.match(r.stdout, /EXAMPLES\n {2}\$ mkr hosts/)
  })
})

describe('e2e: an API that does not answer at once', function () {
  this.timeout(30_000)

  it('a stopped local API (connection refused): one attempt, one line, exit 1', async () => {
    const http = await import('node:http')
    const closed = http.createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as import('node:net').AddressInfo).port
    await new Promise((r) => closed.close(r))
    const t0 = Date.now()
    const r = await runMkr(['org'], {env: cleanEnv({MACKEREL_APIKEY: 'k', MACKEREL_APIBASE: `http://127.0.0.1:${port}`})})
    assert.equal(r.code, 1)
    assert.equal(r.stderr.split('\n')[0], `mkr: GET /api/v0/org failed: cannot connect to 127.0.0.1:${port} (connection refused)`)
    // the retry policy would wait seconds between 6 attempts; one attempt is well under that even on a loaded machine
    assert.ok(Date.now() - t0 < 10_000)
  })

  it('on a terminal, a slow answer shows what it waits for, cleared before the output', async () => {
    const http = await import('node:http')
    const server = http.createServer((_req, res) => {
      setTimeout(() => res.setHeader('content-type', 'application/json').end('{"name":"slow-org"}'), 2500)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const port = (server.address() as import('node:net').AddressInfo).port
      const {runMkrTty} = await import('./harness.js')
      const r = await runMkrTty(['org'], {env: cleanEnv({MACKEREL_APIKEY: 'k', MACKEREL_APIBASE: `http://127.0.0.1:${port}`})})
      assert.equal(r.code, 0, r.stdout)
      assert.match(r.stdout, new RegExp(`waiting for 127\\.0\\.0\\.1:${port} to answer GET /api/v0/org…`))
      // the line is erased before the JSON
      assert.match(r.stdout, /\r\x1b\[2K\{\n {4}"name": "slow-org"/)
    } finally {
      server.close()
    }
  })
})
