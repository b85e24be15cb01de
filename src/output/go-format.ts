// `-f/--format TEMPLATE` of `mkr hosts` and `mkr users` (reference/mkr-compat.md §2.3): a Go
// text/template over the raw API objects as mackerel-client-go's structs hold them. The template is
// checked before any request (a syntax error or an unknown function is a usage error, exit 2); running
// it over the data can still fail (an unknown field), exit 1, after printing what Go would have printed.
import {CliError, UsageError} from '../errors.js'
import type {IOStreams} from './iostreams.js'
import {escapeControlKeepLines} from './sanitize.js'

/** Which client struct the template runs over: `[]*mackerel.Host` or `[]*mackerel.User`. */
export type GoFormatData = 'hosts' | 'users'

export interface GoFormat {
  /** runs the template over the raw objects and prints the result */
  print(items: readonly unknown[], io: IOStreams): void
}

/**
 * `-f TEMPLATE`, checked now; `print` runs it. What the template prints goes out as it is when piped
 * (scripts parse it); on a terminal, control characters from server text are shown escaped.
 */
export async function goTemplate(format: string, jq: string | undefined, data: GoFormatData = 'hosts'): Promise<GoFormat> {
  if (jq !== undefined) throw new UsageError('--format and --jq options are incompatible.')
  const {checkGoTemplate, renderGoTemplate, GoTemplateError} = await import('./gotemplate.js')
  const {goHosts, goUsers} = await import('./gofields.js')
  try {
    checkGoTemplate(format)
  } catch (error) {
    if (error instanceof GoTemplateError) throw new UsageError(`--format: ${error.message}`)
    throw error
  }
  const decode = data === 'users' ? goUsers : goHosts
  return {
    print(items, io) {
      const safe = (s: string) => (io.stdoutTTY ? escapeControlKeepLines(s) : s)
      try {
        io.out(safe(renderGoTemplate(format, decode(items))))
      } catch (error) {
        if (!(error instanceof GoTemplateError)) throw error
        if (error.output) io.out(safe(error.output)) // Go has printed this much when it fails
        throw new CliError(`--format: ${error.message}`)
      }
    },
  }
}
