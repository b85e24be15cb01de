import * as Flags from '@oclif/core/flags'
import {annotationJson, normalizeRoles, updateAnnotation, validateAnnotation, type AnnotationInput} from '../../api/annotations.js'
import {BaseCommand} from '../../base-command.js'
import {printJson} from '../../output/json.js'
import {annotationFlags, annotationTimes, missing, readDescription} from '../../annotations/input.js'

export default class AnnotationsUpdate extends BaseCommand<typeof AnnotationsUpdate> {
  static summary = 'Update a graph annotation'
  static description = `Replaces the annotation with what is given: a field that is not given is not sent, and the API then clears it (description and roles included). --title is required (mkr lets it out, but the API then rejects the request).
Prints the updated annotation as JSON.`
  static examples = [
    '<%= config.bin %> annotations update --id 3b2xWzDkP1 -s web --title "deploy v1.2 (rolled back)" --from 1714500000 --to now',
  ]

  static flags = {
    id: Flags.string({description: 'annotation id'}),
    ...annotationFlags,
  }

  async run(): Promise<void> {
    const f = this.flags
    const action = 'update a graph annotation'
    if (!f.id) throw missing('id', action, 'ID')
    if (!f.service) throw missing('service', action, 'NAME')
    // mkr lets --title out, but the API replaces the whole annotation and requires a title (400)
    if (!f.title) throw missing('title', action, 'TEXT')
    const {from, to} = annotationTimes(f, action)
    const roles = normalizeRoles(f.role, f.service)
    const description = await readDescription(f)
    const input: AnnotationInput = {title: f.title, from, to, service: f.service}
    if (description) input.description = description
    if (roles) input.roles = roles
    validateAnnotation(input)
    const updated = await updateAnnotation(await this.api(), f.id, input)
    printJson(annotationJson(updated))
  }
}
