// The completion scripts, generated from a fixed manifest. bash runs them (the function is called with
// COMP_WORDS as bash would); zsh and fish run only where installed, else their text is checked.
import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {bashScript, completionScript, fishScript, zshScript} from '../../src/cli/completion.js'
import {FIXTURE} from './fixture.js'

const has = (shell: string): boolean => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0

describe('cli/completion: shell scripts from the manifest', () => {
  // words typed so far (the last one is being completed) -> what bash offers
  const cases: [string[], string][] = [
    [['mkr', ''], 'annotations completion help hosts monitors org sandbox status wrap'],
    [['mkr', 'mon'], 'monitors'],
    [['mkr', 'monitors', 'p'], 'pull push'],
    [['mkr', 'monitors', ''], 'diff get pull push'],
    [['mkr', '--conf', 'f', '-q', 'monitors', 'pu'], 'pull push'],
    [['mkr', 'annotations', ''], 'create list'],
    [['mkr', 'help', 'monitors', 'd'], 'diff'],
    [['mkr', 'completion', ''], 'bash zsh fish'],
    [['mkr', 'hosts', '--status', ''], 'working standby maintenance poweroff'],
    [['mkr', 'hosts', '--status', '=', 'm'], 'maintenance'],
    [['mkr', 'hosts', '-st', 'w'], 'working'],
    [['mkr', 'hosts', '--ver'], '--verbose'],
    [['mkr', 'hosts', '--no'], '--no-color'],
    [['mkr', 'monitors', 'push', '--d'], '--dry-run --delete'],
    [['mkr', 'wrap', '--on-locked', ''], 'skip wait report'],
    [['mkr', '--'], '--conf --apibase --quiet --color --no-color --help --version'],
    [['mkr', 'hosts', 'x', ''], ''],
    [['mkr', 'monitors', 'get', '12', ''], ''],
  ]
  it('bash: completes commands, subcommands, flags and fixed flag values', () => {
    // one bash for all cases: each line is "cur words...", each answer one line
    const driver = `${bashScript(FIXTURE)}
while IFS= read -r line; do
  eval "COMP_WORDS=($line)"
  COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
  _mkr
  echo "\${COMPREPLY[*]}"
done`
    const input = cases.map(([words]) => words.map((w) => `'${w}'`).join(' ')).join('\n') + '\n'
    const out = execFileSync('bash', ['--norc', '--noprofile', '-c', driver], {input, encoding: 'utf8'})
    assert.deepEqual(
      out.split('\n').slice(0, -1).map((l, i) => [cases[i][0].join(' '), l]),
      cases.map(([words, want]) => [words.join(' '), want]),
    )
  })

  it('bash: registers _mkr for mkr', () => {
    const out = execFileSync('bash', ['--norc', '--noprofile', '-c', `${bashScript(FIXTURE)}\ncomplete -p mkr`], {encoding: 'utf8'})
    assert.equal(out, 'complete -F _mkr mkr\n')
  })

  it('zsh: a completion function for mkr, with descriptions and value lists', function () {
    const text = zshScript(FIXTURE)
    assert.match(text, /^#compdef mkr\n/)
    assert.ok(text.includes(`    'monitors') reply=('diff:Diff monitors' 'get:Get a monitor' 'pull:Pull monitors' 'push:Push monitors') ;;`), text)
    assert.ok(text.includes(`    'hosts --status'|'hosts --st'|'hosts -st'|'hosts -status') reply=('working' 'standby' 'maintenance' 'poweroff') ;;`), text)
    assert.ok(text.includes(`    'completion') reply=('bash' 'zsh' 'fish') ;;`), text)
    assert.ok(text.endsWith(`if [[ \${funcstack[1]} == _mkr ]]; then _mkr "$@"; else compdef _mkr mkr; fi\n`))
    if (!has('zsh')) return
    const out = execFileSync('zsh', ['-f', '-c', `autoload -U compinit; compinit -u; ${text}\nprint -r -- $_comps[mkr]`], {encoding: 'utf8'})
    assert.equal(out, '_mkr\n')
  })

  it('fish: complete rules per command path, values for fixed-list flags', function () {
    const text = fishScript(FIXTURE)
    assert.ok(text.includes(`complete -c mkr -n '__mkr_at \\'monitors\\'' -f -a 'pull' -d 'Pull monitors'`), text)
    assert.ok(text.includes(`complete -c mkr -n '__mkr_at \\'hosts\\'; and not __mkr_in_help' -l 'status' -l 'st' -o 'st' -x -a 'working standby maintenance poweroff' -d 'only hosts with this status'`), text)
    assert.ok(text.includes(`complete -c mkr -n '__mkr_at \\'wrap\\'; and not __mkr_in_help' -l 'on-locked' -x -a 'skip wait report'`), text)
    if (!has('fish')) return
    const out = execFileSync('fish', ['--no-config', '-c', `${text}\ncomplete -C 'mkr monitors p'`], {encoding: 'utf8'})
    assert.deepEqual(out.split('\n').filter(Boolean).map((l) => l.split('\t')[0]), ['pull', 'push'])
  })

  it('completionScript picks the shell', () => {
    assert.equal(completionScript('bash', FIXTURE), bashScript(FIXTURE))
    assert.equal(completionScript('zsh', FIXTURE), zshScript(FIXTURE))
    assert.equal(completionScript('fish', FIXTURE), fishScript(FIXTURE))
  })
})
