#!/usr/bin/env node
// Writes oclif.manifest.json from the compiled commands, using @oclif/core's own manifest code
// (the same cacheCommand() the `oclif manifest` tool calls), so start-up never imports every command.
// `node scripts/manifest.js --check` exits 1 when the committed file is stale.
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {dispatchManifest, escapeNonAscii} from './ascii.js'
import {fileURLToPath} from 'node:url'
import {dirname, join} from 'node:path'
import {Plugin} from '@oclif/core'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export async function buildManifest() {
  const plugin = new Plugin({root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true})
  await plugin.load()
  return escapeNonAscii(JSON.stringify(plugin.manifest, null, 2)) + '\n'
}

const text = await buildManifest()
const file = join(root, 'oclif.manifest.json')
if (process.argv.includes('--check')) {
  let current = ''
  try { current = readFileSync(file, 'utf8') } catch {}
  if (current !== text) {
    console.error('oclif.manifest.json is stale: run `npm run manifest` and commit it')
    process.exit(1)
  }
} else {
  writeFileSync(file, text)
  // and the copy the dispatcher reads (scripts/build.js makes it too, from the committed file)
  const dist = join(root, 'dist')
  if (existsSync(dist)) writeFileSync(join(dist, 'manifest.json'), dispatchManifest(text))
  console.error(`wrote ${file}`)
}
