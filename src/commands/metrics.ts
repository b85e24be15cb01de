import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../base-command.js'
import {metricsRun} from '../metrics/query.js'
import {outputFlags} from '../output/export.js'

export default class Metrics extends BaseCommand<typeof Metrics> {
  static summary = 'Show the values of a host or service metric over time'
  static description =
    'mkr\'s JSON when piped or with --json (`[{"time", "value"}]`, oldest first), a table on a terminal; --jq filters the JSON. ' +
    '--from and --to take epoch seconds (as mkr), ISO-8601 times, `now` or times relative to now (-3h, now-1d); ' +
    'without them: from 0 to now, as mkr.'
  static examples = [
    '<%= config.bin %> metrics -s demo -n access.count --from -3h',
    '<%= config.bin %> metrics -H 2eQGDXqtoXs -n loadavg5 --from 1718000000 --to 1718003600',
    '<%= config.bin %> metrics -s demo -n access.count --from -1h --jq \'map(.value) | add / length\'',
  ]

  static flags = {
    host: Flags.string({char: 'H', description: 'a metric of this host (wins over --service, as in mkr)', helpValue: 'HOSTID'}),
    service: Flags.string({char: 's', description: 'a metric of this service', helpValue: 'SERVICE'}),
    name: Flags.string({char: 'n', description: 'the metric name (required)', helpValue: 'NAME'}),
    from: Flags.string({description: 'start of the range (default: 0, as mkr)', helpValue: 'TIME'}),
    to: Flags.string({description: 'end of the range (default: now)', helpValue: 'TIME'}),
    ...outputFlags,
  }

  async run(): Promise<void> {
    const f = this.flags
    const opts = {host: f.host, service: f.service, name: f.name, from: f.from, to: f.to, json: f.json, jq: f.jq, color: f.color}
    await metricsRun(opts, this.io, () => this.api())
  }
}
