// What the dispatcher (src/main.ts) does with a command line before oclif sees it, decided from the
// manifest alone:
// - global flags before the command move right after the command id (`mkr --apibase URL monitors push`
//   -> `monitors push --apibase URL`), where every command (and wrap's own parser) reads them;
// - a mistyped command, an argument given to a command that takes none, and a flag the command does
//   not have are usage errors naming the closest match. oclif would call `mkr hosts extra` an unknown
//   command `hosts extra`, and a bad flag "Nonexistent flag" without a suggestion.
// Anything else (help, version, values, arguments of commands that take some) is left to oclif.
import {normalizeSingleDash} from '../argv.js'
import {globalFlagOf, GLOBAL_FLAGS, splitLeadingGlobals} from './globals.js'
import {childrenOf, usableIds, type CommandInfo, type FlagInfo, type Manifest} from './manifest.js'
import {closest, suggestFlag} from './suggest.js'

export type Plan = {argv: string[]} | {error: string; hint?: string}

const HELP_FLAGS = new Set(['--help', '-h', '-help'])
const VERSION_FLAGS = new Set(['--version', '-v'])
const LIST_HINT = 'see `mkr --help` for the list'

/** The command words at the start of `words`: the longest run that names a command or a topic. */
export function matchCommand(words: readonly string[], manifest: Manifest): string[] {
  const ids = usableIds(manifest)
  const matched: string[] = []
  for (const w of words) {
    if (w.startsWith('-') || !ids.has([...matched, w].join(':'))) break
    matched.push(w)
  }
  return matched
}

/**
 * `unknown command: monitors pul (did you mean "monitors pull"?)`: `typed` does not follow `matched`;
 * the suggestion is the closest next word, extended by the words after it while they still name a
 * command (`mkr monitor pull` -> "monitors pull").
 */
export function unknownCommand(matched: readonly string[], typed: string, following: readonly string[], manifest: Manifest): {error: string; hint: string} {
  const ids = usableIds(manifest)
  const next = closest(typed, childrenOf(matched.join(':'), manifest))
  let suggestion = ''
  if (next !== undefined) {
    const words = [...matched, next]
    for (const w of following) {
      if (!ids.has([...words, w].join(':'))) break
      words.push(w)
    }
    suggestion = ` (did you mean "${words.join(' ')}"?)`
  }
  return {error: `unknown command: ${[...matched, typed].join(' ')}${suggestion}`, hint: LIST_HINT}
}

/**
 * The first flag in `args` (the words after the command id) that `cmd` does not have, as typed, or
 * undefined. Follows oclif's parser: option flags take the next word (or `=value`, or the rest of a
 * short flag: `-n3`), boolean short flags bundle (`-dy`), `-1` is an argument, `--` ends the flags;
 * mkr's single-dash long flags (`-st`) are read as long ones first, as BaseCommand does.
 */
export function findUnknownFlag(args: readonly string[], cmd: CommandInfo): string | undefined {
  const flags = Object.values(cmd.flags)
  const aliases = new Map<string, FlagInfo>()
  for (const f of flags) for (const a of [...(f.aliases ?? []), ...(f.charAliases ?? [])]) aliases.set(a, f)
  const long = (name: string): FlagInfo | undefined => {
    const f = cmd.flags[name] ?? aliases.get(name)
    if (f || !name.startsWith('no-')) return f
    const negated = cmd.flags[name.slice(3)] ?? aliases.get(name.slice(3))
    return negated?.type === 'boolean' && negated.allowNo ? negated : undefined
  }
  const find = (arg: string): FlagInfo | undefined =>
    arg.startsWith('--') ? long(arg.slice(2)) : (aliases.get(arg[1]) ?? flags.find((f) => f.char !== undefined && f.char === arg[1]))

  const queue = normalizeSingleDash([...args], cmd.flags)
  while (queue.length > 0) {
    const arg = queue.shift()!
    if (arg === '--') break
    if (!arg.startsWith('-') || arg === '-') continue
    const isLong = arg.startsWith('--')
    let flag = find(arg)
    if (!flag && arg.includes('=')) {
      // `--name=value`: the value is part of the word
      flag = find(arg.slice(0, arg.indexOf('=')))
      if (flag) continue
    }
    if (!flag) {
      if (/^-\d/.test(arg)) continue
      return arg.split('=', 1)[0]
    }
    if (flag.type === 'option') {
      if (isLong || arg.length < 3) queue.shift()
    } else if (!isLong && arg.length > 2) queue.unshift(`-${arg.slice(2)}`)
  }
  return undefined
}

