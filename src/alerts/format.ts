// One human line per alert, exactly as mkr's `alerts list` prints it (reference/mkr-compat.md §5.3):
//   <alertId> <openedAt YYYY-MM-DD HH:MM:SS> <STATUS> <monitor part><host part>
// Pure: the caller joins hosts, monitors and check monitor names and decides about color.
import type {Alert} from '../api/alerts.js'
import {paintHostStatus, paintStatus, type Palette} from '../output/color.js'
import {escapeControl} from '../output/sanitize.js'
import {localDateTime} from '../output/time.js'

const ALERT_STATUSES = new Set(['CRITICAL', 'WARNING', 'OK', 'UNKNOWN'])

/** The host fields the line uses (a raw host object from GET /api/v0/hosts). */
export interface HostLike {
  id: string
  name: string
  status: string
  isRetired?: boolean
  roles?: Record<string, string[]>
}

/** The monitor fields the line uses (a raw monitor object from GET /api/v0/monitors). */
export interface MonitorLike {
  id: string
  type: string
  name?: string
  metric?: string
  operator?: string
  warning?: number | null
  critical?: number | null
  service?: string
  url?: string
  responseTimeWarning?: number | null
  responseTimeCritical?: number | null
  expression?: string
  [key: string]: unknown
}

export interface LineOptions {
  host?: HostLike
  monitor?: MonitorLike
  /** name of the check monitor of a `check` alert, when it could be looked up */
  checkName?: string
  /**
   * mkr's `--color` flag (default true). It puts a space after the status inside the colored text, so
   * lines have two spaces after the status even when piped; `--no-color` gives one.
   */
  colorize: boolean
  /** the actual colors: plain unless stdout is a terminal (and NO_COLOR is unset) */
  palette: Palette
  /** epoch seconds -> local time text (injectable for tests) */
  formatTime?: (epochSeconds: number) => string
}

/** Go's `%.2f`: like toFixed(2), but exact binary ties (x.xx5 = k/8) round half to even. */
export function goFixed2(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN'
  const eighths = x * 8
  if (Number.isInteger(eighths) && eighths % 2 !== 0 && Math.abs(x) < 2 ** 49) {
    const hundredths = x * 100 // exact: x is a multiple of 1/8
    const lower = Math.floor(hundredths)
    const fraction = hundredths - lower
    if (fraction === 0.5) {
      const even = lower % 2 === 0 ? lower : lower + 1
      return (even / 100).toFixed(2)
    }
  }
  return x.toFixed(2)
}

const STATUS_CODE = /^[2-5][0-9][0-9]$/

/** mkr's one-line form of a monitor expression. */
export function expressionOneLine(expr: string): string {
  return expr
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim()
    .replaceAll('( ', '(')
    .replaceAll(' )', ')')
}

/** First line of a check message, at most 100 code points, `...` when anything was cut. */
export function checkMessageLine(message: string, checkMonitorName?: string): string {
  let msg = message
  let truncated = false
  const nl = msg.search(/[\r\n]/)
  if (nl !== -1) {
    msg = msg.slice(0, nl)
    truncated = true
  }
  const chars = Array.from(msg)
  if (chars.length > 100) {
    msg = chars.slice(0, 100).join('')
    truncated = true
  }
  if (truncated) msg += '...'
  return checkMonitorName ? `${checkMonitorName} ${msg}` : msg
}

function thresholdPart(prefix: string, alert: Alert, m: MonitorLike): string {
  const v = goFixed2(alert.value ?? 0)
  if (alert.status === 'CRITICAL' && typeof m.critical === 'number')
    return `${prefix} ${v} ${m.operator ?? ''} ${goFixed2(m.critical)}`
  if (alert.status === 'WARNING' && typeof m.warning === 'number')
    return `${prefix} ${v} ${m.operator ?? ''} ${goFixed2(m.warning)}`
  return `${prefix} ${v}`
}

/** The part that describes the monitor (mkr's per-type rules). */
export function monitorPart(alert: Alert, m: MonitorLike): string {
  let msg: string
  const value = goFixed2(alert.value ?? 0)
  const message = alert.message ?? ''
  switch (m.type) {
    case 'connectivity':
    case 'anomalyDetection':
      msg = ''
      break
    case 'host':
      msg = thresholdPart(m.metric ?? '', alert, m)
      break
    case 'service':
      msg = thresholdPart(`${m.service ?? ''} ${m.metric ?? ''}`, alert, m)
      break
    case 'external':
      if (alert.status === 'CRITICAL') {
        msg =
          STATUS_CODE.test(message) && typeof m.responseTimeCritical === 'number'
            ? `${m.url ?? ''} ${value} > ${goFixed2(m.responseTimeCritical)} msec, status:${message}`
            : `${m.url ?? ''} ${value} msec, ${message}`
      } else if (alert.status === 'WARNING') {
        msg =
          STATUS_CODE.test(message) && typeof m.responseTimeWarning === 'number'
            ? `${value} > ${goFixed2(m.responseTimeWarning)} msec, status:${message}`
            : `${value} msec, ${message}`
      } else {
        msg = `${value} msec, status:${message}`
      }
      break
    case 'expression': {
      const expr = expressionOneLine(m.expression ?? '')
      msg = alert.status === 'UNKNOWN' ? expr : thresholdPart(expr, alert, m)
      break
    }
    default:
      msg = m.type
  }
  const name = m.name ?? ''
  return msg === '' ? name : `${name} ${msg}`
}

/** ` <hostName> <status|retired> [<svc>:<r1>,<r2>, …]` */
export function hostPart(host: HostLike, colorize: boolean, p: Palette): string {
  // server-provided strings are escaped one by one: the line's own color codes must stay intact
  let status = escapeControl(host.isRetired ? 'retired' : String(host.status))
  if (colorize) status = paintHostStatus(p, status)
  const roles = Object.entries(host.roles ?? {}).map(([svc, rs]) => escapeControl(`${svc}:${(rs ?? []).join(',')}`))
  return ` ${escapeControl(String(host.name))} ${status} [${roles.join(', ')}]`
}

function statusPart(status: string, colorize: boolean, p: Palette): string {
  if (!ALERT_STATUSES.has(status)) return escapeControl(String(status))
  return colorize ? paintStatus(p, status, `${status} `) : status
}

/**
 * The whole line, without a newline. Every string from the server (ids, names, messages, URLs,
 * expressions) has its control characters escaped, so an alert cannot forge lines or drive the
 * terminal.
 */
export function formatAlertLine(alert: Alert, o: LineOptions): string {
  const when = (o.formatTime ?? localDateTime)(alert.openedAt)
  let monitorMsg = o.monitor ? monitorPart(alert, o.monitor) : ''
  if (alert.type === 'check') monitorMsg = checkMessageLine(alert.message ?? '', o.checkName)
  const hostMsg = o.host ? hostPart(o.host, o.colorize, o.palette) : ''
  return `${escapeControl(String(alert.id))} ${when} ${statusPart(alert.status, o.colorize, o.palette)} ${escapeControl(monitorMsg)}${hostMsg}`
}
