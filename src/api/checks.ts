// Check monitoring reports (POST /api/v0/monitoring/checks/report), as `mkr wrap` and the agent send them.
import type {ApiClient} from './client.js'

export type CheckStatus = 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN'

export interface CheckReport {
  source: {type: 'host'; hostId: string}
  name: string
  status: CheckStatus
  message: string
  /** epoch seconds */
  occurredAt: number
  /** minutes; omitted = never re-notify */
  notificationInterval?: number
  maxCheckAttempts?: number
}

export const MAX_REPORTS_PER_REQUEST = 100

/**
 * Posts reports in chunks of 100. Reports are safe to resend (the server keeps one per host, name and
 * time), so the POST is retried like an idempotent call.
 */
export async function postCheckReports(
  client: ApiClient,
  reports: CheckReport[],
  opts: {budgetMs?: number; signal?: AbortSignal; maxAttempts?: number} = {},
): Promise<void> {
  for (let i = 0; i < reports.length; i += MAX_REPORTS_PER_REQUEST) {
    await client.post<{success: boolean}>(
      '/api/v0/monitoring/checks/report',
      {reports: reports.slice(i, i + MAX_REPORTS_PER_REQUEST)},
      {idempotent: true, budgetMs: opts.budgetMs, signal: opts.signal, maxAttempts: opts.maxAttempts},
    )
  }
}
