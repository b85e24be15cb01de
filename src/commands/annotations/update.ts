import * as Flags from '@oclif/core/flags'
import {annotationJson, normalizeRoles, updateAnnotation, validateAnnotation} from '../../api/annotations.js'
import {BaseCommand, checkIds} from '../../base-command.js'
import {CliError} from '../../errors.js'
import {
  annotationFlags,
  annotationService,
  annotationTimes,
  checkAnnotation,
  findAnnotation,
  mergeAnnotationUpdate,
  missing,
  readDescription,
} from '../../annotations/input.js'
import {printJson} from '../../output/json.js'

export default class AnnotationsUpdate extends BaseCommand<typeof AnnotationsUpdate> {
  static summary = 'Update a graph annotation'
  static description = `The API replaces the whole annotation, so what is not given is kept from the current annotation (looked up in the --service's list): --title, the description and the roles. --description '' clears the description; --role '' makes the annotation service-wide. --service, --from and --to are required, as in mkr.
Prints the updated annotation as JSON.`
  static examples = [
    '<%= config.bin %> annotations update --id 3b2xWzDkP1a -s web --title "deploy v1.2 (rolled back)" --from 1714500000 --to now',
    "<%= config.bin %> annotations update --id 3b2xWzDkP1a -s web --from -1h --to now --role ''",
  ]

  static flags = {
    ...annotationFlags,
    id: Flags.string({description: 'annotation id'}),
  }

  async run(): Promise<void> {
    const f = this.flags
    const action = 'update a graph annotation'
    if (f.id === undefined) throw missing('id', action, 'ID')
    const [id] = checkIds('annotation id', [f.id])
    const service = annotationService(f, action)
    const {from, to} = annotationTimes(f, action)
    const rolesGiven = f.role !== undefined
    const roles = normalizeRoles(f.role, service) ?? []
    const description = await readDescription(f)
    // what was typed is checked before anything is sent (a title may come from the current annotation)
    checkAnnotation({title: f.title || 'x', description, from, to, service})

    const client = await this.api()
    const needLookup = !f.title || description === undefined || !rolesGiven
    const current = needLookup ? await findAnnotation(client, service, id) : undefined
    if (needLookup && !current) {
      if (!f.title)
        throw new CliError(`graph annotation ${id} is not in the annotations of service "${service}": cannot keep its title`, {
          hint: 'pass --title TEXT (and the description and roles to keep), or check --id and --service',
        })
      this.warnLine(
        `graph annotation ${id} is not in the annotations of service "${service}": a description or roles not given are not kept`,
      )
    }
    const input = mergeAnnotationUpdate({title: f.title, description, roles, rolesGiven, from, to, service}, current)
    checkAnnotation(input)
    validateAnnotation(input)
    const updated = await updateAnnotation(client, id, input)
    printJson(annotationJson(updated))
  }
}
