// `mkr annotations create`: checks everything typed (usage errors, exit 2) before anything is sent,
// then prints the created annotation as mkr's JSON.
import {
  annotationJson,
  createAnnotation,
  descriptionFromCheckMessage,
  normalizeRoles,
  validateAnnotation,
  type AnnotationInput,
} from '../api/annotations.js'
import type {ApiClient} from '../api/client.js'
import {exportData} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {annotationService, annotationTimes, checkAnnotation, missing, readDescription, type AnnotationFlags} from './input.js'

export async function runCreate(
  opts: AnnotationFlags & {json?: boolean},
  io: IOStreams,
  client: () => Promise<ApiClient>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const action = 'create a graph annotation'
  if (!opts.title) throw missing('title', action, 'TEXT')
  const service = annotationService(opts, action)
  const {from, to} = annotationTimes(opts, action)
  const roles = normalizeRoles(opts.role, service)
  const description = (await readDescription(opts, io)) ?? descriptionFromCheckMessage(env)
  const input: AnnotationInput = {title: opts.title, from, to, service}
  if (description) input.description = description
  if (roles) input.roles = roles
  checkAnnotation(input) // usage errors (exit 2), before anything is sent
  validateAnnotation(input)
  const api = await client()
  const created = await withProgress(io, 'creating the annotation', () => createAnnotation(api, input))
  await exportData(annotationJson(created), {json: true}, undefined, io)
}
