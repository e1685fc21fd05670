/**
 * `GET /api/audit` (`audit.read`): the audit log, newest first, a page at a time. 400 `FM_ERR_VALIDATION` for a
 * query the api's schema refuses, 403 `FM_ERR_FORBIDDEN`, or `FM_ERR_SCOPE_FORBIDDEN` for a site outside the scope.
 */
import type { AuditPage } from '@fm/protocol'
import { getJson } from '../api.ts'

export function fetchAudit(query: URLSearchParams, signal?: AbortSignal): Promise<AuditPage> {
  const search = query.toString()
  return getJson<AuditPage>(`/api/audit${search ? `?${search}` : ''}`, signal)
}
