import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {defaultPrefix, runPluginInstall} from '../../plugin/install.js'

export default class PluginInstall extends BaseCommand<typeof PluginInstall> {
  static summary = 'Install a check or metric plugin from a GitHub release, the plugin registry or a URL'
  static description =
    'TARGET is owner/repo[@tag], a plugin-registry name[@tag] (github.com/mackerelio/plugin-registry), or the https:// or file:// URL ' +
    'of a .zip or .tar.gz. Without a tag, the latest release is used. The executables named check-* or mackerel-plugin-* in the ' +
    'release archive <repo>_<os>_<arch>.zip (or .tar.gz) are installed into <prefix>/bin, each replaced atomically; the tag is ' +
    'recorded in <prefix>/meta/<owner>/<repo>/release_tag. The archive is checked entry by entry (size limits, no path outside ' +
    'the archive, regular files only) and nothing from it is run. GITHUB_TOKEN (or github.token in ~/.gitconfig) is used when the ' +
    'GitHub API is asked for the latest release. MKR_PLUGIN_GITHUB_BASE, MKR_PLUGIN_GITHUB_API_BASE and MKR_PLUGIN_REGISTRY_BASE ' +
    'point at a mirror instead of github.com, api.github.com and the registry.'
  static examples = [
    '<%= config.bin %> plugin install mackerelio/mackerel-plugin-sample',
    '<%= config.bin %> plugin install mackerelio/mackerel-plugin-sample@v0.0.4 --upgrade',
    '<%= config.bin %> plugin install check-mackerel-metric',
    '<%= config.bin %> plugin install --prefix ./plugins file:///tmp/mackerel-plugin-sample_linux_amd64.zip',
  ]

  static args = {target: Args.string({description: 'owner/repo[@tag], name[@tag], or the URL of an archive', required: true})}
  static flags = {
    prefix: Flags.string({description: `plugin install location [default: ${defaultPrefix()}]`, helpValue: 'DIR'}),
    overwrite: Flags.boolean({description: 'replace plugins of the same name that are already installed'}),
    upgrade: Flags.boolean({description: 'install only when the release tag differs from the one recorded (then replace)'}),
  }

  async run(): Promise<void> {
    await runPluginInstall({target: this.args.target, prefix: this.flags.prefix, overwrite: this.flags.overwrite, upgrade: this.flags.upgrade}, this.io)
  }
}
