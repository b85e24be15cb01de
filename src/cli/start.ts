// The dispatcher: the first code bin/run.js runs (dist/cli.cjs, small on purpose). It checks the command
// line against the committed manifest (src/cli/dispatch.ts) and answers what needs nothing else:
// `--version` and usage errors (a mistyped command or flag, named with the closest match). Everything
// else runs in a bundle loaded with a V8 code cache (src/cli/code-cache.ts): `mkr wrap` in its own
// bundle without oclif (cron's hot path), help in dist/help.cjs (oclif's Help over the manifest,
// src/cli/help.ts), every other command in dist/mkr.cjs (src/main.ts), which loads only what the
// command imports lazily (undici, tables, prompts, …); so does help that only oclif's Config can show.
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {escapeControl} from '../output/sanitize.js'
import {loadBundle} from './code-cache.js'
import {planArgv} from './dispatch.js'
import {wrapArgs} from './globals.js'
import type {PackageJson} from './light-config.js'
import {helpRequest} from './help-request.js'
import {readManifest} from './manifest.js'

type CommandClass = Parameters<typeof import('../main.js').main>[2][string]
type Known = import('../main.js').Known
interface MainBundle {
  main: typeof import('../main.js').main
  COMMANDS: Record<string, CommandClass>
}
interface WrapBundle {
  wrap: typeof import('./wrap-entry.js').wrap
}
interface HelpBundle {
  showHelp: typeof import('./help.js').showHelp
}

const VERSION_FLAGS = new Set(['--version', '-v'])

function readPackageJson(root: string): PackageJson {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
}

/** oclif's user agent line, which `mkr --version` prints. */
function versionLine(root: string): string {
  const {name, version} = readPackageJson(root)
  return `${name}/${version} ${process.platform}-${process.arch} node-${process.version}\n`
}

/** Runs `argv` (process.argv without node and the script); `binUrl` is bin/run.js's URL. Sets process.exitCode. */
export async function start(argv: string[], binUrl: string): Promise<void> {
  const root = join(dirname(fileURLToPath(binUrl)), '..')
  const dist = join(root, 'dist')
  if (VERSION_FLAGS.has(argv[0])) {
    process.stdout.write(versionLine(root))
    return
  }
  // `mkr [global flags] wrap ...` (cron's hot path): wrap reads its own flags and the manifest has
  // nothing to check (planArgv leaves wrap's words as they are), so it is not read (~1 ms, measured)
  const wrapArgv = wrapArgs(argv)
  if (wrapArgv) {
    const code = await loadBundle<WrapBundle>(join(dist, 'wrap.cjs')).wrap(wrapArgv)
    if (code !== undefined) {
      process.exitCode = code
      return
    }
  }
  const manifest = readManifest(binUrl)
  // without a manifest (a broken install) oclif still runs the command line as given
  const plan = manifest ? planArgv(argv, manifest) : {argv}
  if ('error' in plan) {
    process.stderr.write(`mkr: ${escapeControl(plan.error)}\n${plan.hint ? `hint: ${escapeControl(plan.hint)}\n` : ''}`)
    process.exitCode = 2
    return
  }
  let known: Known | undefined
  if (manifest) {
    const pjson = readPackageJson(root)
    const helpArgv = helpRequest(plan.argv, manifest, [...new Set([...((pjson.oclif.additionalHelpFlags as string[]) ?? []), '--help'])])
    if (helpArgv && (await loadBundle<HelpBundle>(join(dist, 'help.cjs')).showHelp(helpArgv, manifest, pjson, root))) return
    // a help request dist/help.cjs declined is oclif's to answer; anything else can run with what is read here
    if (!helpArgv) known = {manifest, pjson}
  }
  const {main, COMMANDS} = loadBundle<MainBundle>(join(dist, 'mkr.cjs'))
  await main(plan.argv, root, COMMANDS, known)
}
