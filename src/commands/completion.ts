import * as Args from '@oclif/core/args'
import {BaseCommand} from '../base-command.js'
import {completionScript, SHELLS, type Shell} from '../cli/completion.js'
import {manifestOf} from '../cli/config-manifest.js'

export default class Completion extends BaseCommand<typeof Completion> {
  static summary = 'Print a shell completion script (bash, zsh or fish)'
  static description = `Completes commands, subcommands, flags and the values of flags that take one of a fixed list (hosts --status, wrap --on-locked, ...).

  bash:  add to ~/.bashrc:   source <(mkr completion bash)
  zsh:   add to ~/.zshrc after compinit:   source <(mkr completion zsh)
         or write it to a directory in $fpath:   mkr completion zsh > "\${fpath[1]}/_mkr"
  fish:  mkr completion fish > ~/.config/fish/completions/mkr.fish`

  static examples = ['<%= config.bin %> completion bash >> ~/.bashrc', '<%= config.bin %> completion fish > ~/.config/fish/completions/mkr.fish']

  static args = {
    shell: Args.string({description: 'the shell to complete for', options: [...SHELLS], required: true}),
  }

  async run(): Promise<void> {
    this.io.out(completionScript(this.args.shell as Shell, manifestOf(this.config)))
  }
}
