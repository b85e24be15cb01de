import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {BaseCommand, checkIds} from '../base-command.js'
import {retireHostsRun} from '../hosts/retire.js'

export default class Retire extends BaseCommand<typeof Retire> {
  static summary = 'Retire hosts (irreversible)'
  static description =
    'Shows the hosts (id and name) and asks before retiring them; --force skips the question. ' +
    'Without a terminal to ask at (a termination script), it retires without asking, as mkr does, naming each host. ' +
    'Every host is read first: an unknown id retires nothing. One host goes through the single endpoint, more through the bulk one in chunks of 30.'
  static examples = ['<%= config.bin %> retire 2eQGDXqtoXs', '<%= config.bin %> retire --force 2eQGDXqtoXs 2eQGEaLxibb', '<%= config.bin %> retire --force   # this machine\'s host (agent id file)']

  static strict = false
  static args = {hostId: Args.string({description: 'host id(s) (default: the agent\'s, from <root>/id)'})}
  static flags = {
    force: Flags.boolean({description: 'retire without asking'}),
  }

  async run(): Promise<void> {
    const force = this.flags.force
    const ids = this.rest.length ? checkIds('host id', this.rest) : [this.hostId()]
    await retireHostsRun({ids, force}, this.io, () => this.api())
  }
}
