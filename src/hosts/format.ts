// mkr's shapes for hosts (reference/mkr-compat.md §5.1) and the terminal table.
import type {Host} from '../api/hosts.js'
import {paintHostStatus, type Palette} from '../output/color.js'
import type {Column} from '../output/table.js'
import {isoLocal, relativeTime} from '../output/time.js'

export interface ReducedHost {
  id: string
  name: string
  displayName?: string
  status: string
  roleFullnames?: string[]
  isRetired: boolean
  createdAt: string
  ipAddresses?: Record<string, string>
}

export function roleFullnames(h: Host): string[] {
  const out: string[] = []
  for (const [svc, roles] of Object.entries(h.roles ?? {})) for (const r of roles) out.push(`${svc}:${r}`)
  return out
}

/** interface name -> IPv4 address, as mkr's Host.IPAddresses() builds it. */
export function ipAddresses(h: Host): Record<string, string> {
  const out: Record<string, string> = {}
  for (const i of h.interfaces ?? []) {
    const ip = i.ipv4Addresses?.[0] ?? i.ipAddress
    if (ip) out[i.name] = ip
  }
  return out
}

/** mkr's reduced host shape: field order, omissions and the local ISO createdAt as mkr prints them. */
export function reduceHost(h: Host): ReducedHost {
  const roles = roleFullnames(h)
  return {
    id: h.id,
    name: h.name,
    ...(h.displayName ? {displayName: h.displayName} : {}),
    status: h.status,
    ...(roles.length ? {roleFullnames: roles} : {}),
    isRetired: Boolean(h.isRetired),
    createdAt: isoLocal(h.createdAt),
    ...(h.interfaces?.length ? {ipAddresses: ipAddresses(h)} : {}),
  }
}

/**
 * The name a person knows the host by, shown once: the name, plus the display name in parentheses
 * when it says something else (`web01 (Web One)`); a display name that already holds the name
 * (`web01 (primary)`) is shown alone.
 */
export function hostLabel(h: {name: string; displayName?: string}): string {
  const d = h.displayName?.trim()
  if (!d || d === h.name) return h.name
  return d.includes(h.name) ? d : `${h.name} (${d})`
}

export function hostTableRows(hosts: Host[], p: Palette, nowMs = Date.now()): string[][] {
  return hosts.map((h) => [
    hostLabel(h),
    h.id,
    paintHostStatus(p, h.isRetired ? 'retired' : h.status),
    roleFullnames(h).join(', '),
    Object.values(ipAddresses(h)).join(', '),
    relativeTime(h.createdAt, nowMs),
  ])
}

/** The `mkr hosts` table's columns: names, roles and addresses give room on a narrow terminal. */
export const HOST_COLUMNS: Column[] = [
  {head: 'NAME', fit: true},
  {head: 'ID'},
  {head: 'STATUS'},
  {head: 'ROLES', fit: true},
  {head: 'IP ADDRESSES', fit: true},
  {head: 'CREATED'},
]
