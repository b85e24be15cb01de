import type {ApiClient} from './client.js'

export interface Org {
  name: string
  displayName?: string | null
}

export function getOrg(client: ApiClient): Promise<Org> {
  return client.get<Org>('/api/v0/org')
}
