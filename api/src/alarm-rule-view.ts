/**
 * The alarm rule catalog as a site sees it: each rule of its kinds of equipment with the site's override merged in,
 * and the devices that have their own. An override changes a rule's numbers field by field, the site's first, then
 * a device's (as ingest applies them); everything else is the catalog's. Pure: the routes read the store.
 */
import {
  ALARM_PRIORITIES,
  type AlarmPriority,
  type AlarmRule,
  DEVICE_KINDS,
  ID_PATTERN,
  type RuleOverride,
  WORK_ORDER_CATEGORIES,
} from '@fm/protocol'
import type { SiteRuleOverride } from '@fm/store'
import { type Static, Type } from 'typebox'

/** Longest on- or off-delay an override may set: a week (the catalog's longest is a day). */
export const MAX_RULE_DELAY_SEC = 7 * 24 * 60 * 60

const Delay = (description: string) => Type.Integer({ minimum: 0, maximum: MAX_RULE_DELAY_SEC, description })

const SETTINGS = {
  enabled: Type.Optional(Type.Boolean({ description: 'false: the rule raises nothing here' })),
  priority: Type.Optional(Type.Enum(ALARM_PRIORITIES)),
  threshold: Type.Optional(Type.Number({ description: 'only for rules on a number above or below a threshold' })),
  deadband: Type.Optional(Type.Number({ minimum: 0, description: 'hysteresis; only with a threshold' })),
  onDelaySec: Type.Optional(Delay('the condition must hold this long before the alarm is raised')),
  offDelaySec: Type.Optional(Delay('the condition must stay clear this long before the alarm clears')),
}

/** `PUT /api/sites/:siteId/alarm-rules/:ruleId`: the override, whole; without `deviceId` the site's. */
export const RuleOverrideInput = Type.Object(
  {
    deviceId: Type.Optional(Type.String({ pattern: ID_PATTERN, description: "a device's own override" })),
    ...SETTINGS,
  },
  { additionalProperties: false },
)
export type RuleOverrideInput = Static<typeof RuleOverrideInput>

const OverrideView = Type.Object({ ...SETTINGS, updatedAt: Type.Integer({ description: 'epoch ms' }) })

const Numbers = {
  enabled: Type.Boolean(),
  priority: Type.Enum(ALARM_PRIORITIES),
  threshold: Type.Optional(Type.Number()),
  deadband: Type.Optional(Type.Number()),
  onDelaySec: Type.Integer(),
  offDelaySec: Type.Integer(),
}

const Text = Type.Object({ 'zh-CN': Type.String(), en: Type.String() })

export const AlarmRuleView = Type.Object({
  id: Type.String({ description: '`<kind>.<name>`' }),
  kind: Type.Enum(DEVICE_KINDS),
  name: Text,
  guidance: Text,
  condition: Type.Object(
    {
      type: Type.Enum(['above', 'below', 'state', 'rate', 'mismatch', 'comms-loss']),
      field: Type.Optional(Type.String()),
      threshold: Type.Optional(Type.Number()),
      deadband: Type.Optional(Type.Number()),
      values: Type.Optional(Type.Array(Type.Union([Type.Number(), Type.Boolean(), Type.String()]))),
      rise: Type.Optional(Type.Number()),
      windowSec: Type.Optional(Type.Number()),
      command: Type.Optional(Type.String()),
      feedback: Type.Optional(Type.String()),
    },
    { description: "the catalog's condition with the site's threshold and deadband" },
  ),
  latch: Type.Boolean(),
  ack: Type.Enum(['required', 'auto']),
  workOrder: Type.Optional(
    Type.Object({ category: Type.Enum(WORK_ORDER_CATEGORIES), priority: Type.Enum(ALARM_PRIORITIES) }),
  ),
  ...Numbers,
  defaults: Type.Object(
    {
      priority: Type.Enum(ALARM_PRIORITIES),
      threshold: Type.Optional(Type.Number()),
      deadband: Type.Optional(Type.Number()),
      onDelaySec: Type.Integer(),
      offDelaySec: Type.Integer(),
    },
    { description: "the catalog's numbers" },
  ),
  override: Type.Optional(OverrideView),
  devices: Type.Array(Type.Object({ deviceId: Type.String(), ...Numbers, override: OverrideView }), {
    description: 'the devices with an override of their own, with the numbers that apply to them',
  }),
})
export type AlarmRuleView = Static<typeof AlarmRuleView>

type Settings = Omit<RuleOverride, 'ruleId' | 'deviceId'>
const NumbersSchema = Type.Object(Numbers)
type Numbers = Static<typeof NumbersSchema>

