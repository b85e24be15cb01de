// A start-up fast path for `mkr wrap` (proposed for bin/run.js): runs wrap without loading oclif and
// the other commands, which is most of the start-up cost of `mkr wrap -- true`. Returns the exit
// code, or undefined when help was asked for (the caller then runs the full CLI, which prints it).
//
//   const argv = process.argv.slice(2)
//   if (argv[0] === 'wrap') {
//     const code = await (await import('../dist/wrap.js')).runWrapCli(argv.slice(1))
//     if (code !== undefined) { process.exitCode = code; return }
//   }
import {runWrap} from './main.js'

const HELP = new Set(['-h', '--help', '-help'])

export async function runWrapCli(argv: readonly string[]): Promise<number | undefined> {
  // oclif answers --help/-h before the command runs; so does this path, by handing over
  for (const a of argv) {
    if (a === '--' || !a.startsWith('-')) break
    if (HELP.has(a)) return undefined
  }
  let help = false
  const code = await runWrap(argv, {
    env: process.env,
    stderr: process.stderr,
    signals: process,
    help: async () => {
      help = true
    },
  })
  return help ? undefined : code
}
