// §7.5 alert group settings (CRUD; single items are returned bare), scoped by existing services, roles
// and monitors. Stored and returned; the sandbox does not group alerts.
import {badRequest} from '../http.js'
import type {Router} from '../router.js'
import type {Rec, Store} from '../store.js'
import {asObject, optNumber, optString, reqString, type Obj} from '../validate.js'
import {monitorList, recordOr404, roleList, serviceList} from './scopes.js'

const NAME_MAX = 250
const MEMO_MAX = 2048

function parseAlertGroupSetting(store: Store, body: unknown): Obj {
  const o = asObject(body)
  const out: Obj = {
    name: reqString(o, 'name', {max: NAME_MAX}),
    memo: optString(o, 'memo', {max: MEMO_MAX}) ?? '',
    serviceScopes: serviceList(store, o, 'serviceScopes'),
    roleScopes: roleList(store, o, 'roleScopes'),
    monitorScopes: monitorList(store, o, 'monitorScopes'),
  }
  // minutes, like a monitor's: the Go client leaves it out when unset (omitempty)
  const interval = optNumber(o, 'notificationInterval', {integer: true, min: 0})
  if (interval) {
    if (interval < 10) throw badRequest('notificationInterval must be at least 10 (minutes)')
    out.notificationInterval = interval
  }
  return out
}

function settingView(s: Rec): Obj {
  const {id, ...rest} = s
  return {id, ...rest}
}

export function registerAlertGroupSettings(r: Router): void {
  r.get('/api/v0/alert-group-settings', ({store}) => ({alertGroupSettings: [...store.alertGroupSettings.values()].map(settingView)}))

  r.post('/api/v0/alert-group-settings', ({store, body}) => settingView(store.addRecord(store.alertGroupSettings, parseAlertGroupSetting(store, body))))

  r.get('/api/v0/alert-group-settings/:id', ({store, params}) => settingView(recordOr404(store.alertGroupSettings, params.id, 'Alert group setting')))

  r.put('/api/v0/alert-group-settings/:id', ({store, params, body}) => {
    const s = recordOr404(store.alertGroupSettings, params.id, 'Alert group setting')
    const updated = {id: s.id, ...parseAlertGroupSetting(store, body)} as Rec
    store.alertGroupSettings.set(s.id, updated)
    return settingView(updated)
  })

  r.delete('/api/v0/alert-group-settings/:id', ({store, params}) => {
    const s = recordOr404(store.alertGroupSettings, params.id, 'Alert group setting')
    store.alertGroupSettings.delete(s.id)
    return settingView(s)
  })
}
