// A tiny method + path router: patterns like `/api/v0/hosts/:id/status`, literal segments win over
// parameters, parameters are URL-decoded after splitting (so `%2F` stays inside one parameter).
import type {Handler} from './http.js'

interface Route {
  method: string
  parts: string[]
  handler: Handler
}

export type Match = {handler: Handler; params: Record<string, string>} | {allowed: string[]} | undefined

export class Router {
  private readonly routes: Route[] = []

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({method, parts: pattern.split('/').slice(1), handler})
    return this
  }

  get(pattern: string, h: Handler): this {
    return this.add('GET', pattern, h)
  }

  post(pattern: string, h: Handler): this {
    return this.add('POST', pattern, h)
  }

  put(pattern: string, h: Handler): this {
    return this.add('PUT', pattern, h)
  }

  delete(pattern: string, h: Handler): this {
    return this.add('DELETE', pattern, h)
  }

  /** The handler for method + path; `{allowed}` when only the method is wrong; undefined when no path matches. */
  match(method: string, path: string): Match {
    const segs = path.split('/').slice(1)
    let best: {route: Route; params: Record<string, string>; score: number} | undefined
    const allowed = new Set<string>()
    for (const route of this.routes) {
      const params = matchParts(route.parts, segs)
      if (!params) continue
      const score = route.parts.filter((p) => !p.startsWith(':')).length
      if (route.method !== method) {
        allowed.add(route.method)
        continue
      }
      if (!best || score > best.score) best = {route, params, score}
    }
    if (best) return {handler: best.route.handler, params: best.params}
    return allowed.size > 0 ? {allowed: [...allowed]} : undefined
  }
}

function matchParts(parts: string[], segs: string[]): Record<string, string> | undefined {
  if (parts.length !== segs.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]
    if (p.startsWith(':')) {
      if (segs[i] === '') return undefined
      try {
        params[p.slice(1)] = decodeURIComponent(segs[i])
      } catch {
        return undefined
      }
    } else if (p !== segs[i]) return undefined
  }
  return params
}
