// A monitor rule is kept as the plain JSON object the API or the file gave us, never decoded into a
// fixed shape: fields this CLI does not know (and types it does not know) survive pull -> push.

export type Json = null | boolean | number | string | Json[] | {[key: string]: Json}

export interface Monitor {
  [key: string]: Json | undefined
  id?: string
  name?: string
  type?: string
}

/** The seven types the API documents (reference/mackerel-api.md §3). */
export const KNOWN_TYPES = ['host', 'connectivity', 'service', 'external', 'expression', 'anomalyDetection', 'query'] as const

export function isKnownType(t: unknown): boolean {
  return typeof t === 'string' && (KNOWN_TYPES as readonly string[]).includes(t)
}

export function isPlainObject(v: unknown): v is {[key: string]: Json} {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** `"cpu high"` or, without a usable name, the type: for messages. */
export function monitorLabel(m: Monitor): string {
  if (typeof m.name === 'string' && m.name !== '') return JSON.stringify(m.name)
  return typeof m.type === 'string' ? `(unnamed ${m.type})` : '(unnamed)'
}

/** `"cpu high" (host, id 2cSZzK3XfmG)` */
export function describeMonitor(m: Monitor): string {
  const parts: string[] = []
  if (typeof m.type === 'string') parts.push(m.type)
  if (typeof m.id === 'string' && m.id) parts.push(`id ${m.id}`)
  const name = typeof m.name === 'string' && m.name !== '' ? JSON.stringify(m.name) : '(unnamed)'
  return parts.length ? `${name} (${parts.join(', ')})` : name
}
