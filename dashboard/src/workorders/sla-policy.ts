/**
 * The site's SLA policy as the administration page shows and edits it: targets in minutes put into words
 * ("4 小时", "1 天 2 小时"), and the three inputs of the edit dialog checked against the protocol's own limits.
 */
import {
  ALARM_PRIORITIES,
  SLA_CLOCKS,
  type SlaClock,
  type SlaPolicy,
  type SlaTargets,
  WORK_ORDER_CATEGORIES,
} from '@fm/protocol'
import type { TFunction } from 'i18next'
import { formatNumber } from '../i18n/format.ts'
import type { Language } from '../i18n/i18n.ts'

const HOUR_MIN = 60
const DAY_MIN = 24 * HOUR_MIN

/** The key of each clock in `SlaTargets`. */
export const TARGET_KEYS = {
  response: 'responseMin',
  arrival: 'arrivalMin',
  resolution: 'resolutionMin',
} as const satisfies Record<SlaClock, keyof SlaTargets>

/**
 * The largest target of each clock the api accepts, in minutes: the `maximum` of `SlaTargets` (30 days, 90 days to
 * resolve), which its schema types do not carry; a test keeps them equal.
 */
export const MAX_TARGET_MIN: Readonly<Record<SlaClock, number>> = {
  response: 30 * DAY_MIN,
  arrival: 30 * DAY_MIN,
  resolution: 90 * DAY_MIN,
}

/**
 * Minutes in whole days, hours and minutes, leaving out the parts that are zero: 30 → "30 分钟", 240 → "4 小时",
 * 4320 → "3 天", 1500 → "1 天 1 小时". Exact, unlike a countdown: a target of 1 441 minutes is not "1 天".
 */
export function formatTargetMin(minutes: number, language: Language, t: TFunction): string {
  const days = Math.floor(minutes / DAY_MIN)
  const hours = Math.floor((minutes % DAY_MIN) / HOUR_MIN)
  const rest = minutes % HOUR_MIN
  const parts: [string, number][] = [
    ['days', days],
    ['hours', hours],
    ['minutes', rest],
  ]
  const shown = parts.filter(([, n]) => n > 0)
  if (shown.length === 0) return t('durations.minutes', { n: formatNumber(0, language, 0) })
  return shown.map(([key, n]) => t(`durations.${key}`, { n: formatNumber(n, language, 0) })).join(' ')
}

/** What the dialog's three inputs hold: text as typed. */
export type TargetsDraft = Record<SlaClock, string>

export function draftOfTargets(targets: SlaTargets): TargetsDraft {
  return {
    response: String(targets.responseMin),
    arrival: String(targets.arrivalMin),
    resolution: String(targets.resolutionMin),
  }
}

export type TargetsCheck = { ok: true; targets: SlaTargets } | { ok: false; clock: SlaClock; max: number }

/** The targets of `draft`, or the first clock that is not a whole number of minutes from 1 to its maximum. */
export function checkTargets(draft: TargetsDraft): TargetsCheck {
  const targets: Partial<Record<keyof SlaTargets, number>> = {}
  for (const clock of SLA_CLOCKS) {
    const text = draft[clock].trim()
    const value = Number(text)
    const max = MAX_TARGET_MIN[clock]
    if (!/^\d+$/.test(text) || value < 1 || value > max) return { ok: false, clock, max }
    targets[TARGET_KEYS[clock]] = value
  }
  return { ok: true, targets: targets as SlaTargets }
}

/** Where a policy sits in the table: categories in their catalogue order, then P0 to P3. */
export function bySlaCell(a: SlaPolicy, b: SlaPolicy): number {
  return (
    WORK_ORDER_CATEGORIES.indexOf(a.category) - WORK_ORDER_CATEGORIES.indexOf(b.category) ||
    ALARM_PRIORITIES.indexOf(a.priority) - ALARM_PRIORITIES.indexOf(b.priority)
  )
}
