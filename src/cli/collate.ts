// `a.localeCompare(b)` for command ids, without starting ICU's collator when the answer is known: the
// first localeCompare of a process costs ~9 ms (measured), and oclif's Plugin.load sorts the commands
// with it on every run (scripts/build.js points that sort here). Lower-case letters, `-` and `:`
// collate in code unit order in ICU's root collation (punctuation before letters, `-` before `:`;
// test/cli/help.test.ts checks it against localeCompare); locales that reorder letters (Danish `aa`,
// Lithuanian `y`, …) and other characters go to ICU.
const SIMPLE_ID = /^[a-z:-]*$/

function plainCollation(env: NodeJS.ProcessEnv): boolean {
  const locale = env.LC_ALL || env.LC_COLLATE || env.LANG || ''
  return locale === '' || /^(C|POSIX|en)([._@-]|$)/.test(locale)
}

/** The sign of `a.localeCompare(b)`. */
export function compareIds(a: string, b: string, env: NodeJS.ProcessEnv = process.env): number {
  if (SIMPLE_ID.test(a) && SIMPLE_ID.test(b) && plainCollation(env)) return a < b ? -1 : a > b ? 1 : 0
  return Math.sign(a.localeCompare(b))
}
