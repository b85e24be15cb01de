import {BaseCommand} from '../../base-command.js'
import {runDashboards} from '../../dashboards/list.js'
import {outputFlags} from '../../output/export.js'

export default class Dashboards extends BaseCommand<typeof Dashboards> {
  static summary = 'List custom dashboards'
  static description =
    "A table on a terminal; JSON (mkr's shape; the list has no widgets) when piped or with --json; --jq filters that JSON. Edit them as files with `mkr dashboards pull` and `push`."
  static examples = ['<%= config.bin %> dashboards', "<%= config.bin %> dashboards --jq '.[] | .id + \" \" + .title'"]
  static flags = {...outputFlags}

  async run(): Promise<void> {
    await runDashboards(this.flags, this.io, this.client)
  }
}
