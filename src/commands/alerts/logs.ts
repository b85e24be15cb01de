import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {alertLogJson, listAlertLogs} from '../../api/alerts.js'
import {MAX_LIMIT, parseLimit, progress} from '../../alerts/cli.js'
import {BaseCommand, checkIds} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {exportData, outputFlags} from '../../output/export.js'

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
    if (this.args.id === undefined) throw new UsageError('give the alert id', {hint: 'mkr alerts logs ID [--limit N]'})
    const [id] = checkIds('alert id', [this.args.id])
    const limit = parseLimit(this.flags.limit, 100)
    const p = progress('logs', this.flags.quiet)
    const logs = await listAlertLogs(await this.api(), id, {limit, onPage: p.update}).finally(p.done)
    await exportData(logs.map((l) => alertLogJson(l)), this.flags)
  }
}
