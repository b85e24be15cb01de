// The sandbox clock (`mkr sandbox --speed N`): the store, metric retention, check report ages,
// monitor durations and connectivity all read this one clock, so running it N times faster makes
// every "for 10 minutes" window pass in 10/N minutes.

/** A clock that, from the moment it is made, runs `speed` times faster than `source` (epoch ms). */
export function scaledClock(source: () => number, speed = 1): () => number {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new Error(`speed must be a positive number: ${speed}`)
  if (speed === 1) return source
  const origin = source()
  return () => origin + (source() - origin) * speed
}

/**
 * How often (real ms) monitors are evaluated on the timer: once a sandbox minute (as Mackerel does),
 * but at least every 10 s so a demo at normal speed reacts soon, and at most every 100 ms.
 */
export function evaluationIntervalMs(speed = 1): number {
  return Math.min(10_000, Math.max(100, Math.round(60_000 / speed)))
}
