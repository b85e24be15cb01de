import * as Flags from '@oclif/core/flags'
import {getHostMetricNames, getServiceMetricNames} from '../api/metrics.js'
import {BaseCommand, checkIds} from '../base-command.js'
import {UsageError} from '../errors.js'
import {metricNamesView} from '../metrics/names.js'
import {exportData, outputFlags} from '../output/export.js'

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
    const f = this.flags
    if (f.host === undefined && f.service === undefined)
      throw new UsageError('give --host HOSTID or --service SERVICE', {hint: 'e.g. mkr metric-names --service demo'})
    if (f.host !== undefined && f.service !== undefined) this.warnLine('--host and --service both given: listing the host\'s metric names (as mkr does), --service ignored')
    const client = await this.api()
    const names =
      f.host !== undefined
        ? await getHostMetricNames(client, checkIds('host id', [f.host])[0])
        : await getServiceMetricNames(client, checkIds('service name', [f.service!])[0])
    await exportData(names, f, metricNamesView(names))
  }
}
