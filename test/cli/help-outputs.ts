// Run by test/cli/help.test.ts in a child process (`node --import tsx help-outputs.ts SIDE DIST`):
// prints, as JSON, what every help command line prints, one side at a time:
// - `light`: the dispatcher's route (src/cli/help-request.ts) into the help bundle (DIST/help.cjs,
//   src/cli/help.ts), which must answer every case itself;
// - `oclif`: the main bundle (DIST/mkr.cjs, src/main.ts), oclif's Config.load and Help, as before.
// Width and color come from the environment (OCLIF_COLUMNS, FORCE_COLOR), read by oclif's modules
// when they load, so each combination is its own child.
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {helpRequest} from '../../src/cli/help-request.js'
import type {Manifest} from '../../src/cli/manifest.js'
import {usableIds} from '../../src/cli/manifest.js'

const [side, dist] = process.argv.slice(2)
const root = join(dist, '..')
const require = createRequire(import.meta.url)
const manifestText = readFileSync(join(root, 'oclif.manifest.json'), 'utf8')
const pjsonText = readFileSync(join(root, 'package.json'), 'utf8')
const manifest = JSON.parse(manifestText) as Manifest

/** Every command line that asks for help: root, each command, each topic, the help command. */
export function helpCases(m: Manifest): string[][] {
  const cases: string[][] = [[], ['--help'], ['-h'], ['help'], ['help', '--help']]
  for (const id of [...usableIds(m)].sort()) {
    const words = id.split(':')
    cases.push([...words, '--help'], [...words, '-h'], ['help', ...words])
    if (!m.commands[id]) cases.push(words)
  }
  return cases
}

// oclif's flush() adds a drain listener per run: many runs in one process are not a leak
process.stdout.setMaxListeners(0)
process.stderr.setMaxListeners(0)

const out: Record<string, {stdout: string; stderr: string; exitCode: number; light?: boolean}> = {}
const write = {stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr)}
for (const argv of helpCases(manifest)) {
  let stdout = ''
  let stderr = ''
  process.stdout.write = ((s: string) => ((stdout += s), true)) as typeof process.stdout.write
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write
  process.exitCode = 0
  let light: boolean | undefined
  try {
    // fresh objects every time: oclif's Help rewrites the ids of the commands it prints
    const m = JSON.parse(manifestText)
    const pjson = JSON.parse(pjsonText)
    if (side === 'light') {
      const helpArgv = helpRequest(argv, m, [...new Set([...(pjson.oclif.additionalHelpFlags ?? []), '--help'])])
      light = helpArgv !== undefined && (await require(join(dist, 'help.cjs')).showHelp(helpArgv, m, pjson, root))
    } else {
      const {main, COMMANDS} = require(join(dist, 'mkr.cjs'))
      await main(argv, root, COMMANDS)
    }
  } finally {
    process.stdout.write = write.stdout
    process.stderr.write = write.stderr
  }
  out[argv.join(' ')] = {stdout, stderr, exitCode: Number(process.exitCode ?? 0), light}
}
process.exitCode = 0
write.stdout(JSON.stringify(out))
