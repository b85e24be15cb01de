import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {HOST_STATUSES, type HostStatus} from '../api/hosts.js'
import {BaseCommand} from '../base-command.js'
import {createHostRun} from '../hosts/create.js'

export default class Create extends BaseCommand<typeof Create> {
  static summary = 'Register a new host (mkr compatible)'
  static description =
    'Prints `   created <id>` on stderr as mkr does (not hidden by -q), then `   updated <id> <status>` when --status is given. ' +
    'Unknown services and roles in -R are created by Mackerel.'
  static examples = [
    '<%= config.bin %> create web03',
    '<%= config.bin %> create --status standby -R demo:web -R demo:db --customIdentifier i-0abc123 --memo "spare" web04',
  ]

  static args = {hostName: Args.string({description: 'the host name', required: true})}
  // -R first: oclif misaligns a FLAGS list that starts with a flag without a short form
  static flags = {
    roleFullname: Flags.string({
      char: 'R',
      description: 'SERVICE:ROLE of the host (repeatable, comma-separated)',
      multiple: true,
      multipleNonGreedy: true,
      delimiter: ',',
      helpValue: 'SERVICE:ROLE',
    }),
    status: Flags.string({aliases: ['st'], description: 'set this status after registering', options: [...HOST_STATUSES]}),
    customIdentifier: Flags.string({description: 'an id of your own, unique in the organization (e.g. a cloud instance id)'}),
    memo: Flags.string({description: 'a memo for the host'}),
  }

  async run(): Promise<void> {
    const f = this.flags
    const opts = {name: this.args.hostName, status: f.status as HostStatus | undefined, roleFullnames: f.roleFullname, customIdentifier: f.customIdentifier, memo: f.memo}
    await createHostRun(opts, this.io, () => this.api())
  }
}
