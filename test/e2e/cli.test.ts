import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {ROOT, runMkr} from './harness.js'

describe('e2e: the CLI itself', () => {
  it('--version prints the package version', async () => {
    const {version} = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    const r = await runMkr(['--version'])
    assert.equal(r.code, 0)
    assert.match(r.stdout, new RegExp(`^mackerel-cli/${version.replaceAll('.', '\\.')} `))
  })

  it('an unknown command: one line and a hint, exit 2', async () => {
    const r = await runMkr(['hots'])
    assert.equal(r.code, 2)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, 'mkr: unknown command: hots\nhint: see `mkr --help` for the list\n')
  })

  it('an unknown flag: one line naming it and the help to read, exit 2, no stack', async () => {
    const r = await runMkr(['hosts', '--bogus'])
    assert.equal(r.code, 2)
    assert.equal(r.stderr, 'mkr: Nonexistent flag: --bogus\nhint: see `mkr hosts --help`\n')
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
