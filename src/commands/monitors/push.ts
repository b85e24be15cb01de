import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {DEFAULT_FILE} from '../../monitors/file.js'
import {runPush} from '../../monitors/run.js'
import {processInterruptible} from '../../output/interrupt.js'

export default class MonitorsPush extends BaseCommand<typeof MonitorsPush> {
  static summary = 'Make Mackerel match a monitors file'
  static description =
    'Validates the whole file before anything is sent, shows the plan, then creates, updates and deletes rules in that order, ' +
    'stopping at the first error with a report of what was applied. Deletes need confirmation: a prompt on a terminal, --yes otherwise. ' +
    'A plan that would delete every rule of the organization, or more than half of them, is refused unless --allow-delete-all is given. ' +
    'A key a rule of the file leaves out keeps the value Mackerel holds.'
  static examples = [
    '<%= config.bin %> monitors push --dry-run',
    '<%= config.bin %> monitors push -F prod-monitors.json',
    '<%= config.bin %> monitors push --yes          # in CI: confirm deletes',
    '<%= config.bin %> monitors push --no-delete    # keep rules that are not in the file',
  ]
  static flags = {
    'file-path': Flags.string({char: 'F', description: 'monitors file', default: DEFAULT_FILE}),
    'dry-run': Flags.boolean({char: 'd', description: 'show the plan, change nothing'}),
    yes: Flags.boolean({char: 'y', description: 'confirm deletes without asking (needed for deletes without a terminal)'}),
    delete: Flags.boolean({
      allowNo: true,
      default: true,
      description: 'delete rules that are not in the file (--no-delete keeps them)',
    }),
    'allow-delete-all': Flags.boolean({description: 'allow a plan that deletes every monitor rule of the organization, or more than half of them'}),
    verbose: Flags.boolean({char: 'v', description: 'name each API request on stderr'}),
  }

  async run(): Promise<void> {
    const f = this.flags
    await runPush(
      {
        file: f['file-path'],
        dryRun: f['dry-run'],
        yes: f.yes,
        delete: f.delete,
        allowDeleteAll: f['allow-delete-all'],
        verbose: f.verbose,
      },
      this.io,
      this.client,
      processInterruptible(this.io),
    )
  }
}
