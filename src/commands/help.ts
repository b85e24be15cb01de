import * as Args from '@oclif/core/args'
import {loadHelpClass} from '@oclif/core/help'
import {BaseCommand} from '../base-command.js'
import {matchCommand, unknownCommand} from '../cli/dispatch.js'
import {manifestOf} from '../cli/config-manifest.js'
import {UsageError} from '../errors.js'

export default class Help extends BaseCommand<typeof Help> {
  static summary = 'Show help for mkr or one of its commands'
  static examples = ['<%= config.bin %> help', '<%= config.bin %> help monitors push']
  static strict = false
  static args = {
    command: Args.string({description: 'a command or topic, in words (monitors push)'}),
  }

  async run(): Promise<void> {
    const words = this.rest.filter((w) => w !== '--')
    const manifest = manifestOf(this.config)
    const matched = matchCommand(words, manifest)
    if (matched.length < words.length) {
      const {error, hint} = unknownCommand(matched, words[matched.length], words.slice(matched.length + 1), manifest)
      throw new UsageError(error, {hint})
    }
    const HelpClass = await loadHelpClass(this.config)
    await new HelpClass(this.config, this.config.pjson.oclif.helpOptions).showHelp(matched.length ? [matched.join(':')] : [])
  }
}
