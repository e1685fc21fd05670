/**
 * The alarm rules of a site (`GET/PUT/DELETE /api/sites/:siteId/alarm-rules…`). The api's `AlarmRuleView` is not in
 * the protocol yet (it lives in api/src/alarm-rule-view.ts, which the dashboard may not import): this is its shape,
 * as much of it as the page reads.
 */
import type { AlarmPriority, DeviceKind, RuleOverride } from '@fm/protocol'
import { getJson, sendJson } from '../api.ts'

/** The numbers a site may change in a rule (`RuleOverride` without its ids). */
export type RuleSettings = Omit<RuleOverride, 'ruleId' | 'deviceId'>

export interface SiteAlarmRule {
  /** `<kind>.<name>` */
  id: string
  kind: DeviceKind
  name: { 'zh-CN': string; en: string }
  condition: { type: 'above' | 'below' | 'state' | 'rate' | 'mismatch' | 'comms-loss'; field?: string }
  /** The numbers that apply at the site: the catalog's, with the site's override. */
  enabled: boolean
  priority: AlarmPriority
  threshold?: number
  deadband?: number
  onDelaySec: number
  offDelaySec: number
  /** The catalog's numbers. */
  defaults: { priority: AlarmPriority; threshold?: number; deadband?: number; onDelaySec: number; offDelaySec: number }
  /** The site's override, when there is one. */
  override?: RuleSettings & { updatedAt: number }
  /** Devices with an override of their own. */
  devices: { deviceId: string }[]
}

const enc = encodeURIComponent
const rulePath = (siteId: string, ruleId: string) => `/api/sites/${enc(siteId)}/alarm-rules/${enc(ruleId)}`

export function fetchSiteAlarmRules(siteId: string, signal?: AbortSignal): Promise<SiteAlarmRule[]> {
  return getJson<SiteAlarmRule[]>(`/api/sites/${enc(siteId)}/alarm-rules`, signal)
}

/** Sets the site's override of the rule, whole: what is left out is the catalog's again. */
export function saveRuleOverride(siteId: string, ruleId: string, settings: RuleSettings): Promise<SiteAlarmRule> {
  return sendJson<SiteAlarmRule>('PUT', rulePath(siteId, ruleId), settings)
}

/** Removes the site's override: the rule is the catalog's again. */
export function removeRuleOverride(siteId: string, ruleId: string): Promise<SiteAlarmRule> {
  return sendJson<SiteAlarmRule>('DELETE', rulePath(siteId, ruleId))
}
