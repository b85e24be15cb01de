// A start-up fast path for `mkr wrap` (bin/run.js): runs wrap without loading oclif and the other
// commands, which is most of the start-up cost of `mkr wrap -- true`. Returns the exit code, or
// undefined when help was asked for (the caller then runs the full CLI, which prints it).
//
//   const argv = process.argv.slice(2)
//   if (argv[0] === 'wrap') {
//     const code = await (await import('../dist/wrap.js')).runWrapCli(argv.slice(1))
//     if (code !== undefined) { process.exitCode = code; return }
//   }
//
// An error that escapes wrap gets the same one-line `mkr: ...` handler as src/main.ts (the stack
// only with DEBUG), never a raw Node stack.
import {reportTopLevel} from '../errors.js'
import {runWrap} from './main.js'

const HELP = new Set(['-h', '--help', '-help'])

export interface WrapCliDeps {
  run?: typeof runWrap
  stderr?: NodeJS.WritableStream
  env?: NodeJS.ProcessEnv
}

export async function runWrapCli(argv: readonly string[], deps: WrapCliDeps = {}): Promise<number | undefined> {
  // oclif answers --help/-h before the command runs; so does this path, by handing over
  for (const a of argv) {
    if (a === '--' || !a.startsWith('-')) break
    if (HELP.has(a)) return undefined
  }
  const stderr = deps.stderr ?? process.stderr
  const env = deps.env ?? process.env
  let help = false
  try {
    const code = await (deps.run ?? runWrap)(argv, {
      env,
      stderr,
      signals: process,
      help: async () => {
        help = true
      },
    })
    return help ? undefined : code
  } catch (error) {
    return reportTopLevel(error, stderr, env)
  }
}
