import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {MAX_LIMIT} from '../../alerts/cli.js'
import {runLogs} from '../../alerts/logs.js'
import {BaseCommand} from '../../base-command.js'
import {outputFlags} from '../../output/export.js'

export default class AlertsLogs extends BaseCommand<typeof AlertsLogs> {
  static summary = 'Show the logs of an alert as JSON'
  static description = 'Newest first, in mkr\'s JSON shape (epoch times), paging through nextId up to --limit.'
  static examples = ['<%= config.bin %> alerts logs 2wpLU5fBXbG --limit 10', '<%= config.bin %> alerts logs 2wpLU5fBXbG --jq \'.[].status\'']
  static args = {
    id: Args.string({description: 'alert id', ignoreStdin: true}),
  }

  static flags = {
    limit: Flags.string({char: 'l', description: `how many logs, 0..${MAX_LIMIT} [default: 100]`, helpValue: 'N'}),
    ...outputFlags,
  }

  async run(): Promise<void> {
    await runLogs({...this.flags, id: this.args.id}, this.io, this.client)
  }
}
