import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {alertJson, closeAlert} from '../../api/alerts.js'
import {BaseCommand} from '../../base-command.js'
import {CliError, UsageError} from '../../errors.js'
import {printJson} from '../../output/json.js'

export default class AlertsClose extends BaseCommand<typeof AlertsClose> {
  static summary = 'Close alerts'
  static description = 'Closes each alert in turn and stops at the first failure (saying which were already closed).'
  static examples = ['<%= config.bin %> alerts close 2wpLU5fBXbG 2ust8jNxFH3 --reason "fixed by restart"']
  static usage = 'alerts close ID... [--reason TEXT] [--verbose]'
  static strict = false
  static args = {
    ids: Args.string({description: 'alert ids', ignoreStdin: true}),
  }

  static flags = {
    reason: Flags.string({char: 'r', description: 'why the alerts are closed', default: ''}),
    verbose: Flags.boolean({char: 'v', description: 'print each closed alert as JSON'}),
  }

  async run(): Promise<void> {
    const ids = this.rest
    if (ids.length === 0) throw new UsageError('give at least one alert id', {hint: 'mkr alerts close ID... [--reason TEXT]'})
    const client = await this.api()
    const closed: string[] = []
    for (const id of ids) {
      let alert
      try {
        alert = await closeAlert(client, id, this.flags.reason)
      } catch (error) {
        if (closed.length > 0 && error instanceof CliError && !error.hint)
          error.hint = `already closed: ${closed.join(' ')}; not tried: ${ids.slice(closed.length + 1).join(' ') || '(none)'}`
        throw error
      }
      closed.push(id)
      this.info(`Alert closed ${id}`)
      if (this.flags.verbose) printJson(alertJson(alert))
    }
  }
}
