import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {runDashboardsPush} from '../../dashboards/push.js'

export default class DashboardsPush extends BaseCommand<typeof DashboardsPush> {
  static summary = 'Create or update a custom dashboard from a file'
  static description =
    'Updates the dashboard when the file has an "id", else creates one. The whole file is checked first (nothing is sent when it has a problem), then what changes is shown; --dry-run stops there.'
  static examples = ['<%= config.bin %> dashboards push -F dashboard-2c5bLca8e.json --dry-run', '<%= config.bin %> dashboards push -F dashboard-2c5bLca8e.json']
  static flags = {
    'file-path': Flags.string({char: 'F', description: 'the dashboard file (one dashboard, as `dashboards pull` writes it)', helpValue: 'FILE'}),
    'dry-run': Flags.boolean({char: 'd', description: 'show what would change, send nothing'}),
  }

  async run(): Promise<void> {
    await runDashboardsPush({file: this.flags['file-path'], dryRun: this.flags['dry-run']}, this.io, this.client)
  }
}
