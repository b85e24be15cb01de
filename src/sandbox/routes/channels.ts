// §7.3 notification channels (list, create email/slack/webhook, update, delete) and §7.4 notification
// groups (CRUD; the default group can be neither renamed nor deleted). Webhook channels subscribed to
// `alert` receive the alert notifications their groups route to them (notification-routing.ts).
import {badRequest, notFound} from '../http.js'
import type {Router} from '../router.js'
import type {Rec, Store} from '../store.js'
import {asObject, checkEmail, checkHttpUrl, isObject, listOrEmpty, oneOf, optBoolean, reqString, stringList, type Obj} from '../validate.js'

export const CHANNEL_TYPES = [
  'email',
  'email-broadcast',
  'slack',
  'chatwork',
  'twilio',
  'pagerduty',
  'opsgenie',
  'jira-service-management',
  'microsoft-teams',
  'webhook',
  'amazon-event-bridge',
] as const
/** Only these can be created or updated through the API. */
const WRITABLE_TYPES = ['email', 'slack', 'webhook']
export const CHANNEL_EVENTS = ['alert', 'alertGroup', 'hostStatus', 'hostRegister', 'hostRetire', 'monitor'] as const
const NAME_MAX = 255

function channelOr404(store: Store, id: string): Rec {
  const c = store.channels.get(id)
  if (!c) throw notFound(`Channel not found: ${id}`)
  return c
}

function groupOr404(store: Store, id: string): Rec {
  const g = store.notificationGroups.get(id)
  if (!g) throw notFound(`Notification group not found: ${id}`)
  return g
}

/** A channel as the API returns it: details only for email, slack and webhook. */
export function channelView(c: Rec): Obj {
  const base = {id: c.id, name: c.name, type: c.type, suspendedAt: c.suspendedAt ?? null}
  switch (c.type) {
    case 'email':
      return {...base, emails: c.emails ?? [], userIds: c.userIds ?? [], events: c.events ?? []}
    case 'slack':
      return {...base, url: c.url, mentions: c.mentions ?? {}, enabledGraphImage: c.enabledGraphImage ?? false, events: c.events ?? []}
    case 'webhook':
      return {...base, url: c.url, enabledGraphImage: c.enabledGraphImage ?? false, events: c.events ?? []}
    default:
      return base
  }
}

/** Validates a create (no `existing`) or update body; returns the fields to store. */
function parseChannel(store: Store, body: unknown, existing?: Rec): Obj {
  const o = asObject(body)
  const name = reqString(o, 'name', {max: NAME_MAX})
  let type: string
  if (existing) {
    type = String(existing.type)
    if (o.type !== undefined && o.type !== null && o.type !== type) throw badRequest(`type cannot be changed (from ${type} to ${JSON.stringify(o.type)})`)
    if (o.addToDefaultNotificationGroup !== undefined && o.addToDefaultNotificationGroup !== null)
      throw badRequest('addToDefaultNotificationGroup can only be set when the channel is created')
  } else type = oneOf(o, 'type', CHANNEL_TYPES, true)!
  if (!WRITABLE_TYPES.includes(type)) throw badRequest(`only email, slack and webhook channels can be created or updated through the API (type ${type})`)
  const events = stringList(o, 'events')
  for (const e of events)
    if (!(CHANNEL_EVENTS as readonly string[]).includes(e)) throw badRequest(`events: unknown event ${JSON.stringify(e)} (one of ${CHANNEL_EVENTS.join(', ')})`)
  const out: Obj = {name, type, events}
  switch (type) {
    case 'email': {
      out.emails = stringList(o, 'emails').map((e, i) => checkEmail(`emails[${i}]`, e))
      const userIds = stringList(o, 'userIds')
      for (const id of userIds) if (!store.users.has(id)) throw badRequest(`userIds: user not found in the organization: ${id}`)
      out.userIds = userIds
      break
    }
    case 'slack': {
      out.url = checkHttpUrl('url', o.url)
      const m = o.mentions
      const mentions: Obj = {}
      if (m !== undefined && m !== null) {
        if (!isObject(m)) throw badRequest('mentions must be an object {ok, warning, critical}')
        for (const k of ['ok', 'warning', 'critical']) {
          const v = m[k]
          if (v === undefined || v === null || v === '') continue
          if (typeof v !== 'string') throw badRequest(`mentions.${k} must be a string`)
          mentions[k] = v
        }
      }
      out.mentions = mentions
      out.enabledGraphImage = optBoolean(o, 'enabledGraphImage') ?? false
      break
    }
    case 'webhook':
      out.url = checkHttpUrl('url', o.url)
      out.enabledGraphImage = optBoolean(o, 'enabledGraphImage') ?? false
      break
  }
  return out
}

