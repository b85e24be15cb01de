// `mkr completion bash|zsh|fish`: shell scripts that complete commands, subcommands, flags and the
// values of flags (and arguments) that take one of a fixed list, generated from the manifest so they
// never drift from the commands. Each script walks the words typed so far the same way: flags are
// skipped (with their value when they take one), words naming a subcommand extend the command path,
// `help` completes command names, and after `--` (wrap's job) commands and files are completed.
import {GLOBAL_FLAGS} from './globals.js'
import {childrenOf, summaryOf, usableIds, type FlagInfo, type Manifest} from './manifest.js'

export const SHELLS = ['bash', 'zsh', 'fish'] as const
export type Shell = (typeof SHELLS)[number]

interface FlagSpec {
  /** every spelling offered: `--status`, `--st`, `-st` (mkr's single-dash alias), `-q`, `--no-color` */
  tokens: string[]
  /** every spelling that takes the value: also mkr's single-dash long form (`-status`) */
  valueTokens: string[]
  long: string
  char?: string
  longAliases: string[]
  allowNo: boolean
  description: string
  /** takes a value; `values` when it is one of a fixed list */
  takesValue: boolean
  values?: readonly string[]
}

interface PathSpec {
  /** '' for the root, else a command id or topic (`monitors:push`) */
  key: string
  children: {name: string; description: string}[]
  flags: FlagSpec[]
  /** fixed values of the first argument (`mkr completion <shell>`) */
  argValues?: readonly string[]
}

const HELP_FLAG: FlagSpec = {tokens: ['--help', '-h'], valueTokens: [], long: 'help', char: 'h', longAliases: [], allowNo: false, description: 'show help', takesValue: false}
const VERSION_FLAG: FlagSpec = {tokens: ['--version'], valueTokens: [], long: 'version', longAliases: [], allowNo: false, description: 'show the version', takesValue: false}

function flagSpec(name: string, f: FlagInfo): FlagSpec {
  const longAliases = (f.aliases ?? []).filter((a) => a.length > 1)
  const chars = [f.char, ...(f.charAliases ?? []), ...(f.aliases ?? []).filter((a) => a.length === 1)].filter((c): c is string => Boolean(c))
  const tokens = [`--${name}`, ...longAliases.flatMap((a) => [`--${a}`, `-${a}`]), ...chars.map((c) => `-${c}`), ...(f.allowNo ? [`--no-${name}`] : [])]
  return {
    tokens,
    valueTokens: f.type === 'option' ? [...tokens, `-${name}`] : [],
    long: name,
    char: f.char,
    longAliases,
    allowNo: Boolean(f.allowNo),
    description: summaryOf({summary: f.summary, description: f.description}),
    takesValue: f.type === 'option',
    values: f.type === 'option' && f.options?.length ? f.options : undefined,
  }
}

/** Everything the scripts need, one entry per command path, the root first. */
export function completionModel(manifest: Manifest): PathSpec[] {
  const visible = Object.values(manifest.commands).filter((c) => !c.hidden)
  const describe = (key: string): string => {
    const c = manifest.commands[key]
    return c ? summaryOf(c) : (manifest.topics?.[key] ?? '').split('\n')[0]
  }
  // the global flags' descriptions, as any command that has them gives them
  const globals: FlagSpec[] = GLOBAL_FLAGS.map((g) => {
    const def = visible.map((c) => c.flags[g.name]).find(Boolean)
    return flagSpec(g.name, def ?? {name: g.name, type: g.value ? 'option' : 'boolean', char: g.char, allowNo: g.allowNo})
  })
  const keys = ['', ...[...usableIds(manifest)].filter((k) => visible.some((c) => c.id === k || c.id.startsWith(`${k}:`))).sort()]
  return keys.map((key) => {
    const cmd = manifest.commands[key]
    const children = childrenOf(key, manifest).map((name) => ({name, description: describe(key ? `${key}:${name}` : name)}))
    let flags: FlagSpec[]
    if (key === '') flags = [...globals, HELP_FLAG, VERSION_FLAG]
    else if (!cmd) flags = [HELP_FLAG]
    else flags = [...Object.entries(cmd.flags).filter(([, f]) => !f.hidden).map(([n, f]) => flagSpec(n, f)), HELP_FLAG]
    const firstArg = Object.values(cmd?.args ?? {})[0]
    return {key, children, flags, ...(firstArg?.options?.length ? {argValues: firstArg.options} : {})}
  })
}