const SETTING_KEYS = ['enabled', 'priority', 'threshold', 'deadband', 'onDelaySec', 'offDelaySec'] as const

/** The settings of an override or an input, without its ids and time. */
export function settingsOf(override: Settings): Settings {
  const settings: Settings = {}
  for (const key of SETTING_KEYS) {
    if (override[key] !== undefined) Object.assign(settings, { [key]: override[key] })
  }
  return settings
}

function hasThreshold(rule: AlarmRule): rule is AlarmRule & { condition: { threshold: number; deadband: number } } {
  return rule.condition.type === 'above' || rule.condition.type === 'below'
}

/**
 * Why `rule` cannot take these settings; undefined when it can. The schema checked the types and ranges (a deadband
 * is not negative, delays are whole seconds up to a week).
 */
export function overrideRefusal(rule: AlarmRule, settings: Settings): string | undefined {
  if (Object.keys(settings).length === 0) {
    return 'an override sets at least one of enabled, priority, threshold, deadband, onDelaySec, offDelaySec'
  }
  if (!hasThreshold(rule) && (settings.threshold !== undefined || settings.deadband !== undefined)) {
    return `rule "${rule.id}" is not a threshold on a number: it takes no threshold or deadband`
  }
  return undefined
}

/** The numbers of `rule` with `overrides` applied in order, field by field. */
export function effectiveNumbers(rule: AlarmRule, ...overrides: (Settings | undefined)[]): Numbers {
  const merged: Settings = Object.assign({}, ...overrides.map((override) => override && settingsOf(override)))
  const numbers: Numbers = {
    enabled: merged.enabled ?? true,
    priority: merged.priority ?? rule.priority,
    onDelaySec: merged.onDelaySec ?? rule.onDelaySec,
    offDelaySec: merged.offDelaySec ?? rule.offDelaySec,
  }
  if (hasThreshold(rule)) {
    numbers.threshold = merged.threshold ?? rule.condition.threshold
    numbers.deadband = merged.deadband ?? rule.condition.deadband
  }
  return numbers
}

function conditionView(rule: AlarmRule, numbers: Numbers): AlarmRuleView['condition'] {
  const { condition } = rule
  switch (condition.type) {
    case 'above':
    case 'below':
      return {
        ...condition,
        threshold: numbers.threshold ?? condition.threshold,
        deadband: numbers.deadband ?? condition.deadband,
      }
    case 'state':
      return { ...condition, values: [...condition.values] }
    default:
      return { ...condition }
  }
}

function overrideView(override: SiteRuleOverride) {
  return { ...settingsOf(override), updatedAt: override.updatedAt }
}

/**
 * One rule as a site sees it. `overrides` are the site's for this rule; `devices` those of its devices to show
 * (the user's scope): the others' overrides are left out.
 */
export function alarmRuleView(
  rule: AlarmRule,
  overrides: readonly SiteRuleOverride[],
  showsDevice: (deviceId: string) => boolean,
): AlarmRuleView {
  const site = overrides.find((override) => override.ruleId === rule.id && override.deviceId === undefined)
  const numbers = effectiveNumbers(rule, site)
  const view: AlarmRuleView = {
    id: rule.id,
    kind: rule.kind,
    name: rule.name,
    guidance: rule.guidance,
    condition: conditionView(rule, numbers),
    latch: rule.latch,
    ack: rule.ack,
    ...(rule.workOrder === undefined ? {} : { workOrder: rule.workOrder }),
    ...numbers,
    defaults: {
      priority: rule.priority,
      onDelaySec: rule.onDelaySec,
      offDelaySec: rule.offDelaySec,
      ...(hasThreshold(rule) ? { threshold: rule.condition.threshold, deadband: rule.condition.deadband } : {}),
    },
    devices: overrides
      .filter((override) => override.ruleId === rule.id && override.deviceId !== undefined)
      .filter((override) => showsDevice(override.deviceId ?? ''))
      .map((override) => ({
        deviceId: override.deviceId ?? '',
        ...effectiveNumbers(rule, site, override),
        override: overrideView(override),
      })),
  }
  if (site) view.override = overrideView(site)
  return view
}

/** The priority an alarm of `rule` has on `deviceId` at a site with `overrides`. */
export function effectivePriority(
  rule: AlarmRule,
  deviceId: string,
  overrides: readonly SiteRuleOverride[],
): AlarmPriority {
  const site = overrides.find((override) => override.ruleId === rule.id && override.deviceId === undefined)
  const device = overrides.find((override) => override.ruleId === rule.id && override.deviceId === deviceId)
  return effectiveNumbers(rule, site, device).priority
}
