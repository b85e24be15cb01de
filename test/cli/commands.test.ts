// The shared command line in-process: usage errors as the dispatcher words them (planArgv over the
// committed manifest), `mkr help` with a typo, completion scripts from the real manifest run in a real
// bash, global flags read by BaseCommand (single-dash forms, --conf), config errors, empty ids and
// control characters in error lines. What only a process shows (the dispatcher's exit codes and output,
// --version, help, FIFOs that would block a read, errors raised in the lazily imported
// src/api/connect.ts) is in test/e2e/cli.test.ts and test/e2e/config-help.test.ts.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {closeAgent} from '../../src/api/client.js'
import {planArgv} from '../../src/cli/dispatch.js'
import {readManifest} from '../../src/cli/manifest.js'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {clientOf, mkr, ROOT, useCleanEnv, withEnv} from './run.js'

/** What bin/run.js prints for a command line the dispatcher rejects (src/cli/start.ts), or undefined. */
function dispatcherError(argv: string[]): string | undefined {
  const manifest = readManifest(pathToFileURL(join(ROOT, 'bin', 'run.js')))
  assert.ok(manifest, 'oclif.manifest.json')
  const plan = planArgv(argv, manifest)
  return 'error' in plan ? `mkr: ${plan.error}\n${plan.hint ? `hint: ${plan.hint}\n` : ''}` : undefined
}

