import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {HOST_STATUSES, type HostStatus} from '../api/hosts.js'
import {BaseCommand} from '../base-command.js'
import {runStatus} from '../hosts/status.js'
import {outputFlags} from '../output/export.js'

export default class Status extends BaseCommand<typeof Status> {
  static summary = 'Show a host, or change the status of hosts'
  static description =
    'Without --set: the host as JSON (mkr\'s shape; default host: this machine\'s agent id). ' +
    'With --set: changes the status of every host given (one call for one host, the bulk endpoint in chunks of 30 for more).'
  static examples = [
    '<%= config.bin %> status 2eQGDXqtoXs',
    '<%= config.bin %> status -v',
    '<%= config.bin %> status --jq .status',
    '<%= config.bin %> status 2eQGDXqtoXs 2eQGEaLxibb --set maintenance',
  ]

  static strict = false
  static args = {hostId: Args.string({description: 'host id(s) (default: the agent\'s, from <root>/id)'})}
  static flags = {
    verbose: Flags.boolean({char: 'v', description: 'the raw host object plus its metric names'}),
    set: Flags.string({description: 'change the status of the hosts', options: [...HOST_STATUSES]}),
    ...outputFlags,
  }

  async run(): Promise<void> {
    const ids = this.rest.length ? this.rest : [this.hostId()]
    await runStatus({...this.flags, ids, set: this.flags.set as HostStatus | undefined}, this.io, this.client)
  }
}
