// Injected faults: per-request rules applied before normal handling (delay, then an error status or a
// dropped connection). Also the `--fault` flag syntax of `mkr sandbox`. Kept free of heavy imports:
// the command parses flags with it before the server module loads.

export interface FaultSpec {
  method?: string
  /** exact path, or a prefix ending in '*'; '*' alone = all /api routes */
  path: string
  status?: number
  body?: string
  delayMs?: number
  /** destroy the socket without answering */
  drop?: boolean
  /** how many requests it applies to; default unlimited */
  times?: number
}

export const FAULT_SYNTAX = '[METHOD ]PATH=ACTION, ACTION one of 503, 503x3, drop, dropx2, delay:2000, delay:2000x1'

/** Checks a fault from JS or JSON (POST /_sandbox/faults); throws an Error naming the problem. */
export function checkFault(f: unknown): FaultSpec {
  if (typeof f !== 'object' || f === null || Array.isArray(f)) throw new Error('a fault must be a JSON object')
  const o = f as Record<string, unknown>
  if (typeof o.path !== 'string' || !(o.path.startsWith('/') || o.path === '*')) throw new Error('fault path must start with / or be *')
  if (o.method !== undefined && (typeof o.method !== 'string' || !/^[A-Za-z]+$/.test(o.method))) throw new Error('fault method must be an HTTP method')
  if (o.status !== undefined && !(Number.isInteger(o.status) && (o.status as number) >= 100 && (o.status as number) <= 599))
    throw new Error('fault status must be an HTTP status (100-599)')
  if (o.body !== undefined && typeof o.body !== 'string') throw new Error('fault body must be a string')
  if (o.delayMs !== undefined && !(Number.isInteger(o.delayMs) && (o.delayMs as number) >= 0)) throw new Error('fault delayMs must be a non-negative integer')
  if (o.drop !== undefined && typeof o.drop !== 'boolean') throw new Error('fault drop must be a boolean')
  if (o.times !== undefined && !(Number.isInteger(o.times) && (o.times as number) >= 1)) throw new Error('fault times must be a positive integer')
  if (o.status === undefined && !o.drop && o.delayMs === undefined) throw new Error('a fault needs status, drop or delayMs')
  const out: FaultSpec = {path: o.path}
  if (o.method !== undefined) out.method = (o.method as string).toUpperCase()
  for (const k of ['status', 'body', 'delayMs', 'drop', 'times'] as const) if (o[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = o[k]
  return out
}

/**
 * Parses the `--fault` flag: `[METHOD ]PATH=ACTION` where ACTION is `503`, `503x3` (3 times), `drop`,
 * `dropx2`, `delay:2000` or `delay:2000x1`. Throws an Error naming the syntax.
 */
export function parseFaultFlag(spec: string): FaultSpec {
  const bad = (why: string) => new Error(`invalid --fault ${JSON.stringify(spec)}: ${why} (syntax: ${FAULT_SYNTAX})`)
  const eq = spec.lastIndexOf('=')
  if (eq < 0) throw bad('missing =ACTION')
  const target = spec.slice(0, eq).trim()
  const action = spec.slice(eq + 1).trim()
  const m = /^(?:([A-Za-z]+)\s+)?(\S+)$/.exec(target)
  if (!m) throw bad('expected [METHOD ]PATH before =')
  const f: Record<string, unknown> = {path: m[2]}
  if (m[1]) f.method = m[1].toUpperCase()
  const a = /^(?:(\d{3})|(drop)|delay:(\d+))(?:x(\d+))?$/.exec(action)
  if (!a) throw bad(`unknown action ${JSON.stringify(action)}`)
  if (a[1]) f.status = Number(a[1])
  if (a[2]) f.drop = true
  if (a[3]) f.delayMs = Number(a[3])
  if (a[4]) f.times = Number(a[4])
  try {
    return checkFault(f)
  } catch (error) {
    throw bad((error as Error).message)
  }
}

/** The active faults of one sandbox. */
export class Faults {
  private list: FaultSpec[] = []

  add(f: FaultSpec): void {
    this.list.push({...checkFault(f)})
  }

  clear(): void {
    this.list = []
  }

  active(): FaultSpec[] {
    return this.list.map((f) => ({...f}))
  }

  /** The first fault matching this request (using up one of its `times`), or undefined. */
  take(method: string, path: string): FaultSpec | undefined {
    const i = this.list.findIndex((f) => (!f.method || f.method === method) && pathMatches(f.path, path))
    if (i < 0) return undefined
    const f = this.list[i]
    if (f.times !== undefined) {
      f.times--
      if (f.times <= 0) this.list.splice(i, 1)
    }
    return f
  }
}

export function pathMatches(pattern: string, path: string): boolean {
  if (pattern === '*') return path.startsWith('/api/')
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1))
  return pattern === path
}
