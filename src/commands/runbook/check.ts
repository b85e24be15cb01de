import * as Args from '@oclif/core/args'
import {BaseCommand} from '../../base-command.js'
import {loadRunbook} from '../../runbook/config.js'

export default class RunbookCheck extends BaseCommand<typeof RunbookCheck> {
  static summary = 'Check a runbook file: every problem as FILE:LINE, nothing is run'
  static description = 'Not in mkr. Exit 0 when the file is valid, 1 with one line per problem otherwise.'
  static examples = ['<%= config.bin %> runbook check runbook.toml']
  static args = {file: Args.string({description: 'the runbook file (TOML)', required: true})}

  async run(): Promise<void> {
    const rb = loadRunbook(this.args.file)
    const steps = rb.rules.reduce((n, r) => n + r.collect.length + r.remedy.length, 0)
    this.io.info(`${this.args.file}: ${rb.rules.length} rule${rb.rules.length === 1 ? '' : 's'}, ${steps} command${steps === 1 ? '' : 's'}: ok`)
  }
}
