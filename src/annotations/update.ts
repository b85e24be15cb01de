// `mkr annotations update`: the API's PUT replaces the whole annotation, so what is not given is kept
// from the current one (looked up in the service's list); prints the updated annotation as JSON.
import {annotationJson, normalizeRoles, updateAnnotation, validateAnnotation} from '../api/annotations.js'
import type {ApiClient} from '../api/client.js'
import {checkIds, CliError} from '../errors.js'
import {exportData} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {
  annotationService,
  annotationTimes,
  checkAnnotation,
  findAnnotation,
  mergeAnnotationUpdate,
  missing,
  readDescription,
  type AnnotationFlags,
} from './input.js'

export async function runUpdate(opts: AnnotationFlags & {id?: string; json?: boolean}, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  const action = 'update a graph annotation'
  if (opts.id === undefined) throw missing('id', action, 'ID')
  const [id] = checkIds('annotation id', [opts.id])
  const service = annotationService(opts, action)
  const {from, to} = annotationTimes(opts, action)
  const rolesGiven = opts.role !== undefined
  const roles = normalizeRoles(opts.role, service) ?? []
  const description = await readDescription(opts, io)
  // what was typed is checked before anything is sent (a title may come from the current annotation)
  checkAnnotation({title: opts.title || 'x', description, from, to, service})

  const api = await client()
  const needLookup = !opts.title || description === undefined || !rolesGiven
  const current = needLookup ? await withProgress(io, 'fetching the annotation', () => findAnnotation(api, service, id)) : undefined
  if (needLookup && !current) {
    if (!opts.title)
      throw new CliError(`graph annotation ${id} is not in the annotations of service "${service}": cannot keep its title`, {
        hint: 'pass --title TEXT (and the description and roles to keep), or check --id and --service',
      })
    io.warn(`graph annotation ${id} is not in the annotations of service "${service}": a description or roles not given are not kept`)
  }
  const input = mergeAnnotationUpdate({title: opts.title, description, roles, rolesGiven, from, to, service}, current)
  checkAnnotation(input)
  validateAnnotation(input)
  const updated = await withProgress(io, 'updating the annotation', () => updateAnnotation(api, id, input))
  await exportData(annotationJson(updated), {json: true}, undefined, io)
}
