import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {HOST_STATUSES, type HostStatus} from '../api/hosts.js'
import {BaseCommand, checkIds} from '../base-command.js'
import {UsageError} from '../errors.js'
import {setHostStatuses} from '../hosts/set-status.js'

export default class Update extends BaseCommand<typeof Update> {
  static summary = 'Change the status of hosts (mkr compatible)'
  static description = 'Same as `mkr status HOSTID... --set STATUS`.'
  static examples = ['<%= config.bin %> update --st maintenance 2eQGDXqtoXs 2eQGEaLxibb']

  static strict = false
  static args = {hostId: Args.string({description: 'host id(s) (default: the agent\'s, from <root>/id)'})}
  static flags = {
    status: Flags.string({aliases: ['st'], description: 'new status', options: [...HOST_STATUSES]}),
  }

  async run(): Promise<void> {
    if (!this.flags.status)
      throw new UsageError('nothing to update', {hint: 'e.g. mkr update --status maintenance HOSTID'})
    const ids = this.rest.length ? checkIds('host id', this.rest) : [this.hostId()]
    await setHostStatuses(await this.api(), ids, this.flags.status as HostStatus, (l) => this.info(l))
  }
}
