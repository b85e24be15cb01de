import {BaseCommand} from '../../base-command.js'
import {CliError} from '../../errors.js'

export default class DashboardsGenerate extends BaseCommand<typeof DashboardsGenerate> {
  static hidden = true
  static summary = 'Obsolete (as in mkr)'
  static strict = false

  async run(): Promise<void> {
    throw new CliError('`mkr dashboards generate` command has been obsolete', {hint: 'edit dashboards as files with `mkr dashboards pull` and `mkr dashboards push`'})
  }
}
