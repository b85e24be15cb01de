// §7.6 users (list, remove from the organization) and §7.7 invitations (list, invite, revoke).
import {badRequest, notFound} from '../http.js'
import type {Router} from '../router.js'
import type {Invitation, Store, User} from '../store.js'
import {asObject, checkEmail, oneOf} from '../validate.js'

/** An invitation is valid this long (then it no longer lists). */
export const INVITATION_TTL_S = 7 * 86_400

function userView(u: User): User {
  return {...u, authenticationMethods: [...u.authenticationMethods]}
}

function liveInvitations(store: Store): Invitation[] {
  const now = store.now()
  return [...store.invitations.values()].filter((i) => i.expiresAt > now)
}

export function registerUsers(r: Router): void {
  r.get('/api/v0/users', ({store}) => ({users: [...store.users.values()].map(userView)}))

  r.delete('/api/v0/users/:id', ({store, params}) => {
    const u = store.users.get(params.id)
    if (!u) throw notFound(`User not found in the organization: ${params.id}`)
    if (u.authority === 'owner' && ![...store.users.values()].some((x) => x.id !== u.id && x.authority === 'owner'))
      throw badRequest('the last owner cannot be removed from the organization')
    store.users.delete(u.id)
    // email channels stop notifying the removed user
    for (const c of store.channels.values()) if (Array.isArray(c.userIds)) c.userIds = c.userIds.filter((id) => id !== u.id)
    return userView(u)
  })

  r.get('/api/v0/invitations', ({store}) => ({invitations: liveInvitations(store).map((i) => ({...i}))}))

  r.post('/api/v0/invitations', ({store, body}) => {
    const o = asObject(body)
    // a missing address is "required", not "not a valid email address: undefined"
    if (o.email === undefined || o.email === null) throw badRequest('email is required and must be a string')
    const email = checkEmail('email', o.email)
    const authority = oneOf(o, 'authority', ['manager', 'collaborator', 'viewer'], true)!
    const lower = email.toLowerCase()
    if ([...store.users.values()].some((u) => u.email.toLowerCase() === lower)) throw badRequest(`already a member of the organization: ${email}`)
    if (liveInvitations(store).some((i) => i.email.toLowerCase() === lower)) throw badRequest(`already invited: ${email}`)
    const inv: Invitation = {email, authority, expiresAt: store.now() + INVITATION_TTL_S}
    store.invitations.set(email, inv)
    return {...inv}
  })

  r.post('/api/v0/invitations/revoke', ({store, body}) => {
    const o = asObject(body)
    if (typeof o.email !== 'string' || o.email === '') throw badRequest('email is required and must be a string')
    const lower = o.email.toLowerCase()
    const inv = liveInvitations(store).find((i) => i.email.toLowerCase() === lower)
    if (!inv) throw notFound(`No invitation for ${o.email}`)
    store.invitations.delete(inv.email)
    return {success: true}
  })
}
