/**
 * What an administrator types into a row of the alarm rules page, and the override it makes. An override keeps only
 * what differs from the catalog, so that a later change of the catalog's default still reaches the site; a row equal
 * to the catalog's numbers removes the override.
 */
import type { AlarmPriority } from '@fm/protocol'
import type { RuleSettings, SiteAlarmRule } from './rules-api.ts'

/** The longest on- or off-delay the api takes: a week. */
export const MAX_RULE_DELAY_SEC = 7 * 24 * 60 * 60

export interface RuleDraft {
  enabled: boolean
  priority: AlarmPriority
  threshold: string
  deadband: string
  onDelaySec: string
  offDelaySec: string
}

export type RuleProblem = 'threshold' | 'deadband' | 'delay'

export type DraftResult = { ok: true; settings: RuleSettings } | { ok: false; problem: RuleProblem }

const text = (value: number | undefined) => (value === undefined ? '' : String(value))

/** Whether the rule has a threshold to change: a number above or below one. */
export function hasThreshold(rule: SiteAlarmRule): boolean {
  return rule.condition.type === 'above' || rule.condition.type === 'below'
}

export function draftOf(rule: SiteAlarmRule): RuleDraft {
  return {
    enabled: rule.enabled,
    priority: rule.priority,
    threshold: text(rule.threshold),
    deadband: text(rule.deadband),
    onDelaySec: text(rule.onDelaySec),
    offDelaySec: text(rule.offDelaySec),
  }
}

function delay(value: string): number | undefined {
  const seconds = Number(value)
  return value.trim() !== '' && Number.isInteger(seconds) && seconds >= 0 && seconds <= MAX_RULE_DELAY_SEC
    ? seconds
    : undefined
}

/** The override the draft makes: only what differs from the catalog's defaults; or what is wrong with it. */
export function draftSettings(rule: SiteAlarmRule, draft: RuleDraft): DraftResult {
  const { defaults } = rule
  const settings: RuleSettings = {}
  if (!draft.enabled) settings.enabled = false
  if (draft.priority !== defaults.priority) settings.priority = draft.priority
  if (hasThreshold(rule)) {
    const threshold = Number(draft.threshold)
    const deadband = Number(draft.deadband)
    if (draft.threshold.trim() === '' || !Number.isFinite(threshold)) return { ok: false, problem: 'threshold' }
    if (draft.deadband.trim() === '' || !Number.isFinite(deadband) || deadband < 0) {
      return { ok: false, problem: 'deadband' }
    }
    if (threshold !== defaults.threshold) settings.threshold = threshold
    if (deadband !== defaults.deadband) settings.deadband = deadband
  }
  const onDelaySec = delay(draft.onDelaySec)
  const offDelaySec = delay(draft.offDelaySec)
  if (onDelaySec === undefined || offDelaySec === undefined) return { ok: false, problem: 'delay' }
  if (onDelaySec !== defaults.onDelaySec) settings.onDelaySec = onDelaySec
  if (offDelaySec !== defaults.offDelaySec) settings.offDelaySec = offDelaySec
  return { ok: true, settings }
}
