import {BaseCommand} from '../../base-command.js'
import {outputFlags} from '../../output/export.js'
import {runChannels} from '../../org/channels.js'

export default class Channels extends BaseCommand<typeof Channels> {
  static summary = 'List notification channels'
  static description = "A table on a terminal; JSON (mkr's shape) when piped or with --json; --jq filters that JSON. Save them to a file with `mkr channels pull`."
  static examples = ['<%= config.bin %> channels', "<%= config.bin %> channels --jq '.[] | select(.type == \"webhook\") | .url'"]
  static flags = {...outputFlags}

  async run(): Promise<void> {
    await runChannels(this.flags, this.io, this.client)
  }
}
