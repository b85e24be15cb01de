import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../errors.js'
import {outputFlags} from '../../output/export.js'
import {runReport} from '../../runbook/report.js'
import {defaultRunbookStateDir, RunbookState} from '../../runbook/state.js'
import {parseTimeFlag} from '../../timespec.js'

export default class AlertsReport extends BaseCommand<typeof AlertsReport> {
  static summary = 'Per monitor: alerts opened, how long they stayed open, how many are open, what the runbook handled and healed'
  static description = `Not in mkr. The weekly review's agenda: for each monitor, the alerts opened in the window, the median and 95th percentile of how long the closed ones stayed open, how many are still open, and how many \`mkr runbook\` handled and healed (a remedy succeeded and the alert closed after it; from the runbook state on this machine); then the hosts with the most alerts.
A table on a terminal, JSON otherwise.`
  static examples = [
    '<%= config.bin %> alerts report',
    '<%= config.bin %> alerts report --from -30d --json',
    "<%= config.bin %> alerts report --jq '.monitors[] | select(.healed > 0) | .monitorName'",
  ]
  static flags = {
    from: Flags.string({description: 'start of the window (epoch seconds, ISO-8601, now, -7d, ...)', default: '-7d', helpValue: 'TIME'}),
    to: Flags.string({description: 'end of the window', default: 'now', helpValue: 'TIME'}),
    'state-dir': Flags.string({description: 'the runbook state to read [default: $XDG_STATE_HOME/mkr/runbook]', helpValue: 'DIR'}),
    ...outputFlags,
  }

  async run(): Promise<void> {
    const f = this.flags
    const now = Date.now()
    const from = parseTimeFlag('from', f.from, now)
    const to = parseTimeFlag('to', f.to, now)
    if (from > to) throw new UsageError(`--from is after --to`)
    await runReport(
      {...f, from, to},
      this.io,
      await this.api(),
      new RunbookState(f['state-dir'] ?? defaultRunbookStateDir(process.env)),
    )
  }
}
