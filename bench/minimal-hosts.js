// The floor for `mkr hosts --json`: the least a Node script can do to fetch the same hosts and print
// the same JSON (no CLI framework, no retries, no validation).
const base = process.env.MACKEREL_APIBASE
const res = await fetch(`${base}/api/v0/hosts`, {headers: {'X-Api-Key': process.env.MACKEREL_APIKEY}})
const {hosts} = await res.json()
const pad = (n) => String(Math.abs(Math.trunc(n))).padStart(2, '0')
const iso = (s) => {
  const d = new Date(s * 1000)
  const off = -d.getTimezoneOffset()
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${off >= 0 ? '+' : '-'}${pad(off / 60)}:${pad(off % 60)}`
}
const out = hosts.map((h) => {
  const roles = Object.entries(h.roles ?? {}).flatMap(([s, rs]) => rs.map((r) => `${s}:${r}`))
  const ips = {}
  for (const i of h.interfaces ?? []) if (i.ipv4Addresses?.[0] ?? i.ipAddress) ips[i.name] = i.ipv4Addresses?.[0] ?? i.ipAddress
  return {
    id: h.id, name: h.name, ...(h.displayName ? {displayName: h.displayName} : {}), status: h.status,
    ...(roles.length ? {roleFullnames: roles} : {}), isRetired: h.isRetired, createdAt: iso(h.createdAt),
    ...(h.interfaces?.length ? {ipAddresses: ips} : {}),
  }
})
process.stdout.write(JSON.stringify(out, null, 4) + '\n')
