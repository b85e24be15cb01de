// The monitors both the in-process and the process-level monitors tests start from: a connectivity
// rule, a host rule with a field this CLI does not know, and an expression rule.
import type {Sandbox} from '../../src/sandbox/server.js'

export function seedMonitors(sb: Sandbox): {conn: string; cpu: string; old: string} {
  sb.store.addService('web', '', ['app'])
  return {
    conn: sb.store.addMonitor({type: 'connectivity', name: 'connectivity', isMute: false, alertStatusOnGone: 'CRITICAL', scopes: [], excludeScopes: []}).id,
    cpu: sb.store.addMonitor({
      type: 'host',
      name: 'cpu high',
      memo: 'page the on-call',
      metric: 'cpu%',
      operator: '>',
      warning: 80,
      critical: 90,
      duration: 5,
      maxCheckAttempts: 1,
      isMute: false,
      scopes: ['web'],
      excludeScopes: [],
      futureField: {rollout: 'beta', since: 2026}, // a field this CLI does not know
    }).id,
    old: sb.store.addMonitor({
      type: 'expression',
      name: 'old expression',
      expression: 'avg(roleSlots("web:app","loadavg5"))',
      operator: '>',
      warning: 5,
      critical: null,
      evaluateBackwardMinutes: 2,
      isMute: false,
    }).id,
  }
}
