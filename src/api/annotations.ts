// Graph annotations (/api/v0/graph-annotations).
import type {ApiClient} from './client.js'

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

/** Creating is not idempotent: it is retried only when the request provably never left. */
export function createAnnotation(client: ApiClient, a: AnnotationInput, opts: {budgetMs?: number} = {}): Promise<Annotation> {
  return client.post<Annotation>('/api/v0/graph-annotations', a, {budgetMs: opts.budgetMs})
}

export async function listAnnotations(client: ApiClient, q: {service: string; from: number; to: number}): Promise<Annotation[]> {
  const body = await client.get<{graphAnnotations: Annotation[]}>('/api/v0/graph-annotations', q)
  return body.graphAnnotations
}

export function updateAnnotation(client: ApiClient, id: string, a: AnnotationInput): Promise<Annotation> {
  return client.put<Annotation>(`/api/v0/graph-annotations/${encodeURIComponent(id)}`, a)
}

export function deleteAnnotation(client: ApiClient, id: string): Promise<Annotation> {
  return client.delete<Annotation>(`/api/v0/graph-annotations/${encodeURIComponent(id)}`)
}
