// Help from the manifest (src/cli/help.ts, dist/help.cjs) must print what oclif's Config + Help print
// (src/main.ts, dist/mkr.cjs), byte for byte, for every command, topic and the help command, at two
// widths, with and without color, and in a locale that collates differently. Needs the build
// (`node scripts/build.js`; MKR_TEST_DIST=DIR checks another build directory).
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import ejs from 'ejs'
import {compareIds} from '../../src/cli/collate.js'
import {helpRequest} from '../../src/cli/help-request.js'
import {render} from '../../src/cli/help-template.js'
import manifestJson from '../../oclif.manifest.json' with {type: 'json'}
import {FIXTURE} from './fixture.js'

const ROOT = join(import.meta.dirname, '..', '..')
const DIST = process.env.MKR_TEST_DIST ?? join(ROOT, 'dist')
const FLAGS = ['-h', '--help']

type Outputs = Record<string, {stdout: string; stderr: string; exitCode: number; light?: boolean}>

function outputs(side: 'light' | 'oclif', env: NodeJS.ProcessEnv): Promise<Outputs> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'help-outputs.ts'), side, DIST], {env, maxBuffer: 64 << 20}, (err, stdout, stderr) =>
      err ? reject(new Error(`${side}: ${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    ),
  )
}

describe('cli/help: help from the manifest', () => {
  describe('the same text as oclif', function () {
    this.timeout(60_000)
    const config = mkdtempSync(join(tmpdir(), 'mkr-help-config-'))
    after(() => rmSync(config, {recursive: true, force: true}))
    const base: NodeJS.ProcessEnv = {PATH: process.env.PATH, HOME: process.env.HOME, XDG_CONFIG_HOME: config, MKR_NO_CODE_CACHE: '1'}
    const variants: [string, NodeJS.ProcessEnv][] = [
      ['80 columns', {OCLIF_COLUMNS: '80'}],
      ['100 columns', {OCLIF_COLUMNS: '100'}],
      ['100 columns, color', {OCLIF_COLUMNS: '100', FORCE_COLOR: '1'}],
      ['60 columns, da_DK (collation)', {OCLIF_COLUMNS: '60', LANG: 'da_DK.UTF-8'}],
    ]
    for (const [name, extra] of variants)
      it(`every command, topic and help command line: ${name}`, async () => {
        const env = {...base, ...extra}
        const [light, oclif] = await Promise.all([outputs('light', env), outputs('oclif', env)])
        assert.deepEqual(Object.keys(light), Object.keys(oclif))
        assert.ok(Object.keys(oclif).length > 50)
        for (const [args, o] of Object.entries(oclif)) {
          const l = light[args]
          assert.equal(l.light, true, `mkr ${args}: not answered from the manifest`)
          assert.equal(l.stdout, o.stdout, `mkr ${args}: stdout`)
          assert.equal(l.stderr, o.stderr, `mkr ${args}: stderr`)
          assert.equal(l.exitCode, o.exitCode, `mkr ${args}: exit code`)
        }
        if (extra.FORCE_COLOR) assert.ok(Object.values(oclif).some((o) => o.stdout.includes('\x1b[')), 'no color in the colored variant')
      })
  })

  it('compareIds orders command ids as localeCompare does', () => {
    const ids = Object.keys(manifestJson.commands)
    assert.deepEqual(
      [...ids].sort((a, b) => compareIds(a, b)),
      [...ids].sort((a, b) => a.localeCompare(b)),
    )
    const alphabet = 'abz-:'
    let seed = 7
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31)
    const word = () => Array.from({length: 1 + Math.floor(rand() * 6)}, () => alphabet[Math.floor(rand() * alphabet.length)]).join('')
    for (let i = 0; i < 5000; i++) {
      const [a, b] = [word(), word()]
      assert.equal(compareIds(a, b, {LANG: 'C.UTF-8'}), Math.sign(a.localeCompare(b)), `${a} vs ${b}`)
    }
    // outside lower-case ids, or in another locale, ICU decides
    assert.equal(compareIds('B', 'a'), Math.sign('B'.localeCompare('a')))
    assert.equal(compareIds('aa', 'b', {LANG: 'da_DK.UTF-8'}), Math.sign('aa'.localeCompare('b')))
  })

  it('the template shortcut renders as ejs does', () => {
    const data = {config: {bin: `m&k<r>"'`}}
    for (const t of ['', 'plain', '<%= config.bin %> hosts', 'a\n<%= config.bin %>\r\n<%= config.bin %>', '<%=config.bin%>', 'x %> y', '<%% x', '<%- config.bin %>', 'a -%> b', '100%'])
      assert.equal(render(t, data), ejs.render(t, data), JSON.stringify(t))
  })

  describe('which command lines are help (src/cli/help-request.ts)', () => {
    const cases: [string[], string[] | undefined][] = [
      [[], []],
      [['--help'], ['--help']],
      [['hosts', '-h'], ['hosts', '-h']],
      [['monitors', 'push', '--dry-run', '--help'], ['monitors', 'push', '--dry-run', '--help']],
      [['wrap', '--', 'job', '--help'], undefined], // after `--`, the job's
      [['wrap', '-n', 'x', '--help', '--', 'job'], ['wrap', '-n', 'x', '--help', '--', 'job']],
      [['--version'], undefined],
      [['-v', '--help'], undefined], // oclif's version comes first
      [['annotations'], ['annotations']], // a topic without a command of its own
      [['annotations', '-q'], ['annotations']],
      [['monitors'], undefined], // a command
      [['help'], []],
      [['help', 'monitors', 'push'], ['monitors:push']],
      [['help', 'annotations'], ['annotations']],
      [['help', 'nosuch'], undefined], // the help command says what is wrong
      [['help', '-q', 'hosts'], undefined],
      [['hosts'], undefined],
    ]
    for (const [argv, want] of cases)
      it(`mkr ${argv.join(' ')}`, () => {
        assert.deepEqual(helpRequest(argv, FIXTURE, FLAGS), want)
      })
  })
})
