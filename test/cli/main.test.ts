// src/main.ts runs a command line that names a command with the light Config (no Config.load), and
// takes only that command's class from the registry (the bundle's COMMANDS evaluate a command's
// module when its entry is read); anything else goes through oclif's own path.
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {Config} from '@oclif/core/config'
import type {PackageJson} from '../../src/cli/light-config.js'
import type {Manifest} from '../../src/cli/manifest.js'
import {fetchTransport, useTransport} from '../../src/api/client.js'
import {main} from '../../src/main.js'

const ROOT = join(import.meta.dirname, '..', '..')
const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as Manifest
const pjson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson

/** A registry that records which entries were read, whose commands record what they were given. */
function registry() {
  const read: string[] = []
  const runs: {id?: string; argv: string[]; config: unknown}[] = []
  const commands = new Proxy({} as Record<string, never>, {
    get(_, id: string) {
      read.push(id)
      return class Fake {
        static id?: string
        static plugin?: unknown
        constructor(
          private argv: string[],
          private config: unknown,
        ) {}
        async _run() {
          runs.push({id: Fake.id, argv: this.argv, config: this.config})
        }
      }
    },
  })
  return {commands, read, runs}
}

describe('main: which Config a command runs with', () => {
  // main() makes undici the process's transport; the other suites send with fetch (nock sees it)
  after(() => useTransport(fetchTransport))

  it('a command line naming a command: the light Config, and only that command read from the registry', async () => {
    const {commands, read, runs} = registry()
    await main(['alerts', 'list', '--limit', '2'], ROOT, commands, {manifest, pjson})
    assert.deepEqual(read, ['alerts:list'])
    assert.equal(runs.length, 1)
    assert.equal(runs[0].id, 'alerts:list')
    assert.deepEqual(runs[0].argv, ['--limit', '2'])
    assert.ok(!(runs[0].config instanceof Config), 'Config.load ran')
    assert.equal((runs[0].config as {bin: string}).bin, 'mkr')
  })

  it('without what the dispatcher read (a help request it left to oclif): oclif Config.load', async () => {
    const {commands, read, runs} = registry()
    await main(['org'], ROOT, commands)
    assert.deepEqual(read, ['org'])
    assert.ok(runs[0].config instanceof Config)
  })

  it('a light Config that cannot stand in (DEBUG set): oclif Config.load', async () => {
    const {commands, runs} = registry()
    const old = process.env.DEBUG
    process.env.DEBUG = 'nothing-matches-this'
    try {
      await main(['org'], ROOT, commands, {manifest, pjson})
    } finally {
      if (old === undefined) delete process.env.DEBUG
      else process.env.DEBUG = old
    }
    assert.ok(runs[0].config instanceof Config)
  })
})
