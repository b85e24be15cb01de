// The entry of dist/wrap.cjs (scripts/build.js): `mkr wrap` without oclif and the other commands,
// which cron runs all day. The same code as the oclif command (src/wrap/cli.ts); help goes through
// the main bundle (src/main.ts).
import {undiciTransport, useTransport} from '../api/client.js'
import {runWrapCli} from '../wrap/cli.js'

/** The exit code, or undefined when help was asked for. */
export function wrap(argv: readonly string[]): Promise<number | undefined> {
  useTransport(undiciTransport)
  return runWrapCli(argv)
}
