// `mkr aws-integrations`: the AWS integration settings as mackerel-client-go's AWSIntegration marshals
// them (reference/mkr-compat.md §5.6: services sorted by name, `role` null when unset,
// `retireAutomatically` only when true, one metrics list when only one was given), or a table.
import type {ApiClient} from '../api/client.js'
import {listAwsIntegrations, type AwsIntegration, type AwsIntegrationService} from '../api/aws-integrations.js'
import {exportData, type OutputOptions} from '../output/export.js'
import type {IOStreams} from '../output/iostreams.js'
import {withProgress} from '../output/progress.js'
import {renderTable, type Column} from '../output/table.js'

const list = (v: string[] | null | undefined) => v ?? null

/** One AWS service's settings: the client's MarshalJSON keeps only the metrics list that was given. */
export function awsServiceJson(s: AwsIntegrationService): Record<string, unknown> {
  const included = list(s.includedMetrics)
  const excluded = list(s.excludedMetrics)
  const out: Record<string, unknown> = {enable: s.enable === true, role: s.role ?? null}
  if (excluded !== null && included === null) out.excludedMetrics = excluded
  else if (included !== null && excluded === null) out.includedMetrics = included
  else {
    out.includedMetrics = included
    out.excludedMetrics = excluded
  }
  if (s.retireAutomatically === true) out.retireAutomatically = true
  return out
}

export function awsIntegrationJson(a: AwsIntegration): Record<string, unknown> {
  const services = a.services
    ? Object.fromEntries(
        Object.keys(a.services)
          .sort()
          .map((k) => [k, awsServiceJson(a.services![k])]),
      )
    : null
  return {
    id: a.id,
    name: a.name,
    memo: a.memo ?? '',
    ...(a.key ? {key: a.key} : {}),
    ...(a.roleArn ? {roleArn: a.roleArn} : {}),
    ...(a.externalId ? {externalId: a.externalId} : {}),
    region: a.region,
    includedTags: a.includedTags ?? '',
    excludedTags: a.excludedTags ?? '',
    services,
  }
}

const COLUMNS: Column[] = [{head: 'NAME', fit: true}, {head: 'ID'}, {head: 'REGION'}, {head: 'CREDENTIALS', fit: true}, {head: 'ENABLED SERVICES', fit: true}]

function rows(list: AwsIntegration[]): string[][] {
  return list.map((a) => [
    a.name,
    a.id,
    a.region,
    a.roleArn ? `role ${a.roleArn}` : a.key ? `access key ${a.key}` : '',
    Object.entries(a.services ?? {})
      .filter(([, s]) => s.enable)
      .map(([k]) => k)
      .sort()
      .join(', '),
  ])
}

export async function runAwsIntegrations(opts: OutputOptions, io: IOStreams, client: () => Promise<ApiClient>): Promise<void> {
  const api = await client()
  const integrations = await withProgress(io, 'fetching AWS integrations', () => listAwsIntegrations(api))
  await exportData(integrations.map(awsIntegrationJson), opts, {render: (_p, width) => renderTable(COLUMNS, rows(integrations), {width}), empty: 'no AWS integrations'}, io)
}
