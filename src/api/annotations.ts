// Graph annotations (/api/v0/graph-annotations).
import {UsageError} from '../errors.js'
import type {ApiClient} from './client.js'
import {arrayOf, checked, idString, isObject, number, object, optional, string, type Check} from './shape.js'

export interface AnnotationInput {
  title: string
  description?: string
  /** epoch seconds */
  from: number
  to: number
  service: string
  /** role names (not svc:role); omitted = whole service */
  roles?: string[]
}

export interface Annotation extends AnnotationInput {
  id: string
}

export const ANNOTATION_TITLE_MAX = 250
export const ANNOTATION_DESCRIPTION_MAX = 1024

/** The annotation fields `annotations list` shows (table and JSON); others pass as they are. */
export const annotationShape: Check = object({
  id: idString,
  title: string,
  description: optional(string),
  from: number,
  to: number,
  service: string,
  roles: optional(arrayOf(string)),
})

/**
 * What a change answered: the annotation, when the body is one. A 2xx means the change was made, so an
 * odd body (null, not an object) does not turn it into a failure (a retried create would duplicate it):
 * then what was sent stands in for it, with the id when known.
 */
function changed(body: unknown, sent: Partial<Annotation>): Annotation {
  return (isObject(body) ? body : sent) as Annotation
}

/** Creating is not idempotent: it is retried only when the request provably never left. */
export async function createAnnotation(
  client: ApiClient,
  a: AnnotationInput,
  opts: {budgetMs?: number; signal?: AbortSignal} = {},
): Promise<Annotation> {
  return changed(await client.post<unknown>('/api/v0/graph-annotations', a, opts), a)
}

export async function listAnnotations(client: ApiClient, q: {service: string; from: number; to: number}): Promise<Annotation[]> {
  const path = '/api/v0/graph-annotations'
  const body = await client.get<unknown>(path, q)
  return checked<{graphAnnotations: Annotation[]}>(client, 'GET', path, body, object({graphAnnotations: arrayOf(annotationShape)}))
    .graphAnnotations
}

/** A PUT replaces the annotation with what is sent (a field left out is cleared). */
export async function updateAnnotation(client: ApiClient, id: string, a: AnnotationInput): Promise<Annotation> {
  return changed(await client.put<unknown>(`/api/v0/graph-annotations/${encodeURIComponent(id)}`, a), {id, ...a})
}

export async function deleteAnnotation(client: ApiClient, id: string): Promise<Annotation> {
  return changed(await client.delete<unknown>(`/api/v0/graph-annotations/${encodeURIComponent(id)}`), {id})
}

/** Length in Unicode code points (what the limits count; an emoji is one, not two UTF-16 units). */
export function codePoints(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/** The first `max` code points of `s`; when cut, the last one is replaced by `…` so readers can tell. */
export function cutToCodePoints(s: string, max: number): string {
  if (codePoints(s) <= max) return s
  return Array.from(s).slice(0, max - 1).join('') + '…'
}

/**
 * Checks an annotation against the API's documented limits before anything is sent:
 * title 1..250 and description ≤ 1024 code points, from ≤ to, a service. Throws a UsageError (exit 2): these are mistakes in the command line.
 */
export function validateAnnotation(a: Partial<AnnotationInput>): void {
  if (!a.title) throw new UsageError('the annotation needs a title', {hint: 'pass --title TEXT'})
  if (a.title !== undefined) {
    const n = codePoints(a.title)
    if (n > ANNOTATION_TITLE_MAX)
      throw new UsageError(`the title is ${n} characters long; the limit is ${ANNOTATION_TITLE_MAX}`, {hint: 'shorten --title'})
  }
  if (a.description !== undefined) {
    const n = codePoints(a.description)
    if (n > ANNOTATION_DESCRIPTION_MAX)
      throw new UsageError(`the description is ${n} characters long; the limit is ${ANNOTATION_DESCRIPTION_MAX}`, {
        hint: 'shorten --description / --description-file',
      })
  }
  if (a.from !== undefined && a.to !== undefined && a.from > a.to)
    throw new UsageError(`--from (${a.from}) is after --to (${a.to})`, {hint: 'swap them: an annotation runs from --from to --to'})
}

/**
 * An annotation as mkr prints it (mackerel-client-go's GraphAnnotation: fields in this order, empty ones
 * omitted).
 */
export function annotationJson(a: Partial<Annotation>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (a.id) out.id = a.id
  if (a.title) out.title = a.title
  if (a.description) out.description = a.description
  if (a.from) out.from = a.from
  if (a.to) out.to = a.to
  if (a.service) out.service = a.service
  if (Array.isArray(a.roles) && a.roles.length > 0) out.roles = a.roles
  return out
}

/**
 * `--role` values: repeatable and comma-separated like mkr, but trimmed and without empty items.
 * The API takes role names only; `svc:role` is accepted when svc is the annotation's service.
 */
export function normalizeRoles(values: readonly string[] | undefined, service: string): string[] | undefined {
  const roles: string[] = []
  for (const v of values ?? [])
    for (const raw of v.split(',')) {
      const item = raw.trim()
      if (item === '') continue
      const colon = item.indexOf(':')
      if (colon === -1) {
        roles.push(item)
        continue
      }
      const svc = item.slice(0, colon)
      if (svc !== service)
        throw new UsageError(`--role ${JSON.stringify(item)} names service "${svc}", but the annotation is for "${service}"`, {
          hint: 'give role names of the --service (e.g. --role web), not service:role of another service',
        })
      roles.push(item.slice(colon + 1))
    }
  return roles.length > 0 ? [...new Set(roles)] : undefined
}

/**
 * The description for an agent `action` hook: MACKEREL_CHECK_MESSAGE (set by mackerel-agent) cut to
 * the API's limit, or undefined when it is unset or empty.
 */
export function descriptionFromCheckMessage(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const m = env.MACKEREL_CHECK_MESSAGE
  if (m === undefined || m === '') return undefined
  return cutToCodePoints(m, ANNOTATION_DESCRIPTION_MAX)
}
