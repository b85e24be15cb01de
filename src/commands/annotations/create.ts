import {readFileSync} from 'node:fs'
import {Flags} from '@oclif/core'
import {
  annotationJson,
  createAnnotation,
  descriptionFromCheckMessage,
  normalizeRoles,
  validateAnnotation,
  type AnnotationInput,
} from '../../api/annotations.js'
import {BaseCommand} from '../../base-command.js'
import {CliError, UsageError} from '../../errors.js'
import {printJson} from '../../output/json.js'
import {parseTimeFlag} from '../../timespec.js'

const TIME_HELP = 'epoch seconds, ISO-8601, `now` or relative (-15m, -2h)'

/** Flags shared by create and update. */
export const annotationFlags = {
  title: Flags.string({description: 'title (up to 250 characters)'}),
  description: Flags.string({description: 'description (up to 1024 characters)'}),
  'description-file': Flags.string({description: 'read the description from this file (`-` = stdin)', helpValue: 'FILE'}),
  from: Flags.string({description: `start time: ${TIME_HELP}`, helpValue: 'TIME'}),
  to: Flags.string({description: `end time: ${TIME_HELP}`, helpValue: 'TIME'}),
  service: Flags.string({char: 's', description: 'service the annotation belongs to'}),
  role: Flags.string({
    char: 'r',
    description: 'limit it to these roles of the service (repeatable, comma-separated); default: the whole service',
    multiple: true,
    multipleNonGreedy: true,
  }),
}

/** A usage error for a missing flag, in mkr's words plus what to pass. */
export function missing(field: string, action: string, example: string): UsageError {
  return new UsageError(`\`${field}\` is a required field to ${action}`, {hint: `pass --${field} ${example}`})
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** --description, --description-file (`-` = stdin) or undefined; the two flags exclude each other. */
export async function readDescription(f: {description?: string; 'description-file'?: string}): Promise<string | undefined> {
  const file = f['description-file']
  if (f.description !== undefined && file !== undefined)
    throw new UsageError('--description and --description-file cannot be used together', {hint: 'give the description one way'})
  if (file === undefined) return f.description
  let text: string
  if (file === '-') text = await readStdin()
  else {
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      const e = error as NodeJS.ErrnoException
      const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'is a directory' : e.message
      throw new CliError(`cannot read --description-file ${file}: ${why}`)
    }
  }
  return text.replace(/^\uFEFF/, '')
}

/** Checks the times of an annotation (both required) and returns them as epoch seconds. */
export function annotationTimes(f: {from?: string; to?: string}, action: string, nowMs = Date.now()): {from: number; to: number} {
  if (f.from === undefined || f.from === '') throw missing('from', action, 'TIME')
  if (f.to === undefined || f.to === '') throw missing('to', action, 'TIME')
  return {from: parseTimeFlag('from', f.from, nowMs), to: parseTimeFlag('to', f.to, nowMs)}
}

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
    if (!f.service) throw missing('service', action, 'NAME')
    const {from, to} = annotationTimes(f, action)
    const roles = normalizeRoles(f.role, f.service)
    const description = (await readDescription(f)) ?? descriptionFromCheckMessage()
    const input: AnnotationInput = {title: f.title, from, to, service: f.service}
    if (description) input.description = description
    if (roles) input.roles = roles
    validateAnnotation(input)
    const created = await createAnnotation(await this.api(), input)
    printJson(annotationJson(created))
  }
}
