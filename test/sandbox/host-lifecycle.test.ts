// The sandbox answers the requests `create`, `update`, `retire` and `fetch` send exactly as they send
// them (src/api/hosts.ts, src/api/metrics.ts): a read-modify-write PUT changes nothing it is not asked
// to, a retired host is gone for every write, and tsdb/latest takes 100 hosts in one URL.
import assert from 'node:assert/strict'
import {ApiClient, closeAgent} from '../../src/api/client.js'
import {createHost, getHost, replaceHostRoles, retireHosts, updateHost, updateHostStatus} from '../../src/api/hosts.js'
import {fetchLatestValues, postHostMetrics} from '../../src/api/metrics.js'
import {putBody} from '../../src/hosts/update.js'
import {SEED_IDS} from '../../src/sandbox/seed.js'
import {failure} from '../helpers/failure.js'
import {NOW_S, sandbox} from './helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

describe('sandbox: the host life cycle as the CLI drives it', () => {
  let sb: SB
  let client: ApiClient
  beforeEach(async () => {
    sb = await sandbox()
    client = new ApiClient({apiBase: sb.url, apiKey: sb.apiKey, random: () => 0, sleep: async () => {}})
  })
  afterEach(() => sb.close())
  after(() => closeAgent())

  it('create sends `meta: {}` when none is given (the API requires meta) and gets the id back', async () => {
    const id = await createHost(client, {name: 'app01', roleFullnames: ['shop:app'], customIdentifier: 'ci-1'})
    const h = await getHost(client, id)
    assert.deepEqual([h.name, h.meta, h.roles, h.customIdentifier], ['app01', {}, {shop: ['app']}, 'ci-1'])
  })

  it('a PUT of what GET returned (with its own customIdentifier) is accepted and changes nothing', async () => {
    const before = await getHost(client, SEED_IDS.web01)
    assert.ok(before.customIdentifier && before.interfaces?.length && Object.keys(before.meta ?? {}).length, 'the seed host has all of them')
    await updateHost(client, SEED_IDS.web01, putBody(before, {}))
    assert.deepEqual(await getHost(client, SEED_IDS.web01), before)
    await updateHost(client, SEED_IDS.web01, putBody(before, {memo: 'm', addRoles: ['ops:web']}))
    const after = await getHost(client, SEED_IDS.web01)
    assert.deepEqual({...after, memo: before.memo, roles: before.roles}, before)
    assert.deepEqual(after.roles, {demo: ['web'], ops: ['web']})
  })

  it('a customIdentifier used by another host is refused (400)', async () => {
    const h = await getHost(client, SEED_IDS.web01)
    const other = (await getHost(client, SEED_IDS.web02)).customIdentifier!
    const e = await failure(updateHost(client, SEED_IDS.web01, {...putBody(h, {}), customIdentifier: other}))
    assert.match(e.message, /^PUT \/api\/v0\/hosts\/\w+ failed: 400 customIdentifier is already used/)
  })

  it('role-fullnames: null removes every role; retired hosts are 404 for status, roles, PUT and retire', async () => {
    await replaceHostRoles(client, SEED_IDS.web02, null)
    assert.deepEqual((await getHost(client, SEED_IDS.web02)).roles, {})
    const h = await getHost(client, SEED_IDS.web02)
    await retireHosts(client, [SEED_IDS.web02])
    for (const write of [
      () => updateHostStatus(client, SEED_IDS.web02, 'working'),
      () => replaceHostRoles(client, SEED_IDS.web02, ['demo:web']),
      () => updateHost(client, SEED_IDS.web02, putBody(h, {})),
      () => retireHosts(client, [SEED_IDS.web02]),
      () => retireHosts(client, [SEED_IDS.web01, SEED_IDS.web02]),
    ])
      assert.match((await failure(write)).message, / failed: 404 Host not found/)
    assert.equal(sb.store.getHost(SEED_IDS.web01)!.isRetired, false, 'a bulk retire with a retired id retires nothing')
  })

  it('tsdb/latest takes 100 host ids in one request; hosts without the metric are empty objects', async () => {
    const ids = Array.from({length: 100}, (_, i) => sb.store.addHost({name: `h${String(i).padStart(3, '0')}-with-a-long-name`}).id)
    await postHostMetrics(client, ids[99], [{name: 'custom.x.y', time: NOW_S - 60, value: 1.5}])
    const before = sb.requests().length
    const got = await fetchLatestValues(client, ids, ['custom.x.y', 'loadavg5'])
    assert.equal(sb.requests().length - before, 1)
    assert.equal(Object.keys(got).length, 100)
    assert.deepEqual(got[ids[99]], {'custom.x.y': {time: NOW_S - 60, value: 1.5}})
    assert.deepEqual(got[ids[0]], {})
  })
})
