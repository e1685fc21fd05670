/**
 * The conditions of the alarm rule catalog (`ALARM_RULES`), judged on a device's latest values, and the rules as a
 * site and a device override them. Pure: no clock, no store. The engine (alarm-engine.ts) adds time: on-delay,
 * off-delay, and what is raised and cleared.
 *
 * A condition gives one of four verdicts: `alarm` (it holds), `normal` (it is clear, past its deadband), `deadband`
 * (in between: whichever state the alarm is in, it stays there, which is what keeps a value hovering at the threshold
 * from chattering) and `unknown` (the device never reported a field the condition needs).
 */
import type { AlarmRule, FieldValue, RuleCondition, RuleOverride } from '@fm/protocol'

export type Verdict = 'alarm' | 'normal' | 'deadband' | 'unknown'

export type Values = ReadonlyMap<string, FieldValue>

/** One value of a rate rule's field, at the time it was measured. */
export interface Sample {
  at: number
  value: number
}

/**
 * A rate rule carries no deadband: its alarm clears once the rise within the window is back to half its limit, so a
 * rise that hovers at the limit does not chatter either.
 */
const RATE_CLEAR_SHARE = 0.5
/** Samples kept per rate window: one every window/300 at most, however often the device reports. */
const RATE_SAMPLES_PER_WINDOW = 300

type Bound = Extract<RuleCondition, { type: 'above' | 'below' }>

/** The number a bound judges: its field, or the worst of its field and `alsoFields` that the device reported. */
function boundValue(condition: Bound, values: Values): number | undefined {
  const numbers = [condition.field, ...(condition.alsoFields ?? [])]
    .map((field) => values.get(field))
    .filter((value): value is number => typeof value === 'number')
  if (numbers.length === 0) return undefined
  return condition.type === 'above' ? Math.max(...numbers) : Math.min(...numbers)
}

export function judge(condition: RuleCondition, values: Values, rise?: number): Verdict {
  switch (condition.type) {
    case 'above': {
      const value = boundValue(condition, values)
      if (value === undefined) return 'unknown'
      if (value > condition.threshold) return 'alarm'
      return value <= condition.threshold - condition.deadband ? 'normal' : 'deadband'
    }
    case 'below': {
      const value = boundValue(condition, values)
      if (value === undefined) return 'unknown'
      if (value < condition.threshold) return 'alarm'
      return value >= condition.threshold + condition.deadband ? 'normal' : 'deadband'
    }
    case 'state': {
      const value = values.get(condition.field)
      if (value === undefined) return 'unknown'
      return condition.values.includes(value) ? 'alarm' : 'normal'
    }
    case 'rate': {
      if (rise === undefined) return 'unknown'
      if (rise > condition.rise) return 'alarm'
      return rise <= condition.rise * RATE_CLEAR_SHARE ? 'normal' : 'deadband'
    }
    case 'mismatch': {
      const command = values.get(condition.command)
      const feedback = values.get(condition.feedback)
      if (typeof command !== 'boolean' || typeof feedback !== 'boolean') return 'unknown'
      return command && !feedback ? 'alarm' : 'normal'
    }
    case 'comms-loss':
      // judged on liveness, not on values (comms-loss.ts)
      return 'unknown'
  }
}

/** The value an alarm records at its raise: the field the condition watches (for a mismatch, the feedback). */
export function alarmValue(condition: RuleCondition, values: Values): FieldValue | undefined {
  switch (condition.type) {
    case 'above':
    case 'below':
      return boundValue(condition, values)
    case 'state':
    case 'rate':
      return values.get(condition.field)
    case 'mismatch':
      return values.get(condition.feedback)
    case 'comms-loss':
      return undefined
  }
}

/** Whether every `suppressWhen` state of the rule holds: a state of the device explains the alarm. */
export function suppressedByDesign(rule: AlarmRule, values: Values): boolean {
  const when = rule.suppressWhen
  if (!when || when.length === 0) return false
  return when.every(({ field, equals }) => values.get(field) === equals)
}

/** Adds a sample to a rate window (measured in order) and drops those older than the window. */
export function addSample(samples: Sample[], sample: Sample, windowSec: number): void {
  const windowMs = windowSec * 1000
  const last = samples.at(-1)
  if (last && sample.at - last.at < windowMs / RATE_SAMPLES_PER_WINDOW) {
    // too close to the last one to be kept as well; the window only serves its lowest value
    last.value = Math.min(last.value, sample.value)
  } else {
    samples.push(sample)
  }
  const from = sample.at - windowMs
  let stale = 0
  while (stale < samples.length && (samples[stale]?.at ?? from) < from) stale += 1
  if (stale > 0) samples.splice(0, stale)
}

/** How much `value` is above the lowest sample of the window. */
export function riseWithin(samples: readonly Sample[], value: number): number {
  let lowest = value
  for (const sample of samples) lowest = Math.min(lowest, sample.value)
  return value - lowest
}

// ---- overrides ----------------------------------------------------------------------------------------------

/** Overrides by site and rule: the site-wide one (no `deviceId`) and the per-device ones. */
export type OverrideIndex = ReadonlyMap<string, readonly RuleOverride[]>

const overrideKey = (siteId: string, ruleId: string) => `${siteId}\n${ruleId}`

export function indexOverrides(overrides: readonly (RuleOverride & { siteId: string })[]): OverrideIndex {
  const index = new Map<string, RuleOverride[]>()
  for (const override of overrides) {
    const key = overrideKey(override.siteId, override.ruleId)
    const list = index.get(key) ?? []
    list.push(override)
    index.set(key, list)
  }
  return index
}

function withNumbers(condition: RuleCondition, threshold?: number, deadband?: number): RuleCondition {
  switch (condition.type) {
    case 'above':
    case 'below':
      return { ...condition, threshold: threshold ?? condition.threshold, deadband: deadband ?? condition.deadband }
    case 'rate':
      // a rate rule's threshold is its rise; it has no deadband to move (RATE_CLEAR_SHARE)
      return { ...condition, rise: threshold ?? condition.rise }
    default:
      return condition
  }
}

/**
 * A catalog rule as it applies to one device: the site's override, then the device's, field by field (a device may
 * enable what its site disabled). Undefined when disabled.
 */
export function effectiveRule(
  rule: AlarmRule,
  siteId: string,
  deviceId: string,
  index: OverrideIndex,
): AlarmRule | undefined {
  const list = index.get(overrideKey(siteId, rule.id))
  if (!list) return rule
  const site = list.find((override) => override.deviceId === undefined)
  const device = list.find((override) => override.deviceId === deviceId)
  if (!site && !device) return rule
  const merged: Omit<RuleOverride, 'ruleId'> = { ...site, ...device }
  if (merged.enabled === false) return undefined
  return {
    ...rule,
    priority: merged.priority ?? rule.priority,
    onDelaySec: merged.onDelaySec ?? rule.onDelaySec,
    offDelaySec: merged.offDelaySec ?? rule.offDelaySec,
    condition: withNumbers(rule.condition, merged.threshold, merged.deadband),
  }
}
