// `mkr org`: the organization the API key belongs to, in mkr's shape (displayName only when set).
import type {ApiClient} from '../api/client.js'
import {getOrg} from '../api/org.js'
import {exportData, type OutputOptions} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'

export async function runOrg(opts: OutputOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  const api = await client()
  const org = await withProgress(io, 'fetching the organization', () => getOrg(api))
  await exportData(org.displayName ? {name: org.name, displayName: org.displayName} : {name: org.name}, opts, undefined, io)
}
