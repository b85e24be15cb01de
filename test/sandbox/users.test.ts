import assert from 'node:assert/strict'
import {call, errorOf, NOW_S, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: users and invitations', () => {
  let sb: SB
  beforeEach(async () => {
    sb = await sandbox()
  })
  afterEach(() => sb.close())

  it('lists users with every documented field; removes a member; the last owner stays', async () => {
    const users = (await call(sb, 'GET', '/api/v0/users')).body.users
    assert.equal(users.length, 3)
    for (const u of users)
      assert.deepEqual(Object.keys(u).sort(), ['authenticationMethods', 'authority', 'email', 'id', 'isInRegistrationProcess', 'isMFAEnabled', 'joinedAt', 'screenName'])
    const bob = users.find((u: any) => u.screenName === 'bob')
    assert.deepEqual((await call(sb, 'DELETE', `/api/v0/users/${bob.id}`)).body, bob)
    assert.deepEqual(await call(sb, 'DELETE', `/api/v0/users/${bob.id}`).then((r) => [r.status, r.body]), [404, errorOf(`User not found in the organization: ${bob.id}`)])
    const owner = users.find((u: any) => u.authority === 'owner')
    const r = await call(sb, 'DELETE', `/api/v0/users/${owner.id}`)
    assert.equal(r.status, 400)
    assert.match(r.body.error.message, /last owner/)
  })

  it('invites, lists with expiresAt, refuses duplicates and members, revokes', async () => {
    const c = await call(sb, 'POST', '/api/v0/invitations', {email: 'dave@example.com', authority: 'collaborator'})
    assert.deepEqual(c.body, {email: 'dave@example.com', authority: 'collaborator', expiresAt: NOW_S + 7 * 86_400})
    assert.ok((await call(sb, 'GET', '/api/v0/invitations')).body.invitations.some((i: any) => i.email === 'dave@example.com'))
    const cases: [unknown, RegExp][] = [
      [{email: 'DAVE@example.com', authority: 'viewer'}, /already invited/],
      [{email: 'alice@example.com', authority: 'viewer'}, /already a member/],
      [{email: 'x@example.com', authority: 'owner'}, /authority must be one of/],
      [{email: 'not-an-email', authority: 'viewer'}, /not a valid email/],
    ]
    for (const [body, re] of cases) {
      const r = await call(sb, 'POST', '/api/v0/invitations', body)
      assert.equal(r.status, 400, JSON.stringify(body))
      assert.match(r.body.error.message, re)
    }
    assert.deepEqual((await call(sb, 'POST', '/api/v0/invitations/revoke', {email: 'dave@example.com'})).body, {success: true})
    assert.equal((await call(sb, 'POST', '/api/v0/invitations/revoke', {email: 'dave@example.com'})).status, 404)
    // an expired invitation no longer lists and can be sent again
    await call(sb, 'POST', '/api/v0/invitations', {email: 'erin@example.com', authority: 'viewer'})
    sb.clock.ms += 8 * 86_400_000
    assert.ok(!(await call(sb, 'GET', '/api/v0/invitations')).body.invitations.some((i: any) => i.email === 'erin@example.com'))
    assert.equal((await call(sb, 'POST', '/api/v0/invitations', {email: 'erin@example.com', authority: 'viewer'})).status, 200)
  })
})
