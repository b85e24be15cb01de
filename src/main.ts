// The process entry (bin/run.js calls main()). Before oclif runs, the command line is checked against
// the committed manifest (src/cli/dispatch.ts): global flags given before the command are moved after
// it, and a mistyped command or flag is reported with the closest match. oclif runs the command; errors
// inside a command are printed by BaseCommand.catch. What reaches the catch below is an exit request or
// an error oclif raised before any command ran, which gets the same one-line format.
import {flush} from '@oclif/core/flush'
import {run} from '@oclif/core/run'
import {planArgv} from './cli/dispatch.js'
import {readManifest} from './cli/manifest.js'
import {reportTopLevel} from './errors.js'
import {escapeControl} from './output/sanitize.js'

export async function main(argv: string[], entryUrl: string): Promise<void> {
  try {
    const manifest = readManifest(entryUrl)
    // without a manifest (a broken install) oclif still runs the command line as given
    const plan = manifest ? planArgv(argv, manifest) : {argv}
    if ('error' in plan) {
      process.stderr.write(`mkr: ${escapeControl(plan.error)}\n${plan.hint ? `hint: ${escapeControl(plan.hint)}\n` : ''}`)
      process.exitCode = 2
      return
    }
    await run(plan.argv, entryUrl)
    await flush()
  } catch (error) {
    const e = error as Error & {oclif?: {exit?: number}; code?: string}
    if (e?.code === 'EEXIT') {
      process.exitCode = e.oclif?.exit ?? 1
      return
    }
    const m = /^command (\S+) not found/.exec(String(e?.message ?? e))
    if (m) {
      process.stderr.write(`mkr: unknown command: ${escapeControl(m[1].replaceAll(':', ' '))}\nhint: see \`mkr --help\` for the list\n`)
      process.exitCode = 2
      return
    }
    process.exitCode = reportTopLevel(e)
  }
}
