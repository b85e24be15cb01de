// Flags and input checks shared by the annotations commands (create, update, list, delete).
import * as Flags from '@oclif/core/flags'
import {UsageError} from '../errors.js'
import {readTextInput} from '../input.js'
import {parseTimeFlag} from '../timespec.js'

export const TIME_HELP = 'epoch seconds, ISO-8601, `now` or relative (-15m, -2h)'

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

/** --description, --description-file (`-` = stdin) or undefined; the two flags exclude each other. */
export async function readDescription(f: {description?: string; 'description-file'?: string}): Promise<string | undefined> {
  const file = f['description-file']
  if (f.description !== undefined && file !== undefined)
    throw new UsageError('--description and --description-file cannot be used together', {hint: 'give the description one way'})
  if (file === undefined) return f.description
  return readTextInput('description-file', file)
}

/** Checks the times of an annotation (both required) and returns them as epoch seconds. */
export function annotationTimes(f: {from?: string; to?: string}, action: string, nowMs = Date.now()): {from: number; to: number} {
  if (f.from === undefined || f.from === '') throw missing('from', action, 'TIME')
  if (f.to === undefined || f.to === '') throw missing('to', action, 'TIME')
  return {from: parseTimeFlag('from', f.from, nowMs), to: parseTimeFlag('to', f.to, nowMs)}
}
