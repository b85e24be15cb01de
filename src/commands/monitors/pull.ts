import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {DEFAULT_FILE} from '../../monitors/file.js'
import {runPull} from '../../monitors/run.js'

export default class MonitorsPull extends BaseCommand<typeof MonitorsPull> {
  static summary = 'Save all monitor rules to a file'
  static description =
    'Writes {"monitors": [...]} with every field the API returns, including ones this CLI does not know, so they survive a later push.'
  static examples = ['<%= config.bin %> monitors pull', '<%= config.bin %> monitors pull -F prod-monitors.json']
  static flags = {
    'file-path': Flags.string({char: 'F', description: 'file to write', default: DEFAULT_FILE}),
    verbose: Flags.boolean({char: 'v', description: 'also print the monitors as JSON on stdout'}),
  }

  async run(): Promise<void> {
    const f = this.flags
    await runPull({file: f['file-path'], verbose: f.verbose}, this.io, this.client)
  }
}
