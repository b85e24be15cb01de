import {
  annotationJson,
  createAnnotation,
  descriptionFromCheckMessage,
  normalizeRoles,
  validateAnnotation,
  type AnnotationInput,
} from '../../api/annotations.js'
import {BaseCommand} from '../../base-command.js'
import {annotationFlags, annotationService, annotationTimes, checkAnnotation, missing, readDescription, TIME_HELP} from '../../annotations/input.js'
import {printJson} from '../../output/json.js'

export default class AnnotationsCreate extends BaseCommand<typeof AnnotationsCreate> {
  static summary = 'Create a graph annotation'
  static description = `Times take ${TIME_HELP}.
In a mackerel-agent check \`action\` hook, the check's message (MACKEREL_CHECK_MESSAGE) becomes the description when neither --description nor --description-file is given (cut to 1024 characters).
Prints the created annotation as JSON.`
  static examples = [
    '<%= config.bin %> annotations create -s web --title "deploy v1.2" --from -10m --to now',
    '<%= config.bin %> annotations create -s web -r app,db --title "maintenance" --from "2024-05-01 02:00" --to "2024-05-01 04:00"',
    'git log -1 | <%= config.bin %> annotations create -s web --title deploy --description-file - --from 1714500000 --to 1714500600',
  ]

  static flags = annotationFlags

  async run(): Promise<void> {
    const f = this.flags
    const action = 'create a graph annotation'
    if (!f.title) throw missing('title', action, 'TEXT')
    const service = annotationService(f, action)
    const {from, to} = annotationTimes(f, action)
    const roles = normalizeRoles(f.role, service)
    const description = (await readDescription(f)) ?? descriptionFromCheckMessage()
    const input: AnnotationInput = {title: f.title, from, to, service}
    if (description) input.description = description
    if (roles) input.roles = roles
    checkAnnotation(input) // usage errors (exit 2), before anything is sent
    validateAnnotation(input)
    const created = await createAnnotation(await this.api(), input)
    printJson(annotationJson(created))
  }
}
