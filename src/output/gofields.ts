// What an `-f` template sees: the API's JSON as mkr's Go structs hold it (mackerel-client-go v0.46's
// Host and User, reference/mkr-compat.md §2.3). A template addresses Go field names (`.IPAddress`,
// not `.ipAddress`), gets Go's zero value for a missing field (`""`, a nil slice of len 0), cannot
// reach JSON fields the struct lacks, and can call the struct's methods (`.GetRoleFullnames`).
//
// Values are a small model of Go's reflect: every value carries its Go type, because the template
// engine (src/output/gotemplate.ts) prints, compares and reports errors by type, as Go does.

export type GoKind = 'bool' | 'string' | 'int' | 'int32' | 'int64' | 'uint8' | 'float64' | 'slice' | 'map' | 'struct' | 'ptr' | 'interface'

export interface GoType {
  kind: GoKind
  /** a defined type's name (`mackerel.Roles`); unnamed types print by structure (`[]string`) */
  name?: string
  /** the element of a slice, map (keys are always strings here) or pointer */
  elem?: GoType
  fields?: GoField[]
  /** methods with a pointer receiver, callable on *T (and on T, which this model treats as addressable) */
  methods?: Record<string, GoMethod>
}

export interface GoField {
  name: string
  /** the key encoding/json reads it from */
  json: string
  type: GoType
}

export interface GoMethod {
  /** the receiver is the struct value; throws an Error whose message Go would print after `error calling NAME: ` */
  call: (receiver: GoValue) => GoValue
}

/**
 * A Go value. The payload `v` by kind: bool → boolean; string → string; ints, float64 → number;
 * slice → GoValue[] | null (nil); map → Map<string, GoValue> | null (nil); struct → GoValue[] in field
 * order; ptr → GoValue | null (nil); interface → GoValue | null (nil, the dynamic value otherwise).
 * Go's invalid reflect.Value (a missing map key) is `undefined` wherever a value is expected.
 */
export class GoValue {
  constructor(
    readonly type: GoType,
    readonly v: unknown,
  ) {}
}

export const BOOL: GoType = {kind: 'bool'}
export const STRING: GoType = {kind: 'string'}
export const INT: GoType = {kind: 'int'}
export const INT32: GoType = {kind: 'int32'}
export const INT64: GoType = {kind: 'int64'}
export const UINT8: GoType = {kind: 'uint8'}
export const FLOAT64: GoType = {kind: 'float64'}
export const ANY: GoType = {kind: 'interface'}

export const sliceOf = (elem: GoType, name?: string): GoType => ({kind: 'slice', elem, ...(name ? {name} : {})})
export const mapOf = (elem: GoType, name?: string): GoType => ({kind: 'map', elem, ...(name ? {name} : {})})
export const ptrTo = (elem: GoType): GoType => ({kind: 'ptr', elem})

const STRINGS = sliceOf(STRING)
const ANY_SLICE = sliceOf(ANY)
const ANY_MAP = mapOf(ANY)

/** How Go's reflect prints a type: `*mackerel.Host`, `[]string`, `map[string]interface {}`. */
export function typeString(t: GoType): string {
  if (t.name) return t.name
  switch (t.kind) {
    case 'slice':
      return '[]' + typeString(t.elem!)
    case 'map':
      return 'map[string]' + typeString(t.elem!)
    case 'ptr':
      return '*' + typeString(t.elem!)
    case 'interface':
      return 'interface {}'
    case 'struct':
      return 'struct {...}'
    default:
      return t.kind
  }
}

export function zeroValue(t: GoType): GoValue {
  switch (t.kind) {
    case 'bool':
      return new GoValue(t, false)
    case 'string':
      return new GoValue(t, '')
    case 'struct':
      return new GoValue(
        t,
        t.fields!.map((f) => zeroValue(f.type)),
      )
    case 'slice':
    case 'map':
    case 'ptr':
    case 'interface':
      return new GoValue(t, null)
    default:
      return new GoValue(t, 0)
  }
}

