// A small manifest in oclif.manifest.json's shape, for the pure dispatcher, did-you-mean and
// completion tests: fixed here so the expectations do not move when a command gains a flag.
import type {CommandInfo, FlagInfo, Manifest} from '../../src/cli/manifest.js'

const opt = (name: string, more: Partial<FlagInfo> = {}): FlagInfo => ({name, type: 'option', ...more})
const bool = (name: string, more: Partial<FlagInfo> = {}): FlagInfo => ({name, type: 'boolean', ...more})
const GLOBAL = {
  quiet: bool('quiet', {char: 'q', description: 'hide info messages'}),
  conf: opt('conf', {description: 'mackerel-agent config'}),
  apibase: opt('apibase', {description: 'Mackerel API base URL'}),
  color: bool('color', {allowNo: true, description: 'color output'}),
}
const STATUSES = ['working', 'standby', 'maintenance', 'poweroff']

function cmd(id: string, summary: string, flags: Record<string, FlagInfo> = {}, more: Partial<CommandInfo> = {}): CommandInfo {
  return {id, summary, strict: true, flags: {...GLOBAL, ...flags}, args: {}, ...more}
}

export const FIXTURE: Manifest = {
  commands: Object.fromEntries(
    [
      cmd('hosts', 'List hosts', {
        name: opt('name', {char: 'n'}),
        role: opt('role', {char: 'r', multiple: true}),
        status: opt('status', {aliases: ['st'], options: STATUSES, multiple: true, description: 'only hosts with this status'}),
        verbose: bool('verbose', {char: 'v'}),
      }),
      cmd('org', 'Show the organization'),
      cmd('status', 'Show a host', {verbose: bool('verbose', {char: 'v'})}, {strict: false, args: {hostId: {name: 'hostId'}}}),
      cmd('monitors', 'List monitors'),
      cmd('monitors:pull', 'Pull monitors', {'file-path': opt('file-path', {char: 'F'})}),
      cmd('monitors:push', 'Push monitors', {
        'file-path': opt('file-path', {char: 'F'}),
        'dry-run': bool('dry-run', {char: 'd'}),
        yes: bool('yes', {char: 'y'}),
        delete: bool('delete', {allowNo: true}),
      }),
      cmd('monitors:diff', 'Diff monitors'),
      cmd('monitors:get', 'Get a monitor', {}, {args: {id: {name: 'id'}}}),
      cmd('annotations:create', 'Create an annotation', {title: opt('title')}),
      cmd('annotations:list', 'List annotations', {service: opt('service', {char: 's'})}),
      cmd('sandbox', 'Run a local API server', {port: opt('port', {char: 'p'})}, {flags: {quiet: GLOBAL.quiet, color: GLOBAL.color, port: opt('port', {char: 'p'})}}),
      {id: 'wrap', summary: 'Run a command and report it', strict: false, args: {}, flags: {name: opt('name', {char: 'n'}), 'on-locked': opt('on-locked', {options: ['skip', 'wait', 'report']}), conf: GLOBAL.conf}},
      cmd('help', 'Show help', {}, {strict: false, args: {command: {name: 'command'}}}),
      cmd('completion', 'Print a completion script', {}, {args: {shell: {name: 'shell', options: ['bash', 'zsh', 'fish']}}}),
    ].map((c) => [c.id, c]),
  ),
  topics: {annotations: 'Create, list, update and delete graph annotations', monitors: 'Manage monitor rules'},
}
