// mkr's global flags as they may appear *before* the command (`mkr [--conf FILE] [--apibase URL]
// [-q] [--color|--no-color] <command> ...`, reference/mkr-compat.md §1.0). oclif only parses flags
// after the command id, so the dispatcher moves these behind it. This file has no imports: bin/run.js
// loads it (dist/globals.js) for `mkr --conf FILE wrap -- job` without loading oclif.
//
// The same flags are BaseCommand.baseFlags (src/base-command.ts); test/cli/globals.test.ts keeps the two
// in step.

export interface GlobalFlag {
  name: string
  char?: string
  /** takes a value (`--conf FILE`, `--conf=FILE`) */
  value: boolean
  /** `--no-<name>` exists */
  allowNo?: boolean
}

export const GLOBAL_FLAGS: readonly GlobalFlag[] = [
  {name: 'conf', value: true},
  {name: 'apibase', value: true},
  {name: 'quiet', char: 'q', value: false},
  {name: 'color', value: false, allowNo: true},
]

export interface LeadingGlobals {
  /** the global flag tokens (with their values), as typed */
  globals: string[]
  /** everything after them: the command and its arguments */
  rest: string[]
  /** a value flag at the end without its value */
  missingValue?: string
}

/** The global flag `token` names (long or mkr's single-dash long form, `no-` form, or `-q`). */
export function globalFlagOf(token: string): GlobalFlag | undefined {
  if (!token.startsWith('-') || token === '-' || token === '--') return undefined
  const bare = token.replace(/^--?/, '')
  const name = bare.split('=', 1)[0]
  for (const f of GLOBAL_FLAGS) {
    if (token === `-${f.char}` && f.char) return f
    if (name === f.name && (f.value || !bare.includes('='))) return f
    if (f.allowNo && name === `no-${f.name}` && !bare.includes('=')) return f
  }
  return undefined
}

/** Splits the global flags that precede the command from the rest of the command line. */
export function splitLeadingGlobals(argv: readonly string[]): LeadingGlobals {
  const globals: string[] = []
  let i = 0
  while (i < argv.length) {
    const token = argv[i]
    const f = globalFlagOf(token)
    if (!f) break
    globals.push(token)
    i++
    if (f.value && !token.includes('=')) {
      if (i >= argv.length) return {globals, rest: [], missingValue: `--${f.name}`}
      globals.push(argv[i++])
    }
  }
  return {globals, rest: argv.slice(i)}
}

/**
 * For bin/run.js's `mkr wrap` fast path: `mkr --conf F -q wrap ARGS` -> `--conf F -q ARGS` (wrap's own
 * parser reads the global flags before `--`), or undefined when the command is not wrap.
 */
export function wrapArgs(argv: readonly string[]): string[] | undefined {
  const {globals, rest, missingValue} = splitLeadingGlobals(argv)
  if (missingValue || rest[0] !== 'wrap') return undefined
  return [...globals, ...rest.slice(1)]
}
