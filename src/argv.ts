// mkr (urfave/cli) accepts long flags with one dash: `-st working`, `-name=web`. oclif reads `-st` as
// `-s -t`, so before parsing, a single-dash word that names a long flag (or alias) of the command is
// rewritten to two dashes. Parsing stops at `--`, like mkr's.

export interface FlagNames {
  [name: string]: {aliases?: string[]; char?: string} | unknown
}

export function normalizeSingleDash(argv: string[], flags: FlagNames): string[] {
  const longNames = new Set<string>()
  for (const [name, def] of Object.entries(flags)) {
    longNames.add(name)
    for (const a of (def as {aliases?: string[]})?.aliases ?? []) longNames.add(a)
  }
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      out.push(...argv.slice(i))
      break
    }
    const m = /^-([A-Za-z][A-Za-z0-9-]+)(=.*)?$/.exec(arg)
    out.push(m && longNames.has(m[1]) ? `-${arg}` : arg)
  }
  return out
}
