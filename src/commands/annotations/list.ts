import * as Flags from '@oclif/core/flags'
import {annotationJson, listAnnotations} from '../../api/annotations.js'
import {BaseCommand} from '../../base-command.js'
import {exportData, outputFlags} from '../../output/export.js'
import {renderTable} from '../../output/table.js'
import {localDateTime} from '../../output/time.js'
import {annotationTimes, checkRange, missing} from '../../annotations/input.js'

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
    const f = this.flags
    const action = 'list graph annotations'
    if (!f.service) throw missing('service', action, 'NAME')
    const {from, to} = annotationTimes(f, action)
    checkRange(from, to)
    const list = await listAnnotations(await this.api(), {service: f.service, from, to})
    const rows = () => list.map((a) => [a.id, localDateTime(a.from), localDateTime(a.to), a.title, (a.roles ?? []).join(',') || '(all)'])
    const table = {render: () => renderTable(['ID', 'FROM', 'TO', 'TITLE', 'ROLES'], rows()), empty: 'no annotations'}
    await exportData(list.map((a) => annotationJson(a)), f, table)
  }
}
