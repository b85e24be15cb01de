import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {HOST_STATUSES, type HostStatus} from '../api/hosts.js'
import {BaseCommand, checkIds} from '../base-command.js'
import {planChange, updateHostsRun} from '../hosts/update.js'

export default class Update extends BaseCommand<typeof Update> {
  static summary = 'Change hosts: name, display name, status, roles, memo (mkr compatible)'
  static description =
    'Status only: one call for one host, the bulk endpoint in chunks of 30 for more (as `mkr status --set`). ' +
    '-R adds roles; with -o the -R list replaces them (-o alone removes every role). ' +
    'Name, display name, memo and added roles are written by reading each host and putting it back with its meta, interfaces and custom identifier. ' +
    'Every host is read before anything changes; a failure part-way says what was and was not changed.'
  static examples = [
    '<%= config.bin %> update --st maintenance 2eQGDXqtoXs 2eQGEaLxibb',
    '<%= config.bin %> update --displayName "web one" -R demo:db 2eQGDXqtoXs',
    '<%= config.bin %> update -o -R demo:web 2eQGDXqtoXs',
  ]

  static strict = false
  static args = {hostId: Args.string({description: 'host id(s) (default: the agent\'s, from <root>/id)'})}
  static flags = {
    name: Flags.string({char: 'n', description: 'new host name'}),
    displayName: Flags.string({description: 'new display name'}),
    status: Flags.string({aliases: ['st'], description: 'new status', options: [...HOST_STATUSES]}),
    roleFullname: Flags.string({
      char: 'R',
      description: 'SERVICE:ROLE to add (repeatable, comma-separated); with -o, the new role set',
      multiple: true,
      multipleNonGreedy: true,
      delimiter: ',',
      helpValue: 'SERVICE:ROLE',
    }),
    overwriteRoles: Flags.boolean({char: 'o', description: 'replace the roles with the -R list instead of adding to them'}),
    memo: Flags.string({description: 'new memo'}),
  }

  async run(): Promise<void> {
    const f = this.flags
    const opts = {
      name: f.name,
      displayName: f.displayName,
      status: f.status as HostStatus | undefined,
      roleFullnames: f.roleFullname,
      overwriteRoles: f.overwriteRoles,
      memo: f.memo,
    }
    planChange(opts, () => {}) // usage errors before the config is read (the run repeats it, with warnings)
    const ids = this.rest.length ? checkIds('host id', this.rest) : [this.hostId()]
    await updateHostsRun({ids, ...opts}, this.io, () => this.api())
  }
}
