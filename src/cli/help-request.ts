// Which command lines oclif answers with help, and for what (the argv its Help.showHelp is given), so
// that the dispatcher (src/cli/start.ts) can answer them from the manifest (src/cli/help.ts). The same
// rules as src/main.ts, which runs oclif's: `--version` first; no arguments or a help flag before `--`
// (oclif's helpAddition); a topic that is not a command; and the help command (src/commands/help.ts)
// given only words that name a command or topic. Anything else is left to the command.
import {matchCommand} from './dispatch.js'
import {usableIds, type Manifest} from './manifest.js'

const VERSION_FLAGS = new Set(['--version', '-v'])

/** The argv for Help.showHelp, or undefined when `argv` (as planArgv returned it) is not a help request. */
export function helpRequest(argv: readonly string[], manifest: Manifest, helpFlags: readonly string[]): string[] | undefined {
  if (VERSION_FLAGS.has(argv[0])) return undefined
  if (argv.length === 0) return []
  for (const a of argv) {
    if (a === '--') break
    if (helpFlags.includes(a)) return [...argv]
  }
  const matched = matchCommand(argv, manifest)
  const id = matched.join(':')
  if (matched.length === 0) return undefined
  if (!manifest.commands[id]) return usableIds(manifest).has(id) ? [id] : undefined
  if (id === 'help') {
    const words = argv.slice(1)
    const named = matchCommand(words, manifest)
    if (words.some((w) => w.startsWith('-')) || named.length < words.length) return undefined
    return named.length ? [named.join(':')] : []
  }
  return undefined
}