/** A word in single quotes for bash and zsh. */
const sq = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`
/** A word in single quotes for fish (which also gives `\` a meaning there). */
const fq = (s: string): string => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
const short = (s: string): string => (s.length > 70 ? `${s.slice(0, 69)}…` : s)

/** `case` arms mapping `"$1 $2"` (path and flag) to the flag's values, for the flags that take one. */
function valueArms(model: PathSpec[], assign: (values: readonly string[]) => string): string[] {
  const arms: string[] = []
  for (const p of model)
    for (const f of p.flags.filter((x) => x.takesValue))
      arms.push(`    ${f.valueTokens.map((t) => sq(`${p.key} ${t}`)).join('|')}) ${assign(f.values ?? [])} ;;`)
  return arms
}

export function bashScript(manifest: Manifest): string {
  const model = completionModel(manifest)
  const words = (xs: readonly string[]): string => sq(xs.join(' '))
  return `# bash completion for mkr (generated by \`mkr completion bash\`)
_mkr_children() {
  case $1 in
${model.map((p) => `    ${sq(p.key)}) _mkr_r=${words(p.children.map((c) => c.name))} ;;`).join('\n')}
    *) _mkr_r='' ;;
  esac
}
_mkr_flags() {
  case $1 in
${model.map((p) => `    ${sq(p.key)}) _mkr_r=${words(p.flags.flatMap((f) => f.tokens))} ;;`).join('\n')}
    *) _mkr_r='--help' ;;
  esac
}
# succeeds when flag $2 of command $1 takes a value; _mkr_r is its fixed list ('' for any value)
_mkr_value() {
  case "$1 $2" in
${valueArms(model, (v) => `_mkr_r=${words(v)}`).join('\n')}
    *) return 1 ;;
  esac
}
_mkr_args() {
  case $1 in
${model.filter((p) => p.argValues).map((p) => `    ${sq(p.key)}) _mkr_r=${words(p.argValues!)} ;;`).join('\n')}
    *) _mkr_r='' ;;
  esac
}
_mkr() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmdpath='' w flag _mkr_r i=1 nargs=0 helpmode=0
  COMPREPLY=()
  while (( i < COMP_CWORD )); do
    w=\${COMP_WORDS[i]}
    if [[ $w == -- ]]; then
      # wrap's job: a command, then files
      if (( COMP_CWORD == i + 1 )); then COMPREPLY=($(compgen -c -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
      return 0
    elif [[ $w == -* ]]; then
      if [[ $w != *=* ]] && _mkr_value "$cmdpath" "$w"; then
        if [[ \${COMP_WORDS[i+1]} == = ]]; then (( i += 2 )); else (( i += 1 )); fi
      fi
    elif (( nargs == 0 )) && _mkr_children "$cmdpath" && [[ " $_mkr_r " == *" $w "* ]]; then
      if [[ -z $cmdpath && $w == help && $helpmode == 0 ]]; then helpmode=1; else cmdpath=\${cmdpath:+$cmdpath:}$w; fi
    else
      (( nargs += 1 ))
    fi
    (( i += 1 ))
  done
  # the flag whose value is being typed: \`--flag v\`, \`--flag=v\` (bash splits at =)
  flag=''
  if [[ $cur == = ]]; then flag=\${COMP_WORDS[COMP_CWORD-1]}; cur=''
  elif (( COMP_CWORD > 1 )) && [[ \${COMP_WORDS[COMP_CWORD-1]} == = ]]; then flag=\${COMP_WORDS[COMP_CWORD-2]}
  elif (( COMP_CWORD > 1 )); then flag=\${COMP_WORDS[COMP_CWORD-1]}
  fi
  if (( ! helpmode )) && [[ $flag == -* && $flag != *=* ]] && _mkr_value "$cmdpath" "$flag"; then
    if [[ -n $_mkr_r ]]; then COMPREPLY=($(compgen -W "$_mkr_r" -- "$cur"))
    else
      type compopt >/dev/null 2>&1 && compopt -o filenames
      COMPREPLY=($(compgen -f -- "$cur"))
    fi
    return 0
  fi
  if [[ $cur == -* ]] && (( ! helpmode )); then
    _mkr_flags "$cmdpath"
    COMPREPLY=($(compgen -W "$_mkr_r" -- "$cur"))
  elif (( nargs == 0 )); then
    _mkr_children "$cmdpath"
    w=$_mkr_r
    (( helpmode )) || { _mkr_args "$cmdpath"; w="$w $_mkr_r"; }
    COMPREPLY=($(compgen -W "$w" -- "$cur"))
  fi
  return 0
}
complete -F _mkr mkr
`
}

export function zshScript(manifest: Manifest): string {
  const model = completionModel(manifest)
  // _describe entries are NAME:DESCRIPTION (a colon in NAME would need escaping; ours have none)
  const described = (xs: {name: string; description: string}[]): string => xs.map((x) => sq(`${x.name}:${short(x.description)}`)).join(' ')
  const flagEntries = (p: PathSpec): {name: string; description: string}[] =>
    p.flags.flatMap((f) => f.tokens.map((t) => ({name: t, description: t === `--no-${f.long}` ? `no: ${f.description}` : f.description})))
  return `#compdef mkr
# zsh completion for mkr (generated by \`mkr completion zsh\`)
_mkr_children() {
  case $1 in
${model.map((p) => `    ${sq(p.key)}) reply=(${described(p.children)}) ;;`).join('\n')}
    *) reply=() ;;
  esac
}
_mkr_flags() {
  case $1 in
${model.map((p) => `    ${sq(p.key)}) reply=(${described(flagEntries(p))}) ;;`).join('\n')}
    *) reply=('--help:show help') ;;
  esac
}
# succeeds when flag $2 of command $1 takes a value; reply is its fixed list (empty for any value)
_mkr_value() {
  case "$1 $2" in
${valueArms(model, (v) => `reply=(${v.map(sq).join(' ')})`).join('\n')}
    *) return 1 ;;
  esac
}
_mkr_args() {
  case $1 in
${model.filter((p) => p.argValues).map((p) => `    ${sq(p.key)}) reply=(${p.argValues!.map(sq).join(' ')}) ;;`).join('\n')}
    *) reply=() ;;
  esac
}
_mkr_values() {
  if (( \${#reply} )); then compadd -- "\${reply[@]}"; else _files; fi
}
_mkr() {
  local cmdpath='' w cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
  local -i i=2 nargs=0 helpmode=0
  local -a reply names entries
  while (( i < CURRENT )); do
    w=\${words[i]}
    if [[ $w == -- ]]; then
      # wrap's job: a command, then files
      if (( CURRENT == i + 1 )); then _command_names -e; else _files; fi
      return
    elif [[ $w == -* ]]; then
      if [[ $w != *=* ]] && _mkr_value "$cmdpath" "$w"; then (( i += 1 )); fi
    elif (( nargs == 0 )) && _mkr_children "$cmdpath" && names=(\${reply%%:*}) && (( \${names[(Ie)$w]} )); then
      if [[ -z $cmdpath && $w == help && $helpmode == 0 ]]; then helpmode=1; else cmdpath=\${cmdpath:+$cmdpath:}$w; fi
    else
      (( nargs += 1 ))
    fi
    (( i += 1 ))
  done
  if (( ! helpmode )); then
    if [[ $cur == -*=* ]] && _mkr_value "$cmdpath" "\${cur%%=*}"; then
      compset -P '*='
      _mkr_values
      return
    fi
    if [[ $prev == -* && $prev != *=* ]] && _mkr_value "$cmdpath" "$prev"; then
      _mkr_values
      return
    fi
    if [[ $cur == -* ]]; then
      _mkr_flags "$cmdpath"
      _describe -t options 'mkr flag' reply
      return
    fi
  fi
  (( nargs == 0 )) || return 1
  _mkr_children "$cmdpath"
  entries=("\${reply[@]}")
  if (( ! helpmode )) && _mkr_args "$cmdpath" && (( \${#reply} )); then entries+=("\${reply[@]}"); fi
  _describe -t commands 'mkr command' entries
}
if [[ \${funcstack[1]} == _mkr ]]; then _mkr "$@"; else compdef _mkr mkr; fi
`
}

export function fishScript(manifest: Manifest): string {
  const model = completionModel(manifest)
  const lines: string[] = []
  for (const p of model) {
    const at = `__mkr_at ${fq(p.key)}`
    for (const c of p.children) lines.push(`complete -c mkr -n ${fq(at)} -f -a ${fq(c.name)} -d ${fq(short(c.description))}`)
    for (const v of p.argValues ?? []) lines.push(`complete -c mkr -n ${fq(`${at}; and __mkr_no_args`)} -f -a ${fq(v)}`)
    for (const f of p.flags) {
      const parts = [`complete -c mkr -n ${fq(`${at}; and not __mkr_in_help`)}`, `-l ${fq(f.long)}`]
      if (f.char) parts.push(`-s ${fq(f.char)}`)
      // mkr's single-dash long aliases (`-st working`) are fish's old-style options
      for (const a of f.longAliases) parts.push(`-l ${fq(a)}`, `-o ${fq(a)}`)
      if (f.takesValue) parts.push(f.values ? `-x -a ${fq(f.values.join(' '))}` : '-r')
      parts.push(`-d ${fq(short(f.description))}`)
      lines.push(parts.join(' '))
      if (f.allowNo) lines.push(`complete -c mkr -n ${fq(`${at}; and not __mkr_in_help`)} -l ${fq(`no-${f.long}`)} -d ${fq(short(`no: ${f.description}`))}`)
    }
  }
  const children = model.map((p) => `        case ${fq(p.key)}\n            echo ${p.children.map((c) => fq(c.name)).join(' ')}`).join('\n')
  const valueCases = model.flatMap((p) => {
    const tokens = p.flags.flatMap((f) => f.valueTokens.map((t) => fq(`${p.key} ${t}`)))
    return tokens.length ? [`        case ${tokens.join(' ')}\n            return 0`] : []
  })
  return `# fish completion for mkr (generated by \`mkr completion fish\`)
function __mkr_children
    switch $argv[1]
${children}
    end
end
function __mkr_takes_value
    switch "$argv[1] $argv[2]"
${valueCases.join('\n')}
    end
    return 1
end
# prints: the command path (id), whether \`help\` came first, the number of arguments; or -- after --
function __mkr_state
    set -l words (commandline -opc)
    set -e words[1]
    set -l cmdpath ''
    set -l helpmode 0
    set -l nargs 0
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
        else if test "$w" = '--'
            echo -- '--'
            return
        else if string match -q -- '-*' $w
            if not string match -q -- '*=*' $w; and __mkr_takes_value "$cmdpath" $w
                set skip 1
            end
        else if test $nargs = 0; and contains -- $w (string split ' ' -- (__mkr_children "$cmdpath"))
            if test -z "$cmdpath" -a "$w" = help -a $helpmode = 0
                set helpmode 1
            else if test -z "$cmdpath"
                set cmdpath $w
            else
                set cmdpath "$cmdpath:$w"
            end
        else
            set nargs (math $nargs + 1)
        end
    end
    echo -- $cmdpath
    echo $helpmode
    echo $nargs
end
function __mkr_at
    set -l state (__mkr_state)
    test "$state[1]" = "$argv[1]"; or return 1
    test "$state[3]" = 0; and return 0
    string match -q -- '-*' (commandline -ct)
end
function __mkr_in_help
    set -l state (__mkr_state)
    test "$state[2]" = 1
end
function __mkr_no_args
    set -l state (__mkr_state)
    test "$state[3]" = 0
end
function __mkr_after_dashdash
    set -l state (__mkr_state)
    test "$state[1]" = '--'
end
complete -c mkr -f
complete -c mkr -n __mkr_after_dashdash -F
${lines.join('\n')}
`
}

export function completionScript(shell: Shell, manifest: Manifest): string {
  if (shell === 'bash') return bashScript(manifest)
  if (shell === 'zsh') return zshScript(manifest)
  return fishScript(manifest)
}