/** The usage error for `badFlag` given to `id`: a global flag the command does without, or a typo. */
export function unknownFlag(id: string, badFlag: string, manifest: Manifest): {error: string; hint: string} {
  const words = id.replaceAll(':', ' ')
  const global = globalFlagOf(badFlag)
  if (global && !manifest.commands[id]?.flags[global.name])
    return {
      error: `${words} does not take --${global.name}`,
      hint: id === 'sandbox' ? 'the sandbox is the API server: it reads no agent config and needs no API base' : `see \`mkr ${words} --help\``,
    }
  const suggestion = suggestFlag(id, badFlag, manifest)
  return {error: `unknown flag ${badFlag} for ${words}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`, hint: `see \`mkr ${words} --help\``}
}

function hasHelpFlag(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false
    if (HELP_FLAGS.has(a)) return true
  }
  return false
}

/** The command line oclif should run, or the usage error to print (exit 2). */
export function planArgv(argv: readonly string[], manifest: Manifest): Plan {
  const {globals, rest, missingValue} = splitLeadingGlobals(argv)
  if (missingValue) return {error: `${missingValue} expects a value`, hint: 'see `mkr --help`'}
  if (rest.length === 0) return {argv: globals.length > 0 ? [] : [...argv]}
  const first = rest[0]
  if (first.startsWith('-') && first !== '-') {
    // `mkr --help`, `mkr --version`: oclif's own; anything else is a command's flag put before it
    if (HELP_FLAGS.has(first) || VERSION_FLAGS.has(first)) return {argv: [...argv]}
    const near = closest(first.replace(/^--?/, '').split('=', 1)[0], GLOBAL_FLAGS.flatMap((f) => [f.name, ...(f.allowNo ? [`no-${f.name}`] : [])]))
    return {
      error: `unknown flag ${first.split('=', 1)[0]} before the command${near ? ` (did you mean --${near}?)` : ''}`,
      hint: 'before the command go --conf, --apibase, -q/--quiet, --color/--no-color; flags of a command go after it',
    }
  }

  const matched = matchCommand(rest, manifest)
  const after = rest.slice(matched.length)
  if (matched.length === 0) return unknownCommand([], first, rest.slice(1), manifest)
  const id = matched.join(':')
  const cmd = manifest.commands[id]
  const next = after[0]
  const positional = next !== undefined && !next.startsWith('-')
  if (!cmd) {
    // a topic without a command of its own (`mkr annotations`): oclif shows its help
    if (positional) return unknownCommand(matched, next, after.slice(1), manifest)
  } else if (positional && Object.keys(cmd.args ?? {}).length === 0 && cmd.strict !== false) {
    if (childrenOf(id, manifest).length > 0) return unknownCommand(matched, next, after.slice(1), manifest)
    return {error: `unexpected argument: ${next}`, hint: `see \`mkr ${matched.join(' ')} --help\``}
  }

  // mkr's `-help` (oclif knows --help and -h); wrap's parser reads it itself
  const dashdash = after.indexOf('--')
  const out = [...matched, ...globals, ...after.map((a, i) => (a === '-help' && id !== 'wrap' && (dashdash < 0 || i < dashdash) ? '--help' : a))]
  // wrap parses its own flags (src/wrap/args.ts); help is oclif's
  if (cmd && id !== 'wrap' && !hasHelpFlag(out)) {
    const bad = findUnknownFlag(out.slice(matched.length), cmd)
    if (bad !== undefined) return unknownFlag(id, bad, manifest)
  }
  return {argv: out}
}
