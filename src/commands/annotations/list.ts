import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {runList} from '../../annotations/list.js'
import {outputFlags} from '../../output/export.js'

export default class AnnotationsList extends BaseCommand<typeof AnnotationsList> {
  static summary = 'List the graph annotations of a service that overlap a time range'
  static description = `Times take epoch seconds, ISO-8601, \`now\` or relative (-15m, -2h).
A table on a terminal; JSON (mkr's shape) when piped or with --json; --jq filters that JSON.`
  static examples = [
    '<%= config.bin %> annotations list -s web --from -1d --to now',
    '<%= config.bin %> annotations list -s web --from 2024-05-01 --to 2024-05-02 --json',
    '<%= config.bin %> annotations list -s web --from -1d --to now --jq \'.[].title\'',
  ]

  static flags = {
    service: Flags.string({char: 's', description: 'service name'}),
    from: Flags.string({description: 'start of the range', helpValue: 'TIME'}),
    to: Flags.string({description: 'end of the range', helpValue: 'TIME'}),
    ...outputFlags,
  }

  async run(): Promise<void> {
    await runList(this.flags, this.io, this.client)
  }
}
