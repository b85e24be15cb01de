// AWS integrations (/api/v0/aws-integrations): the list (its key is `aws_integrations`).
import type {ApiClient} from './client.js'
import {arrayOf, boolean, checked, idString, object, optional, recordOf, string} from './shape.js'

export interface AwsIntegrationService {
  enable?: boolean
  role?: string | null
  includedMetrics?: string[] | null
  excludedMetrics?: string[] | null
  retireAutomatically?: boolean
  [key: string]: unknown
}

export interface AwsIntegration {
  id: string
  name: string
  memo?: string | null
  key?: string | null
  roleArn?: string | null
  externalId?: string | null
  region: string
  includedTags?: string | null
  excludedTags?: string | null
  services?: Record<string, AwsIntegrationService> | null
  [key: string]: unknown
}

const serviceShape = object({
  enable: optional(boolean),
  role: optional(string),
  includedMetrics: optional(arrayOf(string)),
  excludedMetrics: optional(arrayOf(string)),
  retireAutomatically: optional(boolean),
})

const integrationShape = object({
  id: idString,
  name: string,
  memo: optional(string),
  key: optional(string),
  roleArn: optional(string),
  externalId: optional(string),
  region: string,
  includedTags: optional(string),
  excludedTags: optional(string),
  services: optional(recordOf(serviceShape)),
})

export async function listAwsIntegrations(client: ApiClient): Promise<AwsIntegration[]> {
  const path = '/api/v0/aws-integrations'
  const body = await client.get<unknown>(path)
  return checked<{aws_integrations: AwsIntegration[]}>(client, 'GET', path, body, object({aws_integrations: arrayOf(integrationShape)})).aws_integrations
}
