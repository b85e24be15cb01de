// The light Config (src/cli/light-config.ts) stands in for oclif's Config.load when a command runs
// (src/main.ts) and for help (src/cli/help.ts): what a command and oclif's Command read of it must be
// what Config.load gives, and where it cannot stand in it must say so (undefined), never guess.
import assert from 'node:assert/strict'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Config} from '@oclif/core/config'
import {lightConfig, type PackageJson} from '../../src/cli/light-config.js'
import type {Manifest} from '../../src/cli/manifest.js'

const ROOT = join(import.meta.dirname, '..', '..')
const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as Manifest & {version: string}
const pjson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson

describe('cli/light-config: the Config a command runs with', () => {
  const home = mkdtempSync(join(tmpdir(), 'mkr-light-config-'))
  const env = {HOME: home, XDG_CONFIG_HOME: join(home, 'config'), PATH: process.env.PATH}
  after(() => rmSync(home, {recursive: true, force: true}))

  it('gives what oclif Config.load gives for everything a command reads', async () => {
    const full = await Config.load(ROOT)
    const light = lightConfig(manifest, pjson, ROOT, env)!
    assert.ok(light)
    for (const key of ['bin', 'name', 'version', 'root', 'userAgent', 'topicSeparator', 'platform', 'arch', 'windows'] as const)
      assert.deepEqual(light[key], full[key], key)
    // (Config.load writes each topic's name into pjson.oclif.topics)
    const {topics: lightTopics, ...lightOclif} = light.pjson.oclif
    const {topics: fullTopics, ...fullOclif} = full.pjson.oclif
    assert.deepEqual(lightOclif, fullOclif)
    assert.deepEqual(Object.keys(lightTopics ?? {}), Object.keys(fullTopics ?? {}))
    assert.deepEqual(light.commandIDs.sort(), full.commandIDs.sort())
    assert.deepEqual(light.topics.map((t) => t.name).sort(), full.topics.map((t) => t.name).sort())
    for (const id of full.commandIDs) assert.equal(light.findCommand(id)?.id, id)
    assert.equal(light.findCommand('nope'), undefined)
    assert.ok(light.plugins.get(pjson.name), 'the root plugin (Command.plugin)')
    assert.deepEqual(light.scopedEnvVarKey('CONTENT_TYPE'), full.scopedEnvVarKey('CONTENT_TYPE'))
    assert.deepEqual(light.scopedEnvVarKeys('DEBUG'), full.scopedEnvVarKeys('DEBUG'))
    assert.deepEqual(await light.runHook('preparse', {argv: [], options: {}}), {successes: [], failures: []})
  })

  it('reads the scoped variables from the environment it is given', () => {
    const light = lightConfig(manifest, pjson, ROOT, {...env, MKR_CONTENT_TYPE: 'json', MKR_SOMETHING: 'true'})!
    assert.equal(light.scopedEnvVar('CONTENT_TYPE'), 'json')
    assert.equal(light.scopedEnvVarTrue('SOMETHING'), true)
    assert.equal(light.scopedEnvVarTrue('CONTENT_TYPE'), false)
    assert.equal(light.scopedEnvVar('MISSING'), undefined)
  })

  it('declines what only Config.load does: a theme, DEBUG, hooks, plugins, another manifest version', () => {
    assert.equal(lightConfig(manifest, pjson, ROOT, {...env, DEBUG: '*'}), undefined)
    assert.equal(lightConfig(manifest, pjson, ROOT, {...env, MKR_DEBUG: '1'}), undefined)
    assert.equal(lightConfig(manifest, {...pjson, oclif: {...pjson.oclif, hooks: {init: './x.js'}}}, ROOT, env), undefined)
    assert.equal(lightConfig(manifest, {...pjson, oclif: {...pjson.oclif, plugins: ['x']}}, ROOT, env), undefined)
    assert.equal(lightConfig(manifest, {...pjson, oclif: {...pjson.oclif, binAliases: ['m']}}, ROOT, env), undefined)
    assert.equal(lightConfig({...manifest, version: '9.9.9'}, pjson, ROOT, env), undefined)
    mkdirSync(join(home, 'config', 'mkr'), {recursive: true})
    writeFileSync(join(home, 'config', 'mkr', 'theme.json'), '{}')
    try {
      assert.equal(lightConfig(manifest, pjson, ROOT, env), undefined)
      assert.ok(lightConfig(manifest, pjson, ROOT, {...env, MKR_DISABLE_THEME: 'true'}))
    } finally {
      rmSync(join(home, 'config'), {recursive: true, force: true})
    }
  })
})
