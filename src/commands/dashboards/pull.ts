import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {runDashboardsPull} from '../../dashboards/pull.js'

export default class DashboardsPull extends BaseCommand<typeof DashboardsPull> {
  static summary = 'Save custom dashboards to files'
  static description =
    'Writes dashboard-<id>.json for the dashboard --id names, or for every dashboard, with every field the API returns (widgets included), ready for `mkr dashboards push`.'
  static examples = ['<%= config.bin %> dashboards pull', '<%= config.bin %> dashboards pull --id 2c5bLca8e']
  static flags = {
    id: Flags.string({description: 'only this dashboard (default: all)', helpValue: 'ID'}),
    dir: Flags.string({description: 'write the files into this directory (default: the current one)', helpValue: 'DIR'}),
  }

  async run(): Promise<void> {
    await runDashboardsPull(this.flags, this.io, this.client)
  }
}
