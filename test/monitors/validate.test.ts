import assert from 'node:assert/strict'
import {formatIssue, validateMonitor, validateMonitors} from '../../src/monitors/validate.js'

// One valid rule of each documented type (reference/mackerel-api.md §3).
export const VALID: Record<string, Record<string, unknown>> = {
  host: {type: 'host', name: 'cpu', metric: 'cpu%', operator: '>', warning: 80, critical: null, duration: 5, scopes: ['web']},
  connectivity: {type: 'connectivity', alertStatusOnGone: 'WARNING'},
  service: {type: 'service', name: 's', service: 'web', metric: 'req', operator: '<', duration: 3, missingDurationWarning: 60},
  external: {type: 'external', name: 'e', url: 'https://example.com/', service: 'web', responseTimeCritical: 500, responseTimeDuration: 3, headers: null},
  expression: {type: 'expression', name: 'x', expression: 'avg(roleSlots("a:b","loadavg5"))', operator: '>', evaluateBackwardMinutes: 2},
  anomalyDetection: {type: 'anomalyDetection', name: 'a', scopes: ['web:app'], warningSensitivity: 'normal'},
  query: {type: 'query', name: 'q', query: 'up', operator: '<', legend: '{{host}}', evaluateBackwardMinutes: 0},
}

const messages = (m: unknown) => validateMonitor(m, 0).map((i) => `${i.field ?? ''}: ${i.message}`)

