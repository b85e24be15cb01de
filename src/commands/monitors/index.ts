import {BaseCommand} from '../../base-command.js'
import {runList} from '../../monitors/run.js'
import {outputFlags} from '../../output/export.js'

export default class Monitors extends BaseCommand<typeof Monitors> {
  static summary = 'List monitor rules'
  static description =
    'A table (id, name, type, target/condition, muted) on a terminal; otherwise the monitors as JSON, every field the API returns; --jq filters that JSON. ' +
    'Manage them as a file with `mkr monitors pull`, `diff` and `push`.'
  static examples = [
    '<%= config.bin %> monitors',
    "<%= config.bin %> monitors | jq -r '.[] | select(.isMute) | .name'",
    "<%= config.bin %> monitors --jq '.[] | select(.isMute) | .name'",
  ]

  static flags = {...outputFlags}

  async run(): Promise<void> {
    await runList(this.flags, this.io, this.client)
  }
}
