import assert from 'node:assert/strict'
import {BaseCommand} from '../../src/base-command.js'
import {GLOBAL_FLAGS, splitLeadingGlobals, wrapArgs} from '../../src/cli/globals.js'

describe('cli/globals: global flags before the command', () => {
  const cases: [string[], {globals: string[]; rest: string[]; missingValue?: string}][] = [
    [['--conf', 'F', 'hosts'], {globals: ['--conf', 'F'], rest: ['hosts']}],
    [['--conf=F', '-q', 'hosts', '-v'], {globals: ['--conf=F', '-q'], rest: ['hosts', '-v']}],
    [['-conf', 'F', '-apibase', 'http://h', 'org'], {globals: ['-conf', 'F', '-apibase', 'http://h'], rest: ['org']}],
    [['-apibase=http://h', '-quiet', 'org'], {globals: ['-apibase=http://h', '-quiet'], rest: ['org']}],
    [['--no-color', '--color', '--quiet', 'org'], {globals: ['--no-color', '--color', '--quiet'], rest: ['org']}],
    [['--conf', '--weird-file-name', 'org'], {globals: ['--conf', '--weird-file-name'], rest: ['org']}],
    [['--apibase'], {globals: ['--apibase'], rest: [], missingValue: '--apibase'}],
    [['--json', 'hosts'], {globals: [], rest: ['--json', 'hosts']}],
    [['--quiet=yes', 'hosts'], {globals: [], rest: ['--quiet=yes', 'hosts']}],
    [['--', 'hosts'], {globals: [], rest: ['--', 'hosts']}],
    [['hosts', '--conf', 'F'], {globals: [], rest: ['hosts', '--conf', 'F']}],
    [[], {globals: [], rest: []}],
  ]
  for (const [argv, want] of cases)
    it(`splits ${JSON.stringify(argv)}`, () => {
      assert.deepEqual(splitLeadingGlobals(argv), want)
    })

  const wraps: [string[], string[] | undefined][] = [
    [['--conf', 'F', 'wrap', '-n', 'x', '--', 'job', '-q'], ['--conf', 'F', '-n', 'x', '--', 'job', '-q']],
    [['-q', '--apibase=http://h', 'wrap', '--', 'true'], ['-q', '--apibase=http://h', '--', 'true']],
    [['-q', 'hosts', 'wrap'], undefined],
    [['--conf', 'wrap'], undefined],
    [['--bogus', 'wrap'], undefined],
  ]
  for (const [argv, want] of wraps)
    it(`wrap's fast path: ${JSON.stringify(argv)} -> ${JSON.stringify(want)}`, () => {
      assert.deepEqual(wrapArgs(argv), want)
    })

  it('names the same flags as BaseCommand.baseFlags (one list for before and after the command)', () => {
    const base = Object.entries(BaseCommand.baseFlags)
      .map(([name, f]) => ({name, char: f.char, value: f.type === 'option', allowNo: f.type === 'boolean' && f.allowNo ? true : undefined}))
      .sort((a, b) => a.name.localeCompare(b.name))
    const ours = GLOBAL_FLAGS.map((f) => ({name: f.name, char: f.char, value: f.value, allowNo: f.allowNo})).sort((a, b) => a.name.localeCompare(b.name))
    assert.deepEqual(ours, base)
  })
})