function isObject(j: unknown): j is Record<string, unknown> {
  return typeof j === 'object' && j !== null && !Array.isArray(j)
}

/**
 * Decodes JSON into a value of type `t` as encoding/json does, except that a JSON value of the wrong
 * type leaves the zero value instead of failing the whole decode. Keys match struct fields by their
 * JSON tag, exactly or else case-insensitively; keys no field has are dropped.
 */
export function decodeJson(t: GoType, j: unknown): GoValue {
  switch (t.kind) {
    case 'bool':
      return new GoValue(t, typeof j === 'boolean' ? j : false)
    case 'string':
      return new GoValue(t, typeof j === 'string' ? j : '')
    case 'float64':
      return new GoValue(t, typeof j === 'number' ? j : 0)
    case 'int':
    case 'int32':
    case 'int64':
    case 'uint8':
      return new GoValue(t, typeof j === 'number' && Number.isFinite(j) ? Math.trunc(j) : 0)
    case 'slice':
      return new GoValue(t, Array.isArray(j) ? j.map((e) => decodeJson(t.elem!, e)) : null)
    case 'map':
      return new GoValue(t, isObject(j) ? new Map(Object.entries(j).map(([k, e]) => [k, decodeJson(t.elem!, e)])) : null)
    case 'ptr':
      return new GoValue(t, isObject(j) ? decodeJson(t.elem!, j) : null)
    case 'interface':
      return new GoValue(t, j === null || j === undefined ? null : dynamicValue(j))
    case 'struct': {
      const fields = t.fields!
      const values = fields.map((f) => zeroValue(f.type))
      if (isObject(j)) {
        for (const [key, e] of Object.entries(j)) {
          let i = fields.findIndex((f) => f.json === key)
          if (i < 0) i = fields.findIndex((f) => f.json.toLowerCase() === key.toLowerCase())
          if (i >= 0) values[i] = decodeJson(fields[i].type, e)
        }
      }
      return new GoValue(t, values)
    }
  }
}

/** A JSON value as encoding/json decodes it into an `any`: float64, string, bool, []interface {}, map[string]interface {}. */
export function dynamicValue(j: unknown): GoValue | undefined {
  if (j === null || j === undefined) return undefined
  if (j instanceof GoValue) return j
  if (typeof j === 'string') return new GoValue(STRING, j)
  if (typeof j === 'boolean') return new GoValue(BOOL, j)
  if (typeof j === 'number') return new GoValue(FLOAT64, j)
  if (Array.isArray(j)) return decodeJson(ANY_SLICE, j)
  if (isObject(j)) return decodeJson(ANY_MAP, j)
  return new GoValue(STRING, String(j))
}

/** A struct's field by Go name. */
export function fieldOf(struct: GoValue, name: string): GoValue | undefined {
  const i = struct.type.fields!.findIndex((f) => f.name === name)
  return i < 0 ? undefined : (struct.v as GoValue[])[i]
}

const field = (name: string, json: string, type: GoType): GoField => ({name, json, type})

// mackerel-client-go hosts.go
const INTERFACE: GoType = {
  kind: 'struct',
  name: 'mackerel.Interface',
  fields: [
    field('Name', 'name', STRING),
    field('IPAddress', 'ipAddress', STRING),
    field('IPv4Addresses', 'ipv4Addresses', STRINGS),
    field('IPv6Addresses', 'ipv6Addresses', STRINGS),
    field('MacAddress', 'macAddress', STRING),
  ],
}

const CLOUD: GoType = {
  kind: 'struct',
  name: 'mackerel.Cloud',
  fields: [field('Provider', 'provider', STRING), field('MetaData', 'metadata', ANY)],
}

