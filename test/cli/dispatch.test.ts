import assert from 'node:assert/strict'
import {findUnknownFlag, planArgv, type Plan} from '../../src/cli/dispatch.js'
import {FIXTURE} from './fixture.js'

const LIST = 'see `mkr --help` for the list'

describe('cli/dispatch: the command line before oclif', () => {
  const cases: [string[], Plan][] = [
    // global flags before the command move behind the whole command id
    [['--apibase', 'http://h', 'org'], {argv: ['org', '--apibase', 'http://h']}],
    [['--apibase', 'U', 'monitors', 'push', '--dry-run'], {argv: ['monitors', 'push', '--apibase', 'U', '--dry-run']}],
    [['-conf', 'F', '-q', 'hosts', '-st', 'working'], {argv: ['hosts', '-conf', 'F', '-q', '-st', 'working']}],
    [['--no-color', 'status', 'abc', '-v'], {argv: ['status', '--no-color', 'abc', '-v']}],
    [['--conf=F', 'wrap', '-n', 'x', '--', 'job', '--bogus'], {argv: ['wrap', '--conf=F', '-n', 'x', '--', 'job', '--bogus']}],
    [['hosts', '--conf', 'F'], {argv: ['hosts', '--conf', 'F']}],
    [['--apibase', 'U', 'sandbox'], {error: 'sandbox does not take --apibase', hint: 'the sandbox is the API server: it reads no agent config and needs no API base'}],
    [['sandbox', '--conf=F'], {error: 'sandbox does not take --conf', hint: 'the sandbox is the API server: it reads no agent config and needs no API base'}],
    [['-q', 'sandbox', '-p', '0'], {argv: ['sandbox', '-q', '-p', '0']}],
    [['--conf'], {error: '--conf expects a value', hint: 'see `mkr --help`'}],
    [['--jsn', 'hosts'], {error: 'unknown flag --jsn before the command', hint: 'before the command go --conf, --apibase, -q/--quiet, --color/--no-color; flags of a command go after it'}],
    [['--apibse=U', 'hosts'], {error: 'unknown flag --apibse before the command (did you mean --apibase?)', hint: 'before the command go --conf, --apibase, -q/--quiet, --color/--no-color; flags of a command go after it'}],
    // help and version are oclif's; `mkr` alone and `mkr -q` show the root help
    [[], {argv: []}],
    [['-q'], {argv: []}],
    [['--help'], {argv: ['--help']}],
    [['--version'], {argv: ['--version']}],
    [['annotations'], {argv: ['annotations']}],
    [['-q', 'annotations'], {argv: ['annotations', '-q']}],
    [['help', 'monitors', 'push'], {argv: ['help', 'monitors', 'push']}],
    [['hosts', '--stauts', '--help'], {argv: ['hosts', '--stauts', '--help']}],
    [['hosts', '-help'], {argv: ['hosts', '--help']}],
    [['wrap', '-help'], {argv: ['wrap', '-help']}],
    [['status', 'x', '--', '-help'], {argv: ['status', 'x', '--', '-help']}],
    // mistyped commands
    [['host'], {error: 'unknown command: host (did you mean "hosts"?)', hint: LIST}],
    [['hots', '--verbose'], {error: 'unknown command: hots (did you mean "hosts"?)', hint: LIST}],
    [['monitors', 'pul'], {error: 'unknown command: monitors pul (did you mean "monitors pull"?)', hint: LIST}],
    [['monitor', 'pull', '-F', 'x'], {error: 'unknown command: monitor (did you mean "monitors pull"?)', hint: LIST}],
    [['annotations', 'crate'], {error: 'unknown command: annotations crate (did you mean "annotations create"?)', hint: LIST}],
    [['monitors', 'extra'], {error: 'unknown command: monitors extra', hint: LIST}],
    [['retire', 'x'], {error: 'unknown command: retire', hint: LIST}],
    // an argument to a command that takes none is not a command
    [['hosts', 'extra'], {error: 'unexpected argument: extra', hint: 'see `mkr hosts --help`'}],
    [['--conf', 'F', 'org', 'x', 'y'], {error: 'unexpected argument: x', hint: 'see `mkr org --help`'}],
    [['monitors', 'get', '123'], {argv: ['monitors', 'get', '123']}],
    [['status', 'abc', 'def'], {argv: ['status', 'abc', 'def']}],
    // mistyped flags
    [['hosts', '--stauts'], {error: 'unknown flag --stauts for hosts (did you mean --status?)', hint: 'see `mkr hosts --help`'}],
    [['hosts', '-st', 'working', '--stauts=standby'], {error: 'unknown flag --stauts for hosts (did you mean --status?)', hint: 'see `mkr hosts --help`'}],
    [['hosts', '--bogus'], {error: 'unknown flag --bogus for hosts', hint: 'see `mkr hosts --help`'}],
    [['monitors', 'push', '--dryrun'], {error: 'unknown flag --dryrun for monitors push (did you mean --dry-run?)', hint: 'see `mkr monitors push --help`'}],
    [['monitors', 'push', '-dz'], {error: 'unknown flag -z for monitors push', hint: 'see `mkr monitors push --help`'}],
    [['monitors', 'push', '-dy', '--no-delete', '-Ffile.json'], {argv: ['monitors', 'push', '-dy', '--no-delete', '-Ffile.json']}],
    [['hosts', '--name', '--stauts'], {argv: ['hosts', '--name', '--stauts']}], // a value, whatever it looks like
    [['hosts', '--', '--stauts'], {argv: ['hosts', '--', '--stauts']}],
    [['status', '-1'], {argv: ['status', '-1']}],
    [['wrap', '--bogus', '--', 'job'], {argv: ['wrap', '--bogus', '--', 'job']}], // wrap's own parser decides
  ]
  for (const [argv, want] of cases)
    it(`${JSON.stringify(argv)} -> ${JSON.stringify(want)}`, () => {
      assert.deepEqual(planArgv(argv, FIXTURE), want)
    })

  it('findUnknownFlag follows oclif: aliases, --no-, short bundles and attached values', () => {
    const hosts = FIXTURE.commands.hosts
    assert.equal(findUnknownFlag(['--st', 'working', '-st', 'standby', '--status=poweroff', '-nweb', '-vq', '--no-color'], hosts), undefined)
    assert.equal(findUnknownFlag(['-vx'], hosts), '-x')
    assert.equal(findUnknownFlag(['--no-verbose'], hosts), '--no-verbose')
  })
})
