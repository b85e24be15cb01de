import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {getHost, getMetricNames, HOST_STATUSES, type HostStatus} from '../api/hosts.js'
import {BaseCommand, checkIds} from '../base-command.js'
import {UsageError} from '../errors.js'
import {reduceHost} from '../hosts/format.js'
import {setHostStatuses} from '../hosts/set-status.js'
import {exportData, outputFlags} from '../output/export.js'

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
    const ids = this.rest.length ? checkIds('host id', this.rest) : [this.hostId()]
    const client = await this.api()
    if (this.flags.set) {
      if (this.flags.jq !== undefined || this.flags.json) throw new UsageError(`--set prints nothing: drop --${this.flags.jq === undefined ? 'json' : 'jq'}`)
      await setHostStatuses(client, ids, this.flags.set as HostStatus, (l) => this.info(l))
      return
    }
    if (ids.length > 1) throw new UsageError('show one host at a time', {hint: 'to change several hosts, add --set STATUS'})
    const host = await getHost(client, ids[0])
    await exportData(this.flags.verbose ? {...host, metrics: await getMetricNames(client, ids[0])} : reduceHost(host), this.flags)
  }
}
