// `mkr channels` and `mkr channels pull`: notification channels as mackerel-client-go's Channel
// marshals them (reference/mkr-compat.md §5.6: `mentions` always present, other details only when
// the API gave them), as a table on a terminal, or saved as {"channels": [...]} to a file.
import type {ApiClient} from '../api/client.js'
import {listChannels, type Channel} from '../api/channels.js'
import {CliError, fsReason} from '../errors.js'
import {writeFileSafely} from '../files.js'
import {exportData, type OutputOptions} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {formatJson} from '../output/json.js'
import {withProgress} from '../output/progress.js'
import {escapeControl} from '../output/sanitize.js'
import {renderTable, type Column} from '../output/table.js'
import {relativeTime} from '../output/time.js'

export const DEFAULT_CHANNELS_FILE = 'channels.json'

const present = (v: unknown) => v !== undefined && v !== null

/** One channel in mkr's shape: Go field order; pointer fields only when the API sent them. */
export function channelJson(c: Channel): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (c.id) out.id = c.id
  out.name = c.name
  out.type = c.type
  if (present(c.suspendedAt)) out.suspendedAt = Math.trunc(c.suspendedAt!)
  if (present(c.emails)) out.emails = c.emails
  if (present(c.userIds)) out.userIds = c.userIds
  const m = c.mentions ?? {}
  out.mentions = {...(m.ok ? {ok: m.ok} : {}), ...(m.warning ? {warning: m.warning} : {}), ...(m.critical ? {critical: m.critical} : {})}
  if (present(c.enabledGraphImage)) out.enabledGraphImage = c.enabledGraphImage
  if (c.url) out.url = c.url
  if (present(c.events)) out.events = c.events
  if (present(c.addToDefaultNotificationGroup) && typeof c.addToDefaultNotificationGroup === 'boolean') out.addToDefaultNotificationGroup = c.addToDefaultNotificationGroup
  return out
}

const COLUMNS: Column[] = [{head: 'NAME', fit: true}, {head: 'TYPE'}, {head: 'ID'}, {head: 'EVENTS', fit: true}, {head: 'SENDS TO', fit: true}, {head: 'SUSPENDED'}]

/** Where a channel sends: its URL, or its addresses and user ids. */
function target(c: Channel): string {
  if (c.url) return c.url
  const parts = [...(c.emails ?? []), ...(c.userIds ?? []).map((id) => `user ${id}`)]
  return parts.join(', ')
}

function channelRows(channels: Channel[], nowMs = Date.now()): string[][] {
  return channels.map((c) => [c.name, c.type, c.id, (c.events ?? []).join(', '), target(c), c.suspendedAt ? relativeTime(c.suspendedAt, nowMs) : ''])
}

export async function runChannels(opts: OutputOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  const api = await client()
  const channels = await withProgress(io, 'fetching channels', () => listChannels(api))
  await exportData(channels.map(channelJson), opts, {render: (_p, width) => renderTable(COLUMNS, channelRows(channels), {width}), empty: 'no channels'}, io)
}

export interface ChannelsPullOptions {
  /** -F (default channels.json; an empty value means the default, as in mkr) */
  file?: string
  /** also print the channels as JSON on stdout */
  verbose?: boolean
}

/**
 * `mkr channels pull`: writes {"channels": [...]} (mkr's shape, 4-space JSON, trailing newline). The
 * file is replaced atomically, so a failure never leaves half of it.
 */
export async function runChannelsPull(opts: ChannelsPullOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  const file = opts.file || DEFAULT_CHANNELS_FILE
  const api = await client()
  const channels = (await withProgress(io, 'fetching channels', () => listChannels(api))).map(channelJson)
  try {
    writeFileSafely(file, formatJson({channels}), {mode: 0o666})
  } catch (error) {
    throw new CliError(`cannot write ${file}: ${fsReason(error, {enoent: 'no such directory'})}`)
  }
  if (opts.verbose) io.out(formatJson(channels))
  io.info(`Channels are saved to '${escapeControl(file)}' (${channels.length} rules).`)
}
