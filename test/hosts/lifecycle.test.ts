// `mkr create`, `mkr update` and `mkr retire` bodies in-process against the in-process sandbox (a test
// IO, a real client on 127.0.0.1): flags and mkr's semantics, what is printed, usage errors before any
// request, and failures part-way that say what was and was not changed.
import assert from 'node:assert/strict'
import {ApiClient, closeAgent, type RequestOptions} from '../../src/api/client.js'
import {ApiError} from '../../src/api/errors.js'
import {CliError, UsageError} from '../../src/errors.js'
import {createHostRun} from '../../src/hosts/create.js'
import {retireHostsRun} from '../../src/hosts/retire.js'
import {putBody, updateHostsRun} from '../../src/hosts/update.js'
import {testIO} from '../../src/output/iostreams.js'
import {SEED_IDS} from '../../src/sandbox/seed.js'
import {failure} from '../helpers/failure.js'
import {sandbox} from '../sandbox/helpers.js'

type SB = Awaited<ReturnType<typeof sandbox>>

const clientOf = (sb: SB) => new ApiClient({apiBase: sb.url, apiKey: sb.apiKey, random: () => 0, sleep: async () => {}})
/** A client getter that fails the test if a body asks for it (usage errors come before any request). */
const noClient = async (): Promise<ApiClient> => assert.fail('the client was asked for')

const web01 = SEED_IDS.web01
const web02 = SEED_IDS.web02

