import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {DEFAULT_CHANNELS_FILE, runChannelsPull} from '../../org/channels.js'

export default class ChannelsPull extends BaseCommand<typeof ChannelsPull> {
  static summary = 'Save the notification channels to a file'
  static description = 'Writes {"channels": [...]} in mkr\'s shape; the file is replaced atomically.'
  static examples = ['<%= config.bin %> channels pull', '<%= config.bin %> channels pull -F backup/channels.json']
  static flags = {
    'file-path': Flags.string({char: 'F', description: `file to write [default: ${DEFAULT_CHANNELS_FILE}]`, helpValue: 'FILE'}),
    verbose: Flags.boolean({char: 'v', description: 'also print the channels as JSON on stdout'}),
  }

  async run(): Promise<void> {
    await runChannelsPull({file: this.flags['file-path'], verbose: this.flags.verbose}, this.io, this.client)
  }
}