const HOST_META: GoType = {
  kind: 'struct',
  name: 'mackerel.HostMeta',
  fields: [
    field('AgentRevision', 'agent-revision', STRING),
    field('AgentVersion', 'agent-version', STRING),
    field('AgentName', 'agent-name', STRING),
    field('BlockDevice', 'block_device', mapOf(ANY_MAP, 'mackerel.BlockDevice')),
    field('CPU', 'cpu', sliceOf(ANY_MAP, 'mackerel.CPU')),
    field('Filesystem', 'filesystem', mapOf(ANY, 'mackerel.FileSystem')),
    field('Kernel', 'kernel', mapOf(STRING, 'mackerel.Kernel')),
    field('Memory', 'memory', mapOf(STRING, 'mackerel.Memory')),
    field('Cloud', 'cloud', ptrTo(CLOUD)),
  ],
}

export const HOST: GoType = {
  kind: 'struct',
  name: 'mackerel.Host',
  fields: [
    field('ID', 'id', STRING),
    field('Name', 'name', STRING),
    field('DisplayName', 'displayName', STRING),
    field('CustomIdentifier', 'customIdentifier', STRING),
    field('Size', 'size', STRING),
    field('Status', 'status', STRING),
    field('Memo', 'memo', STRING),
    field('Roles', 'roles', mapOf(STRINGS, 'mackerel.Roles')),
    field('IsRetired', 'isRetired', BOOL),
    field('CreatedAt', 'createdAt', INT32),
    field('Meta', 'meta', HOST_META),
    field('Interfaces', 'interfaces', sliceOf(INTERFACE)),
  ],
  methods: {
    // Go ranges over the map, so mkr's order is random; ours is the services' sorted order
    GetRoleFullnames: {
      call: (h) => {
        const roles = fieldOf(h, 'Roles')!.v as Map<string, GoValue> | null
        if (!roles || roles.size === 0) return new GoValue(STRINGS, null)
        const names: GoValue[] = []
        for (const service of [...roles.keys()].sort()) {
          for (const role of (roles.get(service)!.v as GoValue[] | null) ?? []) names.push(new GoValue(STRING, `${service}:${role.v as string}`))
        }
        return new GoValue(STRINGS, names.length ? names : null)
      },
    },
    IPAddresses: {
      call: (h) => {
        const type = mapOf(STRING)
        const ifaces = fieldOf(h, 'Interfaces')!.v as GoValue[] | null
        if (!ifaces || ifaces.length === 0) return new GoValue(type, null)
        const m = new Map<string, GoValue>()
        for (const i of ifaces) m.set(fieldOf(i, 'Name')!.v as string, fieldOf(i, 'IPAddress')!)
        return new GoValue(type, m)
      },
    },
    DateFromCreatedAt: {
      call: () => {
        throw new Error('time.Time values are not supported; use .CreatedAt (epoch seconds)')
      },
    },
  },
}

// mackerel-client-go users.go
export const USER: GoType = {
  kind: 'struct',
  name: 'mackerel.User',
  fields: [
    field('ID', 'id', STRING),
    field('ScreenName', 'screenName', STRING),
    field('Email', 'email', STRING),
    field('Authority', 'authority', STRING),
    field('IsInRegistrationProcess', 'isInRegistrationProcess', BOOL),
    field('IsMFAEnabled', 'isMFAEnabled', BOOL),
    field('AuthenticationMethods', 'authenticationMethods', STRINGS),
    field('JoinedAt', 'joinedAt', INT64),
  ],
}

/** `[]*mackerel.Host`: what `mkr hosts -f` runs its template over. */
export function goHosts(hosts: readonly unknown[]): GoValue {
  return decodeJson(sliceOf(ptrTo(HOST)), hosts)
}

/** `[]*mackerel.User`: what `mkr users -f` runs its template over. */
export function goUsers(users: readonly unknown[]): GoValue {
  return decodeJson(sliceOf(ptrTo(USER)), users)
}