describe('hosts: create, update, retire (in-process)', () => {
  let sb: SB
  let client: ApiClient
  const get = () => Promise.resolve(client)
  const host = (id: string) => sb.store.getHost(id)!
  const writes = (from: number) => sb.requests().slice(from).filter((r) => r.method !== 'GET')

  beforeEach(async () => {
    sb = await sandbox()
    client = clientOf(sb)
  })
  afterEach(() => sb.close())
  after(() => closeAgent())

  describe('create', () => {
    it('registers the host with its roles (repeatable, comma-separated), customIdentifier and memo; `created <id>` on stderr even with -q, nothing on stdout', async () => {
      const t = testIO({quiet: true})
      const id = await createHostRun({name: 'web03', roleFullnames: ['demo:web,demo:db', ' batch:worker'], customIdentifier: 'i-0123', memo: 'spare'}, t.io, get)
      assert.equal(t.out(), '')
      assert.equal(t.err(), `   created ${id}\n`)
      const h = host(id)
      assert.equal(h.name, 'web03')
      assert.deepEqual(h.roleFullnames, ['batch:worker', 'demo:db', 'demo:web'])
      assert.equal(h.customIdentifier, 'i-0123')
      assert.equal(h.memo, 'spare')
    })

    it('--status: the status is set after registering, and logged as mkr does', async () => {
      const t = testIO()
      const id = await createHostRun({name: 'web04', status: 'maintenance'}, t.io, get)
      assert.equal(t.err(), `   created ${id}\n   updated ${id} maintenance\n`)
      assert.equal(host(id).status, 'maintenance')
    })

    it('a bad -R or an empty name is a usage error before anything is sent', async () => {
      for (const roles of [['demo'], ['demo:web:x'], ['-demo:web'], ['demo:w eb']]) {
        const e = await failure(createHostRun({name: 'x', roleFullnames: roles}, testIO().io, noClient))
        assert.ok(e instanceof UsageError, String(e))
        assert.match(e.message, /^--roleFullname ".*": expected SERVICE:ROLE$/)
      }
      const e = await failure(createHostRun({name: ' '}, testIO().io, noClient))
      assert.ok(e instanceof UsageError)
      assert.equal(e.message, 'the host name is empty')
    })

    it('the status failing after the host was registered says the host exists, with its id', async () => {
      sb.addFault({method: 'POST', path: '/api/v0/hosts/*', status: 403, body: '{"error":{"message":"no write"}}'})
      const t = testIO()
      const e = (await failure(createHostRun({name: 'web05', status: 'standby'}, t.io, get))) as CliError
      const id = [...sb.store.hosts.values()].find((h) => h.name === 'web05')!.id
      assert.equal(t.err(), `   created ${id}\n`)
      assert.match(e.message, new RegExp(`^host ${id} was created, but setting its status failed: POST /api/v0/hosts/${id}/status failed: 403 no write$`))
    })

    it('a 5xx on the POST is not resent (it could register the host twice) and says the outcome is unknown', async () => {
      sb.addFault({method: 'POST', path: '/api/v0/hosts', status: 502})
      const before = sb.requests().length
      const e = (await failure(createHostRun({name: 'web06'}, testIO().io, get))) as CliError
      assert.match(e.message, /^POST \/api\/v0\/hosts failed: 502 .*; the host may or may not have been registered$/)
      assert.equal(e.hint, 'check with `mkr hosts --name web06` before creating it again')
      assert.equal(sb.requests().slice(before).length, 1)
    })
  })

  describe('update', () => {
    it('status only: the bulk status path (one call for one host, bulk for more), `updated <id> <status>` lines', async () => {
      const t = testIO()
      const before = sb.requests().length
      await updateHostsRun({ids: [web01, web02], status: 'maintenance'}, t.io, get)
      assert.deepEqual(
        writes(before).map((r) => r.path),
        ['/api/v0/hosts/bulk-update-statuses'],
      )
      assert.equal(t.err(), `   updated ${web01} maintenance\n   updated ${web02} maintenance\n`)
      assert.equal(host(web01).status, 'maintenance')
    })

    it('--name, --displayName, --memo: GET then PUT, keeping meta, interfaces, customIdentifier and roles', async () => {
      const h0 = structuredClone(host(web01))
      const t = testIO()
      const before = sb.requests().length
      await updateHostsRun({ids: [web01], name: 'web01-new', displayName: 'Web One', memo: 'moved'}, t.io, get)
      assert.deepEqual(
        sb.requests().slice(before).map((r) => `${r.method} ${r.path}`),
        [`GET /api/v0/hosts/${web01}`, `PUT /api/v0/hosts/${web01}`],
      )
      const h = host(web01)
      assert.equal(h.name, 'web01-new')
      assert.equal(h.displayName, 'Web One')
      assert.equal(h.memo, 'moved')
      assert.deepEqual(h.meta, h0.meta)
      assert.deepEqual(h.interfaces, h0.interfaces)
      assert.equal(h.customIdentifier, h0.customIdentifier)
      assert.deepEqual(h.roleFullnames, h0.roleFullnames)
      assert.equal(t.err(), `   updated ${web01}\n`)
      assert.equal(t.out(), '')
    })

    it('the PUT body re-sends customIdentifier, meta and interfaces (mkr leaves customIdentifier out: the API may clear it); roles only when added', () => {
      const h = {id: 'h', name: 'web', displayName: 'W', customIdentifier: 'i-1', memo: 'old', meta: {a: 1}, interfaces: [{name: 'eth0', ipv4Addresses: ['10.0.0.1']}], status: 'working', isRetired: false, createdAt: 1}
      assert.deepEqual(putBody(h, {memo: 'new'}), {name: 'web', displayName: 'W', customIdentifier: 'i-1', memo: 'new', meta: {a: 1}, interfaces: [{name: 'eth0', ipv4Addresses: ['10.0.0.1']}]})
      assert.deepEqual(putBody({id: 'h', name: 'x', status: 'working', isRetired: false, createdAt: 1}, {name: 'y', addRoles: ['demo:web']}), {name: 'y', meta: {}, interfaces: [], roleFullnames: ['demo:web']})
    })

    it('fields not given keep their values (mkr: an empty value is ignored, with a warning here)', async () => {
      const t = testIO()
      await updateHostsRun({ids: [web01], memo: 'kept', displayName: ''}, t.io, get)
      assert.equal(host(web01).displayName, 'web01 (primary)')
      assert.equal(host(web01).name, 'web01')
      assert.match(t.err(), /^mkr: warning: --displayName is empty: ignored/)
    })

    it('-R adds roles; -o -R replaces them; -o alone removes every role', async () => {
      await updateHostsRun({ids: [web01], roleFullnames: ['demo:db,batch:worker']}, testIO().io, get)
      assert.deepEqual(host(web01).roleFullnames, ['batch:worker', 'demo:db', 'demo:web'])
      const before = sb.requests().length
      await updateHostsRun({ids: [web01], roleFullnames: ['demo:db'], overwriteRoles: true}, testIO().io, get)
      assert.deepEqual(host(web01).roleFullnames, ['demo:db'])
      assert.deepEqual(
        writes(before).map((r) => `${r.method} ${r.path}`),
        [`PUT /api/v0/hosts/${web01}/role-fullnames`],
        'replacing roles needs no host PUT',
      )
      await updateHostsRun({ids: [web01], overwriteRoles: true}, testIO().io, get)
      assert.deepEqual(host(web01).roleFullnames, [])
    })

    it('status and roles on several hosts: statuses in bulk, then each host; one `updated <id>` per host', async () => {
      const t = testIO()
      await updateHostsRun({ids: [web01, web02], status: 'standby', roleFullnames: ['demo:db']}, t.io, get)
      for (const id of [web01, web02]) {
        assert.equal(host(id).status, 'standby')
        assert.ok(host(id).roleFullnames.includes('demo:db'))
      }
      assert.equal(t.err(), `   updated ${web01}\n   updated ${web02}\n`)
    })

    it('nothing to update, or a bad -R, is a usage error before anything is read or sent', async () => {
      let e = await failure(updateHostsRun({ids: [web01]}, testIO().io, noClient))
      assert.ok(e instanceof UsageError)
      assert.equal(e.message, 'nothing to update')
      e = await failure(updateHostsRun({ids: [web01], name: ''}, testIO().io, noClient))
      assert.ok(e instanceof UsageError, 'an empty value alone is nothing to update')
      e = await failure(updateHostsRun({ids: [web01], roleFullnames: ['web']}, testIO().io, noClient))
      assert.ok(e instanceof UsageError)
    })

    it('an unknown or retired host stops the command before anything changes', async () => {
      const before = sb.requests().length
      let e = await failure(updateHostsRun({ids: [web01, 'nosuchhost'], status: 'poweroff', memo: 'x'}, testIO().io, get))
      assert.match(e.message, /^GET \/api\/v0\/hosts\/nosuchhost failed: 404 .*; nothing was changed$/)
      const retired = sb.store.addHost({name: 'old', isRetired: true}).id
      e = await failure(updateHostsRun({ids: [web01, retired], memo: 'x'}, testIO().io, get))
      assert.equal(e.message, `host ${retired} is retired; nothing was changed`)
      assert.deepEqual(writes(before), [])
      assert.equal(host(web01).status, 'working')
    })

    it('a PUT refused part-way names the hosts updated, the one that failed and those not attempted', async () => {
      const third = sb.store.addHost({name: 'web09', roleFullnames: ['demo:web']}).id
      sb.addFault({method: 'PUT', path: `/api/v0/hosts/${web02}`, status: 400, body: '{"error":{"message":"bad"}}'})
      const t = testIO()
      const e = await failure(updateHostsRun({ids: [web01, web02, third], status: 'standby', memo: 'm'}, t.io, get))
      assert.equal(
        e.message,
        `PUT /api/v0/hosts/${web02} failed: 400 bad; status set to standby on all 3 hosts; updated: ${web01}; ${web02}: not updated; not updated: ${third}`,
      )
      assert.equal(t.err(), `   updated ${web01}\n`)
      assert.equal(host(web01).memo, 'm')
      assert.equal(host(third).memo, '')
      assert.equal(host(third).status, 'standby')
    })

    it('a 5xx after roles were replaced: roles replaced, the rest of that host may or may not have been updated', async () => {
      sb.addFault({method: 'PUT', path: `/api/v0/hosts/${web01}`, status: 500})
      const e = await failure(updateHostsRun({ids: [web01], overwriteRoles: true, roleFullnames: ['demo:db'], name: 'n'}, testIO().io, get))
      assert.match(e.message, new RegExp(`; ${web01}: roles replaced, other fields may or may not have been updated$`))
      assert.equal((e as CliError).hint, `check with \`mkr status -v ${web01}\` whether it took effect`)
    })
  })

  describe('retire', () => {
    it('without --force and without a terminal: retired without asking, as mkr does (termination scripts), each host named', async () => {
      const t = testIO()
      await retireHostsRun({ids: [web02]}, t.io, get)
      assert.equal(t.err(), `   retired ${web02} (web02)\n`)
      assert.equal(host(web02).isRetired, true)
    })

    it('--force, one host: the single endpoint; `retired <id> (<name>)` per host', async () => {
      const t = testIO()
      const before = sb.requests().length
      await retireHostsRun({ids: [web02], force: true}, t.io, get)
      assert.deepEqual(writes(before).map((r) => r.path), [`/api/v0/hosts/${web02}/retire`])
      assert.equal(t.err(), `   retired ${web02} (web02)\n`)
      assert.equal(host(web02).isRetired, true)
    })

    it('at a terminal: lists the hosts with their names and asks; "no" retires nothing', async () => {
      const asked: string[] = []
      const t = testIO({stdinTTY: true, stderrTTY: true, confirm: (m) => (asked.push(m), false)})
      const before = sb.requests().length
      await retireHostsRun({ids: [web01, web02]}, t.io, get)
      assert.equal(asked.length, 1)
      assert.match(t.err(), new RegExp(`^Retire following 2 hosts \\(this cannot be undone\\):\n  ${web01} \\(web01, web01 \\(primary\\)\\)\n  ${web02} \\(web02\\)\n`))
      assert.match(t.err(), /retirement is canceled\.\n$/)
      assert.deepEqual(writes(before), [])
      assert.equal(host(web01).isRetired, false)
    })

    it('at a terminal, "yes": retired', async () => {
      const t = testIO({stdinTTY: true, stderrTTY: true, confirm: () => true})
      await retireHostsRun({ids: [web01]}, t.io, get)
      assert.equal(host(web01).isRetired, true)
    })

    it('many hosts: the bulk endpoint in chunks of 30; an already retired host is skipped with a warning', async () => {
      const many = Array.from({length: 35}, (_, i) => sb.store.addHost({name: `bulk${i}`}).id)
      const gone = sb.store.addHost({name: 'gone', isRetired: true}).id
      const t = testIO({quiet: true})
      const before = sb.requests().length
      await retireHostsRun({ids: [...many, gone], force: true}, t.io, get)
      assert.deepEqual(writes(before).map((r) => r.path), ['/api/v0/hosts/bulk-retire', '/api/v0/hosts/bulk-retire'])
      assert.ok(many.every((id) => host(id).isRetired))
      assert.equal(t.err(), `mkr: warning: host ${gone} (gone) is already retired: skipped\n`)
    })

    it('an unknown id retires nothing', async () => {
      const before = sb.requests().length
      const e = await failure(retireHostsRun({ids: [web01, 'nosuchhost'], force: true}, testIO().io, get))
      assert.match(e.message, /^GET \/api\/v0\/hosts\/nosuchhost failed: 404 .*; nothing was retired$/)
      assert.deepEqual(writes(before), [])
      assert.equal(host(web01).isRetired, false)
    })

    it('a bulk call failing part-way names the hosts retired, the chunk whose outcome is unknown, and those not retired', async () => {
      const many = Array.from({length: 65}, (_, i) => sb.store.addHost({name: `part${i}`}).id)
      // the second bulk call answers 502 (a gateway: the retire may have happened)
      let bulk = 0
      const flaky = new (class extends ApiClient {
        override async request<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
          if (path === '/api/v0/hosts/bulk-retire' && ++bulk === 2) throw new ApiError(method, path, 502, 'Bad Gateway')
          return super.request<T>(method, path, opts)
        }
      })({apiBase: sb.url, apiKey: sb.apiKey, random: () => 0, sleep: async () => {}})
      const t = testIO()
      const e = await failure(retireHostsRun({ids: many, force: true}, t.io, async () => flaky))
      assert.equal(
        e.message,
        `POST /api/v0/hosts/bulk-retire failed: 502 Bad Gateway; 30 of 65 hosts were retired, may or may not have been retired: ${many.slice(30, 60).join(' ')}, not retired: ${many.slice(60).join(' ')}`,
      )
      assert.equal(t.err().split('\n').filter((l) => l.startsWith('   retired ')).length, 30)
    })
  })
})
