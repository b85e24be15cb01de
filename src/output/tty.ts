// Decisions about humans vs. pipes. Tables and color only for a terminal; JSON for scripts.

export interface OutputMode {
  /** render a table rather than JSON */
  table: boolean
  /** ANSI colors allowed on stdout */
  color: boolean
}

/**
 * json: --json given; color: --color/--no-color if given.
 * Color is off when NO_COLOR is set (any value, per no-color.org), TERM=dumb, or stdout is not a TTY.
 */
export function outputMode(
  opts: {json?: boolean; color?: boolean},
  stream: {isTTY?: boolean} = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): OutputMode {
  const tty = Boolean(stream.isTTY)
  const table = tty && !opts.json
  let color = tty && env.NO_COLOR === undefined && env.TERM !== 'dumb'
  if (opts.color === false) color = false
  if (opts.color === true && tty) color = true
  return {table, color}
}

/** Color allowed on stderr (progress lines, log prefixes). */
export function stderrColor(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(process.stderr.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb'
}
