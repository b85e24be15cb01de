// Times print in the local zone, so tests pin it. Node reads process.env.TZ at each Date call.

/** Runs fn with TZ set, then restores the previous value. */
export function withTZ<T>(tz: string, fn: () => T): T {
  const old = process.env.TZ
  process.env.TZ = tz
  try {
    return fn()
  } finally {
    if (old === undefined) delete process.env.TZ
    else process.env.TZ = old
  }
}

/** Mocha hooks: TZ is `tz` for the enclosing describe block. */
export function useTZ(tz: string): void {
  let old: string | undefined
  before(() => {
    old = process.env.TZ
    process.env.TZ = tz
  })
  after(() => {
    if (old === undefined) delete process.env.TZ
    else process.env.TZ = old
  })
}
