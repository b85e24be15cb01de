// Demo data for a fresh sandbox: two services, a handful of hosts in every status (one retired),
// one monitor of each type, open and closed alerts with logs, a check monitor. `seedHosts` adds N
// generated hosts quickly (benchmarks use 10,000).
import type {HostStatus, Store} from './store.js'

const AGENT_META = (name: string, i: number) => ({
  'agent-name': 'mackerel-agent/0.84.0 (Revision 1a2b3c4)',
  'agent-revision': '1a2b3c4',
  'agent-version': '0.84.0',
  cpu: [{'model_name': 'Intel(R) Xeon(R) CPU E5-2676 v3 @ 2.40GHz', mhz: '2400.000', 'cache_size': '30720 KB'}],
  kernel: {name: 'Linux', release: '6.1.0-18-amd64', machine: 'x86_64', os: 'GNU/Linux', platform_name: 'Debian', platform_version: '12.5'},
  memory: {total: `${4 * (1 + (i % 4))}036540kB`},
  block_device: {xvda: {size: '16777216'}},
  filesystem: {'/dev/xvda1': {kb_size: 8123812, kb_used: 2123812 + i * 1000, kb_available: 6000000 - i * 1000, mount: '/'}},
  hostname: name,
})

const HOST_METRICS = [
  'loadavg1',
  'loadavg5',
  'loadavg15',
  'cpu.user.percentage',
  'cpu.system.percentage',
  'cpu.idle.percentage',
  'memory.used',
  'memory.free',
  'disk.xvda.reads.delta',
  'disk.xvda.writes.delta',
  'filesystem.xvda1.used',
]

/** Ids the demo data always has (the README's examples use them). */
export const SEED_IDS = {
  web01: '2eQGDXqtoXs',
  web02: '2eQGEaLxibb',
  /** the open WARNING alert of `CPU %` on web01 */
  cpuAlert: '2wpLU5fBXbG',
  /** the open CRITICAL check alert `backup` on db01 */
  checkAlert: '2ust8jNxFH3',
  /** the annotation `deploy v1.4.2` (service demo, role web) */
  deployAnnotation: '3b2xWzDkP1a',
  /** a trace of `GET /checkout` on demo's web role */
  trace: '4bf92f3577b34da6a3ce929d0e0e4736',
} as const

