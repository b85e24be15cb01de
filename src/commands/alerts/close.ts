import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {alertJson, closeAlert} from '../../api/alerts.js'
import {BaseCommand, checkIds} from '../../base-command.js'
import {CliError, UsageError} from '../../errors.js'
import {printJson} from '../../output/json.js'

export default class AlertsClose extends BaseCommand<typeof AlertsClose> {
  static summary = 'Close alerts'
  static description = 'Closes each alert in turn and stops at the first failure, saying which were closed, which failed and which were not tried.'
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
    const ids = checkIds('alert id', this.rest)
    if (ids.length === 0) throw new UsageError('give at least one alert id', {hint: 'mkr alerts close ID... [--reason TEXT]'})
    const client = await this.api()
    const closed: string[] = []
    for (const [i, id] of ids.entries()) {
      let alert
      try {
        alert = await closeAlert(client, id, this.flags.reason)
      } catch (error) {
        if (ids.length > 1) {
          const summary = closeSummary(closed, id, ids.slice(i + 1))
          if (error instanceof CliError) error.hint = error.hint ? `${summary}; ${error.hint}` : summary
          else process.stderr.write(`mkr: ${summary}\n`)
        }
        throw error
      }
      closed.push(id)
      this.info(`Alert closed ${id}`)
      if (this.flags.verbose) printJson(alertJson(alert))
    }
  }
}

/** Which alerts were closed, which one failed and which were not tried (the command stops at the first failure). */
function closeSummary(closed: readonly string[], failed: string, notTried: readonly string[]): string {
  const list = (ids: readonly string[]) => (ids.length ? ids.join(' ') : '(none)')
  return `closed: ${list(closed)}; failed: ${failed}; not tried: ${list(notTried)}`
}
