import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {runList} from '../../monitors/run.js'
import {terminalIo} from '../../monitors/terminal.js'
import {outputMode} from '../../output/tty.js'

export default class Monitors extends BaseCommand<typeof Monitors> {
  static summary = 'List monitor rules'
  static description =
    'A table (id, name, type, target/condition, muted) on a terminal; otherwise the monitors as JSON, every field the API returns. ' +
    'Manage them as a file with `mkr monitors pull`, `diff` and `push`.'
  static examples = ['<%= config.bin %> monitors', "<%= config.bin %> monitors | jq -r '.[] | select(.isMute) | .name'"]
  static flags = {
    json: Flags.boolean({description: 'print JSON even on a terminal'}),
  }

  async run(): Promise<void> {
    const mode = outputMode({json: this.flags.json, color: this.flags.color})
    await runList(await this.api(), {table: mode.table}, await terminalIo({quiet: this.flags.quiet, color: mode.color}))
  }
}
