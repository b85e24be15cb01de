import assert from 'node:assert/strict'
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {
  checkApiBase,
  DEFAULT_API_BASE,
  fatalConfigError,
  redactUserinfo,
  loadAgentConfig,
  readHostId,
  requireApiKey,
  resolveSettings,
} from '../../src/config/index.js'
import {ConfigError} from '../../src/errors.js'

describe('config', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mkr-config-'))
  })
  afterEach(() => rmSync(dir, {recursive: true, force: true}))

  const write = (name: string, text: string) => {
    const p = join(dir, name)
    writeFileSync(p, text)
    return p
  }

  describe('API key', () => {
    it('MACKEREL_APIKEY wins over the config apikey', () => {
      const conf = write('a.conf', 'apikey = "from-conf"\n')
      assert.equal(resolveSettings({conf}, {MACKEREL_APIKEY: 'from-env'}).apiKey, 'from-env')
    })
    it('an empty MACKEREL_APIKEY falls back to the config', () => {
      const conf = write('a.conf', 'apikey = "from-conf"\n')
      assert.equal(resolveSettings({conf}, {MACKEREL_APIKEY: ''}).apiKey, 'from-conf')
    })
    it('keys match case-insensitively, as the agent reads them', () => {
      const conf = write('a.conf', 'APIKey = "upper"\n')
      assert.equal(resolveSettings({conf}, {}).apiKey, 'upper')
    })
    it('no key anywhere: an error naming both ways to set it', () => {
      const conf = write('a.conf', 'apibase = "https://x.test"\n')
      const s = resolveSettings({conf}, {})
      assert.throws(() => requireApiKey(s), (e: ConfigError) => {
        assert.match(e.message, /MACKEREL_APIKEY is not set and no `apikey` is in .*a\.conf/)
        assert.match(e.hint!, /export MACKEREL_APIKEY=.*apikey in the agent config/)
        return true
      })
    })
  })

  describe('API base', () => {
    const conf = () => write('a.conf', 'apikey = "k"\napibase = "https://conf.test"\n')
    it('--apibase > MACKEREL_APIBASE > config > default', () => {
      const c = conf()
      assert.equal(resolveSettings({conf: c, apibase: 'https://flag.test'}, {MACKEREL_APIBASE: 'https://env.test'}).apiBase, 'https://flag.test')
      assert.equal(resolveSettings({conf: c}, {MACKEREL_APIBASE: 'https://env.test'}).apiBase, 'https://env.test')
      assert.equal(resolveSettings({conf: c}, {}).apiBase, 'https://conf.test')
      assert.equal(resolveSettings({conf: write('b.conf', 'apikey = "k"\n')}, {}).apiBase, DEFAULT_API_BASE)
    })
    it('keeps a path prefix; plain http is fine on loopback, warned about elsewhere', () => {
      assert.equal(checkApiBase('https://proxy.test/mackerel/').url.href, 'https://proxy.test/mackerel/')
      assert.equal(checkApiBase('http://127.0.0.1:8080').warning, undefined)
      assert.equal(checkApiBase('http://localhost:8080').warning, undefined)
      assert.match(checkApiBase('http://mackerel.internal').warning!, /plain http/)
    })
    it('rejects what is not an http(s) URL', () => {
      assert.throws(() => checkApiBase('api.mackerelio.com'), /invalid API base URL: api\.mackerelio\.com/)
      assert.throws(() => checkApiBase('ftp://x.test'), /scheme must be https or http/)
    })
  })

  describe('agent config file', () => {
    it('a missing default config is not an error; an explicit --conf that is missing is', () => {
      const s = resolveSettings({conf: join(dir, 'nope.conf')}, {MACKEREL_APIKEY: 'k'})
      assert.equal(s.apiKey, 'k')
      assert.match(s.confError!.message, /cannot read config .*nope\.conf: no such file/)
    })
    it('an unreadable file: an error naming the file', function () {
      if (process.getuid?.() === 0) this.skip() // root reads anything
      const p = write('secret.conf', 'apikey = "k"\n')
      chmodSync(p, 0)
      assert.throws(() => loadAgentConfig(p), /cannot read config .*secret\.conf: permission denied/)
    })
    it('a path that cannot be read as a file (a directory): an error naming it, also when run as root', () => {
      mkdirSync(join(dir, 'conf-dir'))
      assert.throws(() => loadAgentConfig(join(dir, 'conf-dir')), /cannot read config .*conf-dir: is a directory/)
    })
    it('invalid TOML: an error naming the file and the line', () => {
      const p = write('bad.conf', 'apikey = "k"\n\nroot = \n')
      assert.throws(() => loadAgentConfig(p), (e: Error) => {
        assert.match(e.message, /^invalid TOML in .*bad\.conf \(line 3/)
        return true
      })
      const s = resolveSettings({conf: p}, {})
      assert.throws(() => requireApiKey(s), /invalid TOML in .*bad\.conf \(line 3/)
    })
    it('a non-string apikey is rejected with the key named', () => {
      const p = write('num.conf', 'apikey = 12\n')
      assert.throws(() => loadAgentConfig(p), /`apikey` must be a string/)
    })
    it('include globs are merged in and override the main file', () => {
      mkdirSync(join(dir, 'conf.d'))
      write('conf.d/10-key.conf', 'apikey = "included"\n')
      write('conf.d/20-base.conf', 'apibase = "https://inc.test"\n')
      write('conf.d/skip.txt', 'apikey = "wrong"\n')
      const p = write('main.conf', `apikey = "main"\nroot = "/r"\ninclude = "${join(dir, 'conf.d', '*.conf')}"\n`)
      const c = loadAgentConfig(p)
      assert.equal(c.apikey, 'included')
      assert.equal(c.apibase, 'https://inc.test')
      assert.equal(c.root, '/r')
    })
    it('a relative include is resolved next to the config file', () => {
      mkdirSync(join(dir, 'inc'))
      write('inc/key.conf', 'apikey = "rel"\n')
      const c = loadAgentConfig(write('main.conf', 'include = "inc/*.conf"\n'))
      assert.equal(c.apikey, 'rel')
    })
    it('an invalid included file is an error naming that file', () => {
      write('broken.conf', 'apikey = \n')
      const p = write('main.conf', `include = "${join(dir, 'broken.conf')}"\n`)
      assert.throws(() => loadAgentConfig(p), /invalid TOML in .*broken\.conf/)
    })
    it('a UTF-8 BOM is accepted', () => {
      assert.equal(loadAgentConfig(write('bom.conf', '\uFEFFapikey = "k"\n')).apikey, 'k')
    })
  })

  describe('host id', () => {
    it('root from the config, id file trimmed', () => {
      writeFileSync(join(dir, 'id'), 'abcHOST123\r\n')
      const s = resolveSettings({conf: write('a.conf', `root = "${dir}"\n`)}, {})
      assert.equal(s.root, dir)
      assert.equal(readHostId(s.root), 'abcHOST123')
    })
    it('without a config root, the agent default', () => {
      assert.equal(resolveSettings({conf: write('a.conf', '')}, {}).root, process.platform === 'darwin' ? resolveSettings({}, {}).root : '/var/lib/mackerel-agent')
    })
    it('an empty id file is an error that says to pass the id', () => {
      writeFileSync(join(dir, 'id'), '\n')
      assert.throws(() => readHostId(dir), (e: ConfigError) => /host id file .*id is empty/.test(e.message) && /as an argument/.test(e.hint!))
    })
    it('a missing id file is an error naming the file', () => {
      assert.throws(() => readHostId(dir), /cannot read host id from .*\/id: no such file/)
    })
  })

  describe('issue 12: special files, broken configs, globs, credentials in URLs', () => {
    it('a device as the config (/dev/null) is an error naming it: only regular files are read', () => {
      assert.throws(() => loadAgentConfig('/dev/null'), (e: ConfigError) => {
        assert.equal(e.message, 'cannot read config /dev/null: is a device, not a regular file')
        return true
      })
    })
    it('an include glob matching a device is an error naming it', () => {
      const p = write('main.conf', 'include = "/dev/nul[l]"\n')
      assert.throws(() => loadAgentConfig(p), /^ConfigError: cannot read config \/dev\/null: is a device, not a regular file$/)
    })
    it('an include pattern with a reversed range [z-a] is a ConfigError naming file and pattern', () => {
      const p = write('main.conf', 'include = "conf.d/[z-a].conf"\n')
      assert.throws(() => loadAgentConfig(p), (e: Error) => {
        assert.ok(e instanceof ConfigError)
        assert.equal(e.message, `invalid config ${p}: \`include\` pattern "conf.d/[z-a].conf": bad character range z-a in [z-a] (the range is reversed)`)
        return true
      })
    })
    it('a broken explicit --conf stops a command even with MACKEREL_APIKEY set', () => {
      const p = write('bad.conf', 'apibase = "https://conf.test"\napikey = \n')
      const s = resolveSettings({conf: p}, {MACKEREL_APIKEY: 'k'})
      assert.equal(s.apiKey, 'k')
      assert.match(fatalConfigError(s)!.message, /^invalid TOML in .*bad\.conf \(line 2/)
    })
    it('the default config: broken is fatal; unreadable is skipped only when the key comes from the environment', () => {
      const base = {apiBase: DEFAULT_API_BASE, root: '/r', confPath: '/etc/mackerel-agent/mackerel-agent.conf', confExplicit: false}
      const denied = new ConfigError('cannot read config /etc/mackerel-agent/mackerel-agent.conf: permission denied', {fsCode: 'EACCES'})
      const invalid = new ConfigError('invalid TOML in /etc/mackerel-agent/mackerel-agent.conf (line 1): x')
      assert.equal(fatalConfigError({...base, apiKey: 'k', confError: denied}), undefined)
      assert.equal(fatalConfigError({...base, apiKey: 'k', confError: invalid}), invalid)
      assert.equal(fatalConfigError({...base, confError: denied}), denied)
      assert.equal(fatalConfigError({...base, apiKey: 'k', confExplicit: true, confError: denied}), denied)
      assert.equal(fatalConfigError({...base, apiKey: 'k'}), undefined)
    })
    it('an API base with user:password@ is rejected, and the password is never in the message', () => {
      for (const [base, shown] of [
        ['https://u:pw1234@api.test/', 'https://***@api.test/'],
        ['ftp://u:pw1234@api.test/', 'ftp://***@api.test/'],
        ['https://u:p@w1234@api.test', 'https://***@api.test'],
      ])
        assert.throws(() => checkApiBase(base), (e: Error) => {
          assert.ok(e.message.startsWith(`invalid API base URL: ${shown}`), e.message)
          assert.doesNotMatch(e.message + ((e as ConfigError).hint ?? ''), /pw1234|w1234/)
          return true
        })
      assert.equal(redactUserinfo('not a url: //me:secret@host'), 'not a url: //***@host')
      assert.equal(redactUserinfo('https://api.test/a@b'), 'https://api.test/a@b')
    })
  })
})