export function seedDemo(store: Store): void {
  const now = store.now()
  store.addService('demo', 'Demo web application', ['web', 'db'])
  store.addService('batch', 'Nightly jobs', ['worker'])
  store.services.get('demo')!.metricNames.push('access.count', 'access.latency.p99')
  // three hours of demo's service metrics, one point a minute, so `mkr metrics -s demo -n access.count`
  // shows something at once; the latency stays between the monitor's warning (800) and critical (1500)
  // thresholds, where the seeded WARNING alert of `access latency p99` says it is
  for (let i = 180; i >= 0; i--) {
    const t = now - (now % 60) - i * 60
    store.serviceMetrics.put('demo', 'access.count', t, 120 + Math.round(40 * Math.sin(i / 9)) + (i % 7), now)
    store.serviceMetrics.put('demo', 'access.latency.p99', t, Math.round(880 + 60 * Math.sin(i / 5)), now)
  }
  store.addRole('demo', 'web').memo = 'nginx + app'

  const day = 86_400
  // fixed ids for what the README and the commands' examples name (`mkr status 2eQGDXqtoXs`, ...)
  const hosts: {name: string; status: HostStatus; roles: string[]; displayName?: string; ip: string; retired?: boolean; ci?: string; id?: string}[] = [
    {name: 'web01', status: 'working', roles: ['demo:web'], displayName: 'web01 (primary)', ip: '10.0.1.11', ci: 'i-0a1b2c3d4e5f60001', id: SEED_IDS.web01},
    {name: 'web02', status: 'working', roles: ['demo:web'], ip: '10.0.1.12', ci: 'i-0a1b2c3d4e5f60002', id: SEED_IDS.web02},
    {name: 'db01', status: 'standby', roles: ['demo:db'], displayName: 'db01 (replica)', ip: '10.0.2.21'},
    {name: 'worker01', status: 'maintenance', roles: ['batch:worker'], ip: '10.0.3.31'},
    {name: 'worker02', status: 'poweroff', roles: ['batch:worker'], ip: '10.0.3.32'},
    {name: 'bastion', status: 'working', roles: [], displayName: 'bastion', ip: '10.0.0.5'},
    {name: 'web00', status: 'working', roles: ['demo:web'], ip: '10.0.1.10', retired: true},
  ]
  const ids: Record<string, string> = {}
  hosts.forEach((h, i) => {
    const rec = store.addHost({
      id: h.id,
      name: h.name,
      displayName: h.displayName,
      customIdentifier: h.ci ?? null,
      status: h.status,
      createdAt: now - (30 - i) * day,
      meta: AGENT_META(h.name, i),
      interfaces: [{name: 'eth0', macAddress: `06:00:00:00:00:${(0x10 + i).toString(16)}`, ipv4Addresses: [h.ip]}],
      roleFullnames: h.roles,
      memo: h.name === 'db01' ? 'failover target' : '',
      metricNames: [...HOST_METRICS],
      isRetired: h.retired,
      retiredAt: h.retired ? now - 2 * day : undefined,
    })
    ids[h.name] = rec.id
  })

  const m = {
    connectivity: store.addMonitor({type: 'connectivity', name: 'connectivity', memo: '', alertStatusOnGone: 'CRITICAL', scopes: [], excludeScopes: [], isMute: false}),
    cpu: store.addMonitor({
      type: 'host',
      name: 'CPU %',
      memo: 'page the on-call above 95%',
      duration: 5,
      metric: 'cpu%',
      operator: '>',
      warning: 80,
      critical: 95,
      maxCheckAttempts: 1,
      notificationInterval: 60,
      scopes: ['demo'],
      excludeScopes: ['demo:db'],
      isMute: false,
    }),
    service: store.addMonitor({
      type: 'service',
      name: 'access latency p99',
      memo: '',
      service: 'demo',
      duration: 3,
      metric: 'access.latency.p99',
      operator: '>',
      warning: 800,
      critical: 1500,
      maxCheckAttempts: 1,
      missingDurationWarning: 30,
      missingDurationCritical: 60,
      isMute: false,
    }),
    external: store.addMonitor({
      type: 'external',
      name: 'demo top page',
      memo: '',
      url: 'https://demo.example.com/',
      method: 'GET',
      service: 'demo',
      responseTimeWarning: 3000,
      responseTimeCritical: 5000,
      responseTimeDuration: 3,
      containsString: 'Welcome',
      maxCheckAttempts: 3,
      certificationExpirationWarning: 30,
      certificationExpirationCritical: 7,
      skipCertificateVerification: false,
      followRedirect: false,
      headers: [],
      requestBody: '',
      isMute: false,
    }),
    expression: store.addMonitor({
      type: 'expression',
      name: 'web average load',
      memo: '',
      expression: 'avg(roleSlots("demo:web","loadavg5"))',
      operator: '>',
      warning: 4,
      critical: 8,
      evaluateBackwardMinutes: 2,
      isMute: false,
    }),
    anomaly: store.addMonitor({
      type: 'anomalyDetection',
      name: 'anomaly: demo:web',
      memo: '',
      scopes: ['demo:web'],
      warningSensitivity: 'insensitive',
      maxCheckAttempts: 3,
      isMute: true,
    }),
    query: store.addMonitor({
      type: 'query',
      name: 'container cpu',
      memo: '',
      query: 'container.cpu.utilization{k8s.deployment.name="demo"}',
      legend: '{{k8s.pod.name}}',
      operator: '>',
      warning: 70,
      critical: 90,
      evaluateBackwardMinutes: 0,
      isMute: false,
    }),
  }

  const check = {id: store.newId(), name: 'backup'}
  store.checkMonitors.set(check.id, check)
  const hour = 3600
  // closed first (older), then open (newer): the list is newest first.
  store.addAlert({type: 'connectivity', monitorId: m.connectivity.id, hostId: ids.web02, status: 'OK', openedAt: now - 6 * day, closedAt: now - 6 * day + 600})
  store.addAlert({type: 'host', monitorId: m.cpu.id, hostId: ids.web02, status: 'OK', value: 97.2, openedAt: now - 5 * day, closedAt: now - 5 * day + 1800})
  store.addAlert({type: 'external', monitorId: m.external.id, status: 'OK', message: 'connection timed out', openedAt: now - 4 * day, closedAt: now - 4 * day + hour, reason: 'false alarm: upstream maintenance'})
  store.addAlert({type: 'query', monitorId: m.query.id, status: 'OK', value: 93.5, series: {name: 'container.cpu.utilization', labels: {'k8s.pod.name': 'demo-7c9d'}}, openedAt: now - 3 * day, closedAt: now - 3 * day + 900})
  store.addAlert({type: 'connectivity', monitorId: m.connectivity.id, hostId: ids.worker02, status: 'CRITICAL', openedAt: now - 2 * day})
  store.addAlert({type: 'service', monitorId: m.service.id, status: 'WARNING', value: 912.4, openedAt: now - day})
  store.addAlert({id: SEED_IDS.checkAlert, type: 'check', monitorId: check.id, hostId: ids.db01, status: 'CRITICAL', message: 'backup failed: exit status 2', openedAt: now - 6 * hour})
  const cpu = store.addAlert({id: SEED_IDS.cpuAlert, type: 'host', monitorId: m.cpu.id, hostId: ids.web01, status: 'WARNING', value: 84.1, openedAt: now - hour, memo: 'looking into it'})
  store.addAlertLog(cpu, {status: 'CRITICAL', targetValue: 96.3, createdAt: now - hour + 300})
  store.addAlertLog(cpu, {status: 'WARNING', targetValue: 84.1, createdAt: now - hour + 900})
  // its monitor re-notifies hourly: count from the sandbox's start, so a demo at --speed 60 is not
  // interrupted by it within its first minute
  store.notifiedAt(cpu, now)
  store.checkStates.set(`${ids.db01}\tbackup`, {
    hostId: ids.db01,
    name: 'backup',
    monitorId: check.id,
    occurredAt: now - 6 * hour,
    status: 'CRITICAL',
    message: 'backup failed: exit status 2',
    failures: 1,
  })
  store.hosts.get(ids.db01)!.checks.push({name: 'backup', memo: 'nightly pg_dump'})

  const iso = (s: number) => new Date(s * 1000).toISOString()
  const span = (o: Record<string, unknown>) => ({
    traceId: SEED_IDS.trace,
    traceState: '',
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    events: [],
    links: [],
    status: {message: '', code: 'ok'},
    resource: {attributes: [{key: 'service.name', value: {valueType: 'string', stringValue: 'demo-web'}}], droppedAttributesCount: 0},
    scope: {name: 'demo', version: '1.0.0', attributes: [], droppedAttributesCount: 0},
    ...o,
  })
  store.traces.set(SEED_IDS.trace, {
    spans: [
      span({spanId: '00f067aa0ba902b7', name: 'GET /checkout', kind: 'server', startTime: iso(now - 600), endTime: iso(now - 599.58), attributes: [{key: 'http.route', value: {valueType: 'string', stringValue: '/checkout'}}]}),
      span({spanId: '53995c3f42cd8ad8', parentSpanId: '00f067aa0ba902b7', name: 'SELECT orders', kind: 'client', startTime: iso(now - 599.95), endTime: iso(now - 599.7), attributes: [{key: 'db.system', value: {valueType: 'string', stringValue: 'postgresql'}}]}),
    ],
  })

  const day0 = now - 90 * day
  const owner = store.addUser({screenName: 'sandbox-owner', email: 'owner@example.com', authority: 'owner', isInRegistrationProcess: false, isMFAEnabled: true, authenticationMethods: ['password'], joinedAt: day0})
  store.addUser({screenName: 'alice', email: 'alice@example.com', authority: 'manager', isInRegistrationProcess: false, isMFAEnabled: false, authenticationMethods: ['github'], joinedAt: day0 + day})
  store.addUser({screenName: 'bob', email: 'bob@example.com', authority: 'collaborator', isInRegistrationProcess: false, isMFAEnabled: false, authenticationMethods: ['google'], joinedAt: day0 + 2 * day})
  store.invitations.set('carol@example.com', {email: 'carol@example.com', authority: 'viewer', expiresAt: now + 6 * day})
  // every organization starts with an email channel to its members in the default notification group
  const email = store.addRecord(store.channels, {name: 'Default email', type: 'email', emails: [], userIds: [owner.id], events: ['alert'], suspendedAt: null})
  ;(store.ensureDefaultNotificationGroup().childChannelIds as string[]).push(email.id)

  store.addAnnotation({id: SEED_IDS.deployAnnotation, title: 'deploy v1.4.2', description: 'release notes: https://example.com/r/142', from: now - 2 * hour, to: now - 2 * hour + 120, service: 'demo', roles: ['web']})
  store.addAnnotation({title: 'maintenance window', from: now - day, to: now - day + hour, service: 'demo'})
}

const ROLE_CYCLE = ['demo:web', 'demo:web', 'demo:db', 'batch:worker']
const STATUS_CYCLE: HostStatus[] = ['working', 'working', 'working', 'working', 'working', 'working', 'standby', 'maintenance', 'poweroff']

/** Adds `n` generated hosts (`host-00001` …) spread over the demo roles and statuses. */
export function seedHosts(store: Store, n: number): void {
  store.addService('demo', '', ['web', 'db'])
  store.addService('batch', '', ['worker'])
  const now = store.now()
  const width = Math.max(5, String(n).length)
  const meta = {'agent-version': '0.84.0', 'agent-name': 'mackerel-agent/0.84.0'}
  for (let i = 1; i <= n; i++) {
    const name = `host-${String(i).padStart(width, '0')}`
    store.addHost({
      name,
      status: STATUS_CYCLE[i % STATUS_CYCLE.length],
      createdAt: now - 86_400 - i,
      meta,
      interfaces: [{name: 'eth0', ipv4Addresses: [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`]}],
      roleFullnames: [ROLE_CYCLE[i % ROLE_CYCLE.length]],
      metricNames: HOST_METRICS,
    })
  }
}
