import * as Flags from '@oclif/core/flags'
import {BaseCommand, checkIds} from '../base-command.js'
import {fetchRun} from '../metrics/fetch.js'
import {outputFlags} from '../output/export.js'

export default class Fetch extends BaseCommand<typeof Fetch> {
  static summary = 'Show the latest values of host metrics'
  static description =
    'mkr\'s JSON when piped or with --json (`{"<hostId>": {"<metric>": {"time", "value"}}}`), a table on a terminal; --jq filters the JSON. ' +
    'Hosts are asked for 100 at a time and the answers merged, as mkr does.'
  static examples = [
    '<%= config.bin %> fetch -n loadavg5 2eQGDXqtoXs 2eQGEaLxibb',
    '<%= config.bin %> fetch -n loadavg5,memory.used 2eQGDXqtoXs --jq \'.[].loadavg5.value\'',
  ]

  static strict = false
  static args = {}
  static flags = {
    name: Flags.string({
      char: 'n',
      description: 'metric name (required; repeatable, comma-separated)',
      multiple: true,
      multipleNonGreedy: true,
      delimiter: ',',
      helpValue: 'NAME',
    }),
    ...outputFlags,
  }

  async run(): Promise<void> {
    const f = this.flags
    const opts = {hostIds: checkIds('host id', this.rest), names: f.name ?? [], json: f.json, jq: f.jq, color: f.color}
    await fetchRun(opts, this.io, () => this.api())
  }
}
