// Flags and input checks shared by the annotations commands (create, update, list, delete).
import * as Flags from '@oclif/core/flags'
import {
  ANNOTATION_DESCRIPTION_MAX,
  ANNOTATION_TITLE_MAX,
  codePoints,
  listAnnotations,
  type Annotation,
  type AnnotationInput,
} from '../api/annotations.js'
import type {ApiClient} from '../api/client.js'
import {UsageError} from '../errors.js'
import type {IOStreams} from '../output/iostreams.js'
import {readInput} from '../input.js'
import {parseTimeFlag} from '../timespec.js'

export const TIME_HELP = 'epoch seconds, ISO-8601, `now` or relative (-15m, -2h)'

/**
 * Flags shared by create and update. -s first: oclif trims the leading spaces of a flag list, so a
 * list that starts with a flag without a short form prints its first line out of line.
 */
export const annotationFlags = {
  service: Flags.string({char: 's', description: 'service the annotation belongs to'}),
  title: Flags.string({description: 'title (up to 250 characters)'}),
  description: Flags.string({description: 'description (up to 1024 characters)'}),
  'description-file': Flags.string({description: 'read the description from this file (`-` = stdin)', helpValue: 'FILE'}),
  from: Flags.string({description: `start time: ${TIME_HELP}`, helpValue: 'TIME'}),
  to: Flags.string({description: `end time: ${TIME_HELP}`, helpValue: 'TIME'}),
  role: Flags.string({
    char: 'r',
    description: 'limit it to these roles of the service (repeatable, comma-separated); default: the whole service',
    multiple: true,
    multipleNonGreedy: true,
  }),
}

/** What annotationFlags parse into. */
export interface AnnotationFlags {
  service?: string
  title?: string
  description?: string
  'description-file'?: string
  from?: string
  to?: string
  role?: string[]
}

/** A usage error for a missing flag, in mkr's words plus what to pass. */
export function missing(field: string, action: string, example: string): UsageError {
  return new UsageError(`\`${field}\` is a required field to ${action}`, {hint: `pass --${field} ${example}`})
}

/** --description, --description-file (`-` = the IO's stdin) or undefined; the two flags exclude each other. */
export async function readDescription(f: {description?: string; 'description-file'?: string}, io: IOStreams): Promise<string | undefined> {
  const file = f['description-file']
  if (f.description !== undefined && file !== undefined)
    throw new UsageError('--description and --description-file cannot be used together', {hint: 'give the description one way'})
  if (file === undefined) return f.description
  return readInput(io, 'description-file', file)
}

/** Checks the times of an annotation (both required) and returns them as epoch seconds. */
export function annotationTimes(f: {from?: string; to?: string}, action: string, nowMs = Date.now()): {from: number; to: number} {
  if (f.from === undefined || f.from === '') throw missing('from', action, 'TIME')
  if (f.to === undefined || f.to === '') throw missing('to', action, 'TIME')
  return {from: parseTimeFlag('from', f.from, nowMs), to: parseTimeFlag('to', f.to, nowMs)}
}

/** --service, required; with --role but no --service the message says that roles need it. */
export function annotationService(f: {service?: string; role?: string[]}, action: string): string {
  if (f.service) return f.service
  if (f.role?.length)
    throw new UsageError(`--role needs --service: roles belong to a service (\`service\` is a required field to ${action})`, {
      hint: 'pass --service NAME, e.g. -s demo -r web',
    })
  throw missing('service', action, 'NAME')
}

/**
 * The API's documented limits, checked before anything is sent: title 1..250 and description up to
 * 1024 code points, --from not after --to. They are usage errors (exit 2): what was typed is wrong.
 */
export function checkAnnotation(a: AnnotationInput): void {
  if (!a.title) throw new UsageError('the annotation needs a title', {hint: 'pass --title TEXT'})
  const t = codePoints(a.title)
  if (t > ANNOTATION_TITLE_MAX) throw new UsageError(`the title is ${t} characters long; the limit is ${ANNOTATION_TITLE_MAX}`, {hint: 'shorten --title'})
  if (a.description !== undefined) {
    const n = codePoints(a.description)
    if (n > ANNOTATION_DESCRIPTION_MAX)
      throw new UsageError(`the description is ${n} characters long; the limit is ${ANNOTATION_DESCRIPTION_MAX}`, {
        hint: 'shorten --description / --description-file',
      })
  }
  checkRange(a.from, a.to)
}

/** --from must not be after --to (a usage error). */
export function checkRange(from: number, to: number): void {
  if (from > to) throw new UsageError(`--from (${from}) is after --to (${to})`, {hint: 'swap them: an annotation runs from --from to --to'})
}

/** Far enough in the future to cover any annotation when looking one up by id. */
const LOOKUP_END = 2 ** 32

/**
 * The annotation `id` as Mackerel holds it now, looked up in `service`'s list (the API has no GET by
 * id); undefined when it is not in that service.
 */
export async function findAnnotation(client: ApiClient, service: string, id: string): Promise<Annotation | undefined> {
  const list = await listAnnotations(client, {service, from: 0, to: LOOKUP_END})
  return list.find((a) => a.id === id)
}

/**
 * What `annotations update` sends: the API's PUT replaces the whole annotation, so fields the user did
 * not give are taken from the current annotation (title, description, roles). An explicitly empty
 * --description '' or --role '' clears that field. Pure.
 */
export function mergeAnnotationUpdate(
  given: {title?: string; description?: string; roles?: string[]; rolesGiven: boolean; from: number; to: number; service: string},
  current: Annotation | undefined,
): AnnotationInput {
  const title = given.title || current?.title || ''
  const out: AnnotationInput = {title, from: given.from, to: given.to, service: given.service}
  const description = given.description !== undefined ? given.description : current?.description
  if (description) out.description = description
  const roles = given.rolesGiven ? given.roles : current?.roles
  if (roles && roles.length > 0) out.roles = [...roles]
  return out
}