describe('the shared command line (in-process)', () => {
  let sb: Sandbox
  let tmp: string
  useCleanEnv()

  before(async () => {
    sb = await startSandbox({port: 0, seed: true, apiKey: 'sandbox'})
    tmp = mkdtempSync(join(tmpdir(), 'mkr-cli-'))
  })
  after(async () => {
    await sb.close()
    await closeAgent()
    rmSync(tmp, {recursive: true, force: true})
  })

  const mark = () => sb.requests().length
  const orgCalls = () => sb.requests().filter((q) => q.path === '/api/v0/org').length

  describe('usage errors of the dispatcher, against the committed manifest', () => {
    const typos: [string[], string][] = [
      [['frobnicate'], 'mkr: unknown command: frobnicate\nhint: see `mkr --help` for the list\n'],
      [['hots'], 'mkr: unknown command: hots (did you mean "hosts"?)\nhint: see `mkr --help` for the list\n'],
      [['host'], 'mkr: unknown command: host (did you mean "hosts"?)\nhint: see `mkr --help` for the list\n'],
      [['monitors', 'pul'], 'mkr: unknown command: monitors pul (did you mean "monitors pull"?)\nhint: see `mkr --help` for the list\n'],
      [['hosts', '--stauts'], 'mkr: unknown flag --stauts for hosts (did you mean --status?)\nhint: see `mkr hosts --help`\n'],
      [['hosts', '--bogus'], 'mkr: unknown flag --bogus for hosts\nhint: see `mkr hosts --help`\n'],
      [['hosts', 'extra'], 'mkr: unexpected argument: extra\nhint: see `mkr hosts --help`\n'],
      [['--apibase', 'http://127.0.0.1:9', 'sandbox'], 'mkr: sandbox does not take --apibase\nhint: the sandbox is the API server: it reads no agent config and needs no API base\n'],
      [['sandbox', '--conf=/dev/null', '--port', '1'], 'mkr: sandbox does not take --conf\nhint: the sandbox is the API server: it reads no agent config and needs no API base\n'],
      [['sandbox', '--apibase=http://127.0.0.1:1', '--port', '1'], 'mkr: sandbox does not take --apibase\nhint: the sandbox is the API server: it reads no agent config and needs no API base\n'],
    ]
    for (const [args, stderr] of typos) it(`mkr ${args.join(' ')}`, () => assert.equal(dispatcherError(args), stderr))

    it('lets through what oclif answers: help, a topic alone, global flags before the command', () => {
      for (const args of [['help'], ['help', 'monitors', 'push'], ['annotations'], ['--apibase', 'U', '-q', 'org'], ['-apibase=U', 'org'], ['-conf', 'F', 'org'], ['wrap', '-help']])
        assert.equal(dispatcherError(args), undefined, args.join(' '))
    })
  })

  it('mkr help monitors pul: one line naming the closest match, exit 2', async () => {
    const r = await mkr(['help', 'monitors', 'pul'])
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, 'mkr: unknown command: monitors pul (did you mean "monitors pull"?)\nhint: see `mkr --help` for the list\n')
  })

  describe('global flags read by the command (no client given: the key and base come from them)', () => {
    it('-apibase=URL (single dash) and --apibase URL -q', async () => {
      for (const args of [['org', `-apibase=${sb.url}`], ['org', '--apibase', sb.url, '-q']]) {
        const before = orgCalls()
        const r = await withEnv({MACKEREL_APIKEY: 'sandbox'}, () => mkr(args))
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
        assert.ok(JSON.parse(r.stdout).name)
        assert.equal(orgCalls(), before + 1)
      }
    })

    it('-conf FILE reads the key and base from FILE', async () => {
      const conf = join(tmp, 'agent.conf')
      writeFileSync(conf, `apikey = "sandbox"\napibase = ${JSON.stringify(sb.url)}\n`)
      const before = orgCalls()
      const r = await mkr(['org', '-conf', conf])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(orgCalls(), before + 1)
    })
  })

  describe('mkr completion', () => {
    const bash = (script: string) => execFileSync('bash', ['--norc', '--noprofile', '-c', script], {encoding: 'utf8'})

    it('bash: the script from the real manifest registers _mkr, and `mkr monitors p` completes to pull push', async () => {
      const r = await mkr(['completion', 'bash'])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(bash(`${r.stdout}\ncomplete -p mkr`), 'complete -F _mkr mkr\n')
      assert.equal(bash(`${r.stdout}\nCOMP_WORDS=(mkr monitors p); COMP_CWORD=2; _mkr; echo "\${COMPREPLY[*]}"`), 'pull push\n')
    })

    it('an unknown shell is a usage error', async () => {
      const r = await mkr(['completion', 'tcsh'])
      assert.equal(r.code, 2)
      assert.match(r.stderr, /^mkr: Expected tcsh to be one of: bash, zsh, fish\n/)
    })
  })

  describe('config, ids and error lines', () => {
    it('a broken --conf is an error with file and line even when MACKEREL_APIKEY is set (no request anywhere)', async () => {
      const conf = join(tmp, 'broken.conf')
      writeFileSync(conf, 'apibase = "http://127.0.0.1:9"\napikey = \n')
      const m = mark()
      const r = await withEnv({MACKEREL_APIKEY: sb.apiKey, MACKEREL_APIBASE: sb.url}, () => mkr(['hosts', '--conf', conf]))
      assert.equal(r.code, 1)
      assert.equal(r.stdout, '')
      assert.match(r.stderr, new RegExp(`^mkr: invalid TOML in ${conf} \\(line 2, column \\d+\\): `))
      assert.equal(sb.requests().length, m)
    })

    it('an include pattern like [z-a]: a config error naming the file and the pattern, not "unexpected error"', async () => {
      const conf = join(tmp, 'badglob.conf')
      writeFileSync(conf, 'include = "/etc/[z-a]/*.conf"\n')
      const r = await withEnv({MACKEREL_APIKEY: sb.apiKey, MACKEREL_APIBASE: sb.url}, () => mkr(['org', '--conf', conf]))
      assert.equal(r.code, 1)
      assert.equal(
        r.stderr,
        `mkr: invalid config ${conf}: \`include\` pattern "/etc/[z-a]/*.conf": bad character range z-a in [z-a] (the range is reversed)\n` +
          'hint: fix the glob: `*`, `?` and character classes like [a-z] are supported\n',
      )
    })

    it('an empty host id is a usage error and nothing is sent (status, status --set, update)', async () => {
      const m = mark()
      for (const args of [['status', ''], ['status', '2eQGDXqtoXs', '', '--set', 'working'], ['update', '--st', 'working', '']]) {
        const r = await mkr(args, {client: clientOf(sb)})
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
        assert.match(r.stderr, /^mkr: host id is empty\n/)
      }
      assert.equal(sb.requests().length, m)
    })

    it('a server message with control characters is printed escaped (no forged lines, no terminal sequences)', async () => {
      const r = await mkr(['status', 'x\u001b]0;pwned\u0007\rmkr: all good'], {client: clientOf(sb)})
      assert.equal(r.code, 1)
      assert.doesNotMatch(r.stderr, /[\u0000-\u0009\u000b-\u001f]/)
      assert.equal(r.stderr.split('\n').length, 2, r.stderr) // one line, then the final newline
      assert.match(r.stderr, /\\x1b\]0;pwned\\x07\\rmkr: all good/)
    })
  })
})
