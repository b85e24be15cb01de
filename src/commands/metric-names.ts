import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../base-command.js'
import {runMetricNames} from '../metrics/names.js'
import {outputFlags} from '../output/export.js'

export default class MetricNames extends BaseCommand<typeof MetricNames> {
  static summary = 'List the metric names of a host or a service'
  static description = 'A JSON array of names (mkr\'s shape) when piped or with --json; one name a line on a terminal; --jq filters the JSON.'
  static examples = [
    '<%= config.bin %> metric-names --host 2eQGDXqtoXs',
    '<%= config.bin %> metric-names -s demo --jq \'.[] | select(startswith("access."))\'',
  ]

  static flags = {
    host: Flags.string({char: 'H', description: 'names of this host\'s metrics (wins over --service, as in mkr)', helpValue: 'HOSTID'}),
    service: Flags.string({char: 's', description: 'names of this service\'s metrics', helpValue: 'SERVICE'}),
    ...outputFlags,
  }

  async run(): Promise<void> {
    await runMetricNames(this.flags, this.io, this.client)
  }
}
