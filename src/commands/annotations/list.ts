import * as Flags from '@oclif/core/flags'
import {annotationJson, listAnnotations} from '../../api/annotations.js'
import {BaseCommand} from '../../base-command.js'
import {printJson} from '../../output/json.js'
import {renderTable} from '../../output/table.js'
import {localDateTime} from '../../output/time.js'
import {outputMode} from '../../output/tty.js'
import {annotationTimes, checkRange, missing} from '../../annotations/input.js'

export default class AnnotationsList extends BaseCommand<typeof AnnotationsList> {
  static summary = 'List the graph annotations of a service that overlap a time range'
  static description = `Times take epoch seconds, ISO-8601, \`now\` or relative (-15m, -2h).
A table on a terminal; JSON (mkr's shape) when piped or with --json.`
  static examples = [
    '<%= config.bin %> annotations list -s web --from -1d --to now',
    '<%= config.bin %> annotations list -s web --from 2024-05-01 --to 2024-05-02 --json',
  ]

  static flags = {
    service: Flags.string({char: 's', description: 'service name'}),
    from: Flags.string({description: 'start of the range', helpValue: 'TIME'}),
    to: Flags.string({description: 'end of the range', helpValue: 'TIME'}),
    json: Flags.boolean({description: 'JSON even on a terminal'}),
  }

  async run(): Promise<void> {
    const f = this.flags
    const action = 'list graph annotations'
    if (!f.service) throw missing('service', action, 'NAME')
    const {from, to} = annotationTimes(f, action)
    checkRange(from, to)
    const list = await listAnnotations(await this.api(), {service: f.service, from, to})
    const mode = outputMode({json: f.json, color: f.color})
    if (mode.table) {
      if (list.length === 0) return void process.stderr.write('no annotations\n')
      const rows = list.map((a) => [a.id, localDateTime(a.from), localDateTime(a.to), a.title, (a.roles ?? []).join(',') || '(all)'])
      process.stdout.write(await renderTable(['ID', 'FROM', 'TO', 'TITLE', 'ROLES'], rows))
      return
    }
    printJson(list.map((a) => annotationJson(a)))
  }
}