/** A notification group as the API returns it. */
export function groupView(g: Rec): Obj {
  return {
    id: g.id,
    type: g.type,
    name: g.name,
    notificationLevel: g.notificationLevel,
    childNotificationGroupIds: g.childNotificationGroupIds ?? [],
    childChannelIds: g.childChannelIds ?? [],
    monitors: g.monitors ?? [],
    services: g.services ?? [],
  }
}

/** Whether `target` is `from` or one of its descendants. */
function reaches(store: Store, from: string, target: string, seen = new Set<string>()): boolean {
  if (from === target) return true
  if (seen.has(from)) return false
  seen.add(from)
  const g = store.notificationGroups.get(from)
  return ((g?.childNotificationGroupIds as string[] | undefined) ?? []).some((c) => reaches(store, c, target, seen))
}

function parseGroup(store: Store, body: unknown, existing?: Rec): Obj {
  const o = asObject(body)
  const name = reqString(o, 'name', {max: NAME_MAX})
  if (existing?.type === 'group-default' && name !== existing.name) throw badRequest('the default notification group cannot be renamed')
  const notificationLevel = oneOf(o, 'notificationLevel', ['all', 'critical'], true)
  const groups = stringList(o, 'childNotificationGroupIds')
  for (const id of groups) {
    if (!store.notificationGroups.has(id)) throw badRequest(`childNotificationGroupIds: notification group not found: ${id}`)
    if (existing && reaches(store, id, existing.id)) throw badRequest(`childNotificationGroupIds: ${id} would make a cycle`)
  }
  const channels = stringList(o, 'childChannelIds')
  for (const id of channels) if (!store.channels.has(id)) throw badRequest(`childChannelIds: channel not found: ${id}`)
  const monitors = listOrEmpty(o, 'monitors').map((raw, i) => {
    const m = asObject(raw, `monitors[${i}]`)
    const id = reqString(m, 'id')
    if (!store.monitors.has(id) && !store.checkMonitors.has(id)) throw badRequest(`monitors[${i}].id: monitor not found: ${id}`)
    return {id, skipDefault: optBoolean(m, 'skipDefault') ?? false}
  })
  const services = listOrEmpty(o, 'services').map((raw, i) => {
    const s = asObject(raw, `services[${i}]`)
    const svc = reqString(s, 'name')
    if (!store.services.has(svc)) throw badRequest(`services[${i}].name: service not found: ${svc}`)
    return {name: svc}
  })
  return {name, notificationLevel, childNotificationGroupIds: groups, childChannelIds: channels, monitors, services}
}

export function registerChannels(r: Router): void {
  r.get('/api/v0/channels', ({store}) => ({channels: [...store.channels.values()].map(channelView)}))

  r.post('/api/v0/channels', ({store, body}) => {
    const fields = parseChannel(store, body)
    const addToDefault = optBoolean(body as Obj, 'addToDefaultNotificationGroup') ?? false
    const c = store.addRecord(store.channels, {...fields, suspendedAt: null})
    if (addToDefault) (store.ensureDefaultNotificationGroup().childChannelIds as string[]).push(c.id)
    return channelView(c)
  })

  r.put('/api/v0/channels/:id', ({store, params, body}) => {
    const c = channelOr404(store, params.id)
    const updated = {...c, ...parseChannel(store, body, c)} as Rec
    store.channels.set(c.id, updated)
    return channelView(updated)
  })

  r.delete('/api/v0/channels/:id', ({store, params}) => {
    const c = channelOr404(store, params.id)
    store.channels.delete(c.id)
    for (const g of store.notificationGroups.values())
      if (Array.isArray(g.childChannelIds)) g.childChannelIds = g.childChannelIds.filter((x) => x !== c.id)
    return channelView(c)
  })

  r.get('/api/v0/notification-groups', ({store}) => ({notificationGroups: [...store.notificationGroups.values()].map(groupView)}))

  r.post('/api/v0/notification-groups', ({store, body}) => groupView(store.addRecord(store.notificationGroups, {type: 'group', ...parseGroup(store, body)})))

  r.put('/api/v0/notification-groups/:id', ({store, params, body}) => {
    const g = groupOr404(store, params.id)
    const updated = {id: g.id, type: g.type, ...parseGroup(store, body, g)} as Rec
    store.notificationGroups.set(g.id, updated)
    return groupView(updated)
  })

  r.delete('/api/v0/notification-groups/:id', ({store, params}) => {
    const g = groupOr404(store, params.id)
    if (g.type === 'group-default') throw badRequest('the default notification group cannot be deleted')
    store.notificationGroups.delete(g.id)
    for (const other of store.notificationGroups.values())
      if (Array.isArray(other.childNotificationGroupIds)) other.childNotificationGroupIds = other.childNotificationGroupIds.filter((x) => x !== g.id)
    return groupView(g)
  })
}
