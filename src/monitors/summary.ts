// One-line "target / condition" of a monitor for the `mkr monitors` table.
import {isPlainObject, type Json, type Monitor} from './types.js'

function num(v: Json | undefined): string | undefined {
  return typeof v === 'number' ? String(v) : undefined
}

function thresholds(m: Monitor): string {
  const op = typeof m.operator === 'string' ? m.operator : '?'
  const w = num(m.warning)
  const c = num(m.critical)
  const parts = [w !== undefined ? `warn ${op} ${w}` : '', c !== undefined ? `crit ${op} ${c}` : ''].filter(Boolean)
  return parts.join(', ')
}

function scopes(m: Monitor): string {
  const list = (v: Json | undefined) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [])
  const inc = list(m.scopes)
  const exc = list(m.excludeScopes)
  return [inc.length ? `on ${inc.join(', ')}` : '', exc.length ? `except ${exc.join(', ')}` : ''].filter(Boolean).join(' ')
}

const oneLine = (s: string) => s.replace(/\s*[\r\n]+\s*/g, ' ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')')

/** e.g. `cpu% (5 min avg): warn > 80, crit > 90 on web` */
export function summarize(m: Monitor): string {
  const str = (v: Json | undefined) => (typeof v === 'string' ? v : '')
  const join = (...xs: string[]) => xs.filter(Boolean).join(' ')
  switch (m.type) {
    case 'host': {
      const d = num(m.duration)
      return join(`${str(m.metric)}${d ? ` (${d} min avg)` : ''}:`, thresholds(m), scopes(m))
    }
    case 'service': {
      const d = num(m.duration)
      return join(`${str(m.service)} / ${str(m.metric)}${d ? ` (last ${d} points)` : ''}:`, thresholds(m))
    }
    case 'connectivity':
      return join('host alive', scopes(m))
    case 'external': {
      const method = str(m.method) || 'GET'
      const rt = [num(m.responseTimeWarning), num(m.responseTimeCritical)]
      const extra = rt.some((x) => x !== undefined) ? `response time warn ${rt[0] ?? '-'} / crit ${rt[1] ?? '-'} ms` : ''
      return join(method, str(m.url), extra)
    }
    case 'expression':
      return join(`${oneLine(str(m.expression))}:`, thresholds(m))
    case 'query':
      return join(`${oneLine(str(m.query))}:`, thresholds(m))
    case 'anomalyDetection': {
      const s = [str(m.warningSensitivity) && `warn ${str(m.warningSensitivity)}`, str(m.criticalSensitivity) && `crit ${str(m.criticalSensitivity)}`]
      return join(scopes(m), s.filter(Boolean).join(', '))
    }
    default:
      return ''
  }
}

/** Cuts to `max` characters with an ellipsis. */
export function cut(s: string, max: number): string {
  const chars = [...s]
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…'
}

export function isMuted(m: Monitor): boolean {
  return m.isMute === true
}

export {isPlainObject}
