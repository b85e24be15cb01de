// The V8 code cache (src/cli/code-cache.ts) is an optimisation: a cache directory that cannot be used
// must never stop or hang a command.
import assert from 'node:assert/strict'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cleanEnv, runMkr} from './harness.js'

describe('e2e: code cache directory', function () {
  this.timeout(30_000)

  for (const [what, dir] of [
    ['a path under /proc (where a recursive mkdir never returns)', '/proc/nope'],
    ['a file, not a directory', 'FILE'],
  ] as const) {
    it(`XDG_CACHE_HOME is ${what}: the command still runs`, async () => {
      const tmp = mkdtempSync(join(tmpdir(), 'mkr-cache-'))
      try {
        const cache = dir === 'FILE' ? join(tmp, 'file') : dir
        if (dir === 'FILE') writeFileSync(cache, 'x')
        const r = await runMkr(['org', '--help'], {env: cleanEnv({XDG_CACHE_HOME: cache}), timeoutMs: 20_000})
        assert.equal(r.signal, null, 'killed by the test timeout: the command hung')
        assert.equal(r.code, 0, r.stderr)
        assert.match(r.stdout, /USAGE/)
      } finally {
        rmSync(tmp, {recursive: true, force: true})
      }
    })
  }

  it('a usable directory gets a cache file, private to the user', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'mkr-cache-'))
    try {
      const r = await runMkr(['org', '--help'], {env: cleanEnv({XDG_CACHE_HOME: tmp})})
      assert.equal(r.code, 0, r.stderr)
      const files = readdirSync(join(tmp, 'mkr'))
      assert.ok(files.some((f) => f.endsWith('.v8cache')), files.join(','))
    } finally {
      rmSync(tmp, {recursive: true, force: true})
    }
  })
})

describe('e2e: the bundles', () => {
  // one character outside ASCII makes Node decode a bundle into a two-byte string and V8 scan it as
  // one (mkr.cjs: 7.6 ms instead of ~2 to read, measured): scripts/build.js escapes what esbuild leaves
  for (const name of ['cli.cjs', 'mkr.cjs', 'wrap.cjs', 'help.cjs', 'prompts.cjs', 'undici.cjs'])
    it(`dist/${name} is ASCII`, () => {
      const text = readFileSync(join(import.meta.dirname, '..', '..', 'dist', name), 'latin1')
      const at = text.search(/[^\x00-\x7f]/)
      assert.equal(at, -1, `a byte outside ASCII at ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 10))}`)
    })
})