describe('monitor validation', () => {
  it('accepts a valid rule of each type, with unknown extra fields', () => {
    for (const [t, m] of Object.entries(VALID)) assert.deepEqual(messages({...m, someFutureField: {x: 1}}), [], t)
  })

  it('missing required fields, per type', () => {
    const cases: [string, string, string][] = [
      ['host', 'metric', 'metric: required for host monitors'],
      ['host', 'operator', 'operator: required for host monitors (one of ">", "<")'],
      ['host', 'duration', 'duration: required for host monitors'],
      ['host', 'name', 'name: required for host monitors'],
      ['service', 'service', 'service: required for service monitors'],
      ['external', 'url', 'url: required for external monitors'],
      ['expression', 'expression', 'expression: required for expression monitors'],
      ['query', 'query', 'query: required for query monitors'],
      ['anomalyDetection', 'scopes', 'scopes: required for anomalyDetection monitors'],
    ]
    for (const [t, field, msg] of cases) {
      const m = {...VALID[t]}
      delete m[field]
      assert.deepEqual(messages(m), [msg], `${t} without ${field}`)
      assert.deepEqual(messages({...VALID[t], [field]: null}), [msg], `${t} with ${field}: null`)
    }
    assert.deepEqual(messages({type: 'connectivity'}), [], 'connectivity needs no name')
  })

  it('wrong types and out-of-range values say what was expected and what was found', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['host', {duration: '5'}, 'duration: must be a whole number from 1 to 10, got a string ("5")'],
      ['host', {duration: 11}, 'duration: must be a whole number from 1 to 10, got 11'],
      ['host', {duration: 2.5}, 'duration: must be a whole number from 1 to 10, got a number (2.5)'],
      ['host', {operator: '>='}, 'operator: must be one of ">", "<", got ">="'],
      ['host', {isMute: 'yes'}, 'isMute: must be true or false, got a string ("yes")'],
      ['host', {warning: '80'}, 'warning: must be a number, got a string ("80")'],
      ['host', {critical: 120}, 'critical: must be from 0 to 100 for the percentage metric "cpu%", got 120'],
      ['host', {scopes: 'web'}, 'scopes: must be an array of strings, got a string ("web")'],
      ['host', {scopes: ['web', 3]}, 'scopes[1]: must be a string, got a number (3)'],
      ['host', {name: ''}, 'name: must not be empty'],
      ['host', {notificationInterval: 5}, 'notificationInterval: must be a whole number of at least 10, got 5'],
      ['host', {memo: 'x'.repeat(2049)}, 'memo: must be at most 2048 characters, got 2049'],
      ['host', {maxCheckAttempts: 0}, 'maxCheckAttempts: must be a whole number from 1 to 10, got 0'],
      ['host', {id: 5}, 'id: must be a string, got a number (5)'],
      ['connectivity', {alertStatusOnGone: 'OK'}, 'alertStatusOnGone: must be one of "CRITICAL", "WARNING", got "OK"'],
      ['service', {missingDurationWarning: 15}, 'missingDurationWarning: must be a multiple of 10, got 15'],
      ['service', {missingDurationCritical: 20000}, 'missingDurationCritical: must be a whole number from 10 to 10080, got 20000'],
      ['external', {url: 'ftp://x'}, 'url: must be an http:// or https:// URL, got "ftp://x"'],
      ['external', {method: 'PATCH'}, 'method: must be one of "GET", "POST", "PUT", "DELETE", got "PATCH"'],
      ['external', {headers: [{name: 'A'}]}, 'headers[0].value: must be a string, got nothing'],
      ['external', {headers: {A: '1'}}, 'headers: must be an array of {"name": ..., "value": ...} objects, got an object'],
      ['external', {service: null}, 'responseTimeCritical: needs "service" (response times are graphed as a service metric)'],
      ['expression', {evaluateBackwardMinutes: 1}, 'evaluateBackwardMinutes: must be a whole number from 2 to 10, got 1'],
      ['query', {evaluateBackwardMinutes: 11}, 'evaluateBackwardMinutes: must be a whole number from 0 to 10, got 11'],
      ['anomalyDetection', {scopes: []}, 'scopes: must list at least one scope'],
      ['anomalyDetection', {warningSensitivity: 'loud'}, 'warningSensitivity: must be one of "insensitive", "normal", "sensitive", got "loud"'],
    ]
    for (const [t, patch, msg] of cases) {
      const got = messages({...VALID[t], ...patch})
      assert.ok(got.includes(msg), `${t} ${JSON.stringify(patch).slice(0, 60)}: got ${JSON.stringify(got)}`)
    }
    const noSensitivity = {...VALID.anomalyDetection}
    delete noSensitivity.warningSensitivity
    assert.deepEqual(messages(noSensitivity), ['warningSensitivity: at least one of "warningSensitivity" and "criticalSensitivity" is required'])
  })

  it('type: missing, not a string, unknown (flagged so push can decide)', () => {
    assert.deepEqual(messages({name: 'x'}), ['type: required: one of host, connectivity, service, external, expression, anomalyDetection, query'])
    assert.match(messages({type: 3})[0], /^type: must be one of .*, got a number \(3\)$/)
    const [u] = validateMonitor({type: 'hots', name: 'typo'}, 4, 20)
    assert.equal(u.unknownType, true)
    assert.equal(formatIssue('m.json', u), 'm.json:20: monitors[4] "typo": type: unknown monitor type "hots" (known: host, connectivity, service, external, expression, anomalyDetection, query)')
    // the fields of an unknown type are not checked, only id/name
    assert.equal(validateMonitor({type: 'future', name: 'f', whatever: [1]}, 0).length, 1)
    assert.equal(validateMonitor({type: 'future', name: 7}, 0).length, 2)
  })

  it('a number too large for a double (1e999 -> Infinity) is out of range, wherever it is', () => {
    const range = 'number out of range: not a finite number (a JSON number must be smaller than about 1.8e308)'
    assert.deepEqual(messages({...VALID.host, warning: Infinity}), [`warning: ${range}`])
    assert.deepEqual(messages({...VALID.host, duration: -Infinity}), [`duration: ${range}`])
    // fields this CLI does not know would be sent as null: also refused
    assert.deepEqual(messages({...VALID.connectivity, future: {x: [1, Infinity]}}), [`future.x[1]: ${range}`])
    assert.deepEqual(messages({type: 'future', name: 'f', n: -Infinity}), [
      `n: ${range}`,
      'type: unknown monitor type "future" (known: host, connectivity, service, external, expression, anomalyDetection, query)',
    ])
  })

  it('without a usable type, the fields every monitor has are still checked', () => {
    assert.deepEqual(messages({name: '', notificationInterval: 5}), [
      'type: required: one of host, connectivity, service, external, expression, anomalyDetection, query',
      'name: must not be empty',
      'notificationInterval: must be a whole number of at least 10, got 5',
    ])
    assert.deepEqual(messages({type: 'future', name: 'f', isMute: 'no'}).slice(1), ['isMute: must be true or false, got a string ("no")'])
  })

  it('two problems in one rule are both listed', () => {
    assert.deepEqual(messages({...VALID.host, duration: 0, operator: '>='}), [
      'operator: must be one of ">", "<", got ">="',
      'duration: must be a whole number from 1 to 10, got 0',
    ])
  })

  it('an id used twice in the file', () => {
    const issues = validateMonitors([{...VALID.connectivity, id: 'a'}, {...VALID.host, id: 'a'}], [2, 9])
    assert.equal(issues.length, 1)
    assert.equal(formatIssue('m.json', issues[0]), 'm.json:9: monitors[1] "cpu": id: "a" is also the id of monitors[0]; each id may appear once')
  })
})
