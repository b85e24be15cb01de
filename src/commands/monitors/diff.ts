import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {DEFAULT_FILE} from '../../monitors/file.js'
import {runDiff} from '../../monitors/run.js'

export default class MonitorsDiff extends BaseCommand<typeof MonitorsDiff> {
  static summary = 'Show the differences between Mackerel and a monitors file'
  static description =
    'Rules are paired by id, then by name for rules without an id when names are unique on both sides. ' +
    '`-` is what Mackerel has, `+` what the file has (what push would do); --reverse swaps them. ' +
    'A key the file leaves out is no difference. Problems in the file are printed as warnings: they never stop a diff.'
  static examples = ['<%= config.bin %> monitors diff', '<%= config.bin %> monitors diff -F prod-monitors.json --exit-code']
  static flags = {
    'file-path': Flags.string({char: 'F', description: 'monitors file', default: DEFAULT_FILE}),
    'exit-code': Flags.boolean({char: 'e', description: 'exit 1 when there are differences, 0 when there are none'}),
    reverse: Flags.boolean({description: 'show the file as `-` and Mackerel as `+`'}),
  }

  async run(): Promise<void> {
    const f = this.flags
    const code = await runDiff({file: f['file-path'], reverse: f.reverse, exitCode: f['exit-code']}, this.io, this.client)
    if (code !== 0) this.exit(code)
  }
}
