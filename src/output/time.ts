// Time formatting: mkr prints local ISO-8601 with a numeric offset (never `Z`); tables show relative times.

const pad = (n: number, w = 2) => String(Math.trunc(Math.abs(n))).padStart(w, '0')

/** epoch seconds -> `2006-01-02T15:04:05-07:00` in the local zone (Go layout mkr uses). */
export function isoLocal(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000)
  const off = -d.getTimezoneOffset()
  const sign = off >= 0 ? '+' : '-'
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}` +
    `${sign}${pad(off / 60)}:${pad(off % 60)}`
  )
}

/** epoch seconds -> `2006-01-02 15:04:05` local (mkr `alerts list`). */
export function localDateTime(epochSeconds: number): string {
  return isoLocal(epochSeconds).slice(0, 19).replace('T', ' ')
}

/** epoch seconds -> `3 minutes ago`, `in 2 hours`, `just now`. */
export function relativeTime(epochSeconds: number, nowMs: number = Date.now()): string {
  const diff = Math.round(nowMs / 1000 - epochSeconds)
  const abs = Math.abs(diff)
  if (abs < 45) return 'just now'
  const units: [number, string][] = [
    [60, 'minute'],
    [3600, 'hour'],
    [86400, 'day'],
    [86400 * 30, 'month'],
    [86400 * 365, 'year'],
  ]
  let unit = units[0]
  for (const u of units) if (abs >= u[0] * 0.9) unit = u
  const n = Math.max(1, Math.round(abs / unit[0]))
  const text = `${n} ${unit[1]}${n === 1 ? '' : 's'}`
  return diff >= 0 ? `${text} ago` : `in ${text}`
}
