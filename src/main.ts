// The process entry (bin/run.js calls main()). oclif runs the command; errors inside a command are
// printed by BaseCommand.catch. What reaches this point is an exit request or an error oclif raised
// before any command ran (unknown command), which gets the same one-line format.
import {flush} from '@oclif/core/flush'
import {run} from '@oclif/core/run'
import {reportTopLevel} from './errors.js'
import {escapeControl} from './output/sanitize.js'

export async function main(argv: string[], entryUrl: string): Promise<void> {
  try {
    await run(argv, entryUrl)
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
