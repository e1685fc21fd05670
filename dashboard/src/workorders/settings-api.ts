/** The api routes behind the maintenance settings: a site's SLA targets and each technician's trades. */
import type { AlarmPriority, SlaPolicy, SlaTargets, WorkOrderCategory } from '@fm/protocol'
import { sendJson } from '../api.ts'

const enc = encodeURIComponent

/** 400 `FM_ERR_VALIDATION` for a target out of range; answers the policy as stored, `custom` when not the seed. */
export function saveSlaTargets(
  siteId: string,
  category: WorkOrderCategory,
  priority: AlarmPriority,
  targets: SlaTargets,
): Promise<SlaPolicy> {
  return sendJson<SlaPolicy>('PUT', `/api/sla-policies/${enc(siteId)}/${enc(category)}/${enc(priority)}`, { targets })
}

/** 404 `FM_ERR_USER_NOT_FOUND` for a user who is gone or no technician. */
export function saveTechnicianTrades(
  username: string,
  trades: readonly WorkOrderCategory[],
): Promise<{ username: string; trades: WorkOrderCategory[] }> {
  return sendJson('PUT', `/api/technicians/${enc(username)}/trades`, { trades })
}
