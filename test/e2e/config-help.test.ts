// The process-level parts of issue 12 that belong to the shared CLI: config files that are not regular
// files (a FIFO would block a read forever, so these run in a child process), credentials in --apibase
// (rejected in src/api/connect.ts, which BaseCommand imports lazily: under mocha+tsx that import loads
// a second copy of the error classes, so in-process it would print "unexpected error"), and the help
// layout (help is printed by the dispatcher's help path, not by a command). A broken --conf, a bad
// include glob, empty ids, control characters in error lines and the sandbox's refused flags run
// in-process: test/cli/commands.test.ts.
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {startSandbox, type Sandbox} from '../../src/sandbox/server.js'
import {cleanEnv, ROOT, runMkr, tempDir} from './harness.js'

const SAFETY_KILL_MS = 20_000 // only so that a regression (a blocking read) ends the test; never reached when fixed

describe('e2e: config files, ids and help', () => {
  let sb: Sandbox
  let env: NodeJS.ProcessEnv
  const tmp = tempDir('mkr-e2e-conf-')

  before(async () => {
    sb = await startSandbox({port: 0})
    env = cleanEnv({MACKEREL_APIBASE: sb.url, MACKEREL_APIKEY: sb.apiKey, MKR_HTTP_BUDGET: '3'})
  })
  after(async () => {
    await sb.close()
    tmp.remove()
  })

  const mark = () => sb.requests().length
  const fifo = (name: string) => {
    const p = join(tmp.path, name)
    execFileSync('mkfifo', [p])
    return p
  }

  describe('config files must be regular files', () => {
    it('--conf naming a FIFO: an error naming the file, exit 1, no hang and no request', async () => {
      const p = fifo('agent.conf')
      const m = mark()
      const r = await runMkr(['hosts', '--conf', p], {env, timeoutMs: SAFETY_KILL_MS})
      assert.equal(r.signal, null, 'mkr hung reading the FIFO')
      assert.equal(r.code, 1)
      assert.equal(r.stderr, `mkr: cannot read config ${p}: is a named pipe (FIFO), not a regular file\n`)
      assert.equal(sb.requests().length, m)
    })

    it('an include glob matching a FIFO: an error naming the FIFO', async () => {
      const p = fifo('inc-1.conf')
      const conf = join(tmp.path, 'with-include.conf')
      writeFileSync(conf, `include = "${join(tmp.path, 'inc-*.conf')}"\n`)
      const r = await runMkr(['org', '--conf', conf], {env, timeoutMs: SAFETY_KILL_MS})
      assert.equal(r.signal, null, 'mkr hung reading the FIFO')
      assert.equal(r.code, 1)
      assert.equal(r.stderr, `mkr: cannot read config ${p}: is a named pipe (FIFO), not a regular file\n`)
    })

    it('the agent id file being a FIFO: an error naming it, no hang', async () => {
      const root = join(tmp.path, 'root')
      execFileSync('mkdir', [root])
      fifo('root/id')
      const conf = join(tmp.path, 'root.conf')
      writeFileSync(conf, `root = "${root}"\n`)
      const r = await runMkr(['status', '--conf', conf], {env, timeoutMs: SAFETY_KILL_MS})
      assert.equal(r.signal, null, 'mkr hung reading the FIFO')
      assert.equal(r.code, 1)
      assert.match(r.stderr, new RegExp(`^mkr: cannot read host id from ${root}/id: is a named pipe \\(FIFO\\), not a regular file\\n`))
    })
  })

  it('--apibase with user:password@: rejected without echoing the password', async () => {
    for (const base of ['ftp://alice:s3cretpw@example.test/', 'https://alice:s3cretpw@example.test/', 'https://alice:p@ss3cretpw@example.test']) {
      const r = await runMkr(['org', '--apibase', base], {env})
      assert.equal(r.code, 1, r.stderr)
      assert.doesNotMatch(r.stderr, /s3cretpw|alice/)
      assert.match(r.stderr, /^mkr: invalid API base URL: (ftp|https):\/\/\*\*\*@example\.test/)
    }
  })

  describe('help layout (COLUMNS=100)', () => {
    const commands = Object.keys(JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')).commands as Record<string, unknown>)
    const helps = new Map<string, string>()
    before(async function () {
      // every command's help, four processes at a time
      const todo = [...commands]
      const worker = async () => {
        for (let c = todo.shift(); c; c = todo.shift()) {
          const r = await runMkr([...c.split(':'), '--help'], {env: cleanEnv({COLUMNS: '100'})})
          assert.equal(r.code, 0, `${c}: ${r.stderr}`)
          helps.set(c, r.stdout)
        }
      }
      await Promise.all([worker(), worker(), worker(), worker()])
    })

    /** The help sections, by header. */
    const sections = (help: string) => {
      const out = new Map<string, string[]>()
      let cur: string[] | undefined
      for (const line of help.split('\n')) {
        if (/^[A-Z][A-Z ]+$/.test(line)) out.set(line, (cur = []))
        else cur?.push(line)
      }
      return out
    }

    it('in every FLAGS and GLOBAL FLAGS section, every description starts in the same column', () => {
      assert.ok(helps.size >= 10)
      const bad: string[] = []
      for (const [c, help] of helps)
        for (const [head, lines] of sections(help)) {
          if (!/FLAGS$/.test(head)) continue
          const cols = new Set<number>()
          for (const l of lines) {
            const flagLine = /^( +-.*?\S)( {2,})\S/.exec(l)
            if (flagLine) cols.add(flagLine[1].length + flagLine[2].length)
            else if (l.trim()) cols.add(l.length - l.trimStart().length) // a continuation line
          }
          if (cols.size !== 1) bad.push(`${c} ${head}: ${[...cols].join(', ')}`)
        }
      assert.deepEqual(bad, [])
    })

    it('GLOBAL FLAGS lists --conf FILE and --apibase URL aligned with -q', () => {
      const lines = sections(helps.get('hosts')!).get('GLOBAL FLAGS')!
      assert.equal(lines[0], '  -q, --quiet        hide info messages (errors are always shown)')
      assert.equal(lines[1], '      --conf=FILE    mackerel-agent config to read apikey, apibase and root from')
      assert.equal(lines[2], '                     [default: /etc/mackerel-agent/mackerel-agent.conf]')
      assert.equal(lines[3], '      --apibase=URL  Mackerel API base URL (env MACKEREL_APIBASE)')
    })

    it('mkr wrap --help: the description is wrapped as paragraphs (no hard line breaks inside one)', () => {
      const desc = sections(helps.get('wrap')!).get('DESCRIPTION')!
      const paragraphs: string[][] = [[]]
      for (const l of desc) if (l.trim() === '') paragraphs.push([]); else paragraphs.at(-1)!.push(l)
      const width = Math.max(...desc.map((l) => l.length))
      const ragged: string[] = []
      for (const p of paragraphs)
        for (let i = 0; i + 1 < p.length; i++) {
          const nextWord = p[i + 1].trim().split(' ')[0]
          if (p[i].length + 1 + nextWord.length <= width) ragged.push(p[i])
        }
      assert.deepEqual(ragged, [])
      assert.ok(paragraphs.filter((p) => p.length > 0).length >= 4)
    })
  })
})
