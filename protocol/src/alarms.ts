/**
 * Alarms as ISA-18.2 / IEC 62682 and OPC UA Part 9 define them, for the control room.
 *
 * - **One instance per (device, rule)**, kept for good: a re-trigger while it is not back to normal increments its
 *   `count`; a raise after it went back to normal starts a new occurrence on the same instance (`raisedAt`, count 1).
 *   The journal keeps every transition.
 * - **State** is two facts, `active` (the condition holds, or a latched alarm was not reset) and `acknowledged`, which
 *   make ISA-18.2's four states (`alarmState`): normal, active-unacknowledged, active-acknowledged and
 *   returned-to-normal-unacknowledged.
 * - **Latched** alarms (fire) stay active after their condition clears until someone resets them.
 * - **Suppression** hides an alarm from the console without losing it: shelved by an operator (timed, at most
 *   `MAX_SHELVE_MS`, or one-shot until it returns to normal), out of service until a time (a fire zone under test), or
 *   suppressed by design (a state explains it: low pressure while the pumps are commanded off). A suppressed alarm still
 *   changes state and still counts; it does not sound.
 *
 * The rule catalog (`alarm-rules.ts`) says which conditions raise which alarm, with which priority and delays.
 */
import { type Static, Type } from 'typebox'
import { jsonDecoder } from './json-decoder.ts'
import { DEVICE_KINDS } from './kinds.ts'

/** P0 life safety … P3 planning, as DOMAIN.md §b.0. */
export const ALARM_PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const
export type AlarmPriority = (typeof ALARM_PRIORITIES)[number]

/** What each priority expects of people, shown beside every alarm (DOMAIN.md §b.0). */
export const PRIORITY_EXPECTATIONS: Readonly<
  Record<AlarmPriority, { ackWithinSec: number; annunciation: 'siren' | 'chime' | 'toast' | 'badge' }>
> = Object.freeze({
  P0: { ackWithinSec: 60, annunciation: 'siren' },
  P1: { ackWithinSec: 5 * 60, annunciation: 'chime' },
  P2: { ackWithinSec: 30 * 60, annunciation: 'toast' },
  P3: { ackWithinSec: 24 * 60 * 60, annunciation: 'badge' },
})

/** The alarm-system targets of EEMUA 191 / ISA-18.2 for the share of each priority among all alarms. */
export const PRIORITY_DISTRIBUTION_TARGET: Readonly<Record<'P0' | 'P1' | 'P2', number>> = Object.freeze({
  P0: 0.05,
  P1: 0.15,
  P2: 0.8,
})

/** ISA-18.2 alarm states. */
export const ALARM_STATES = ['normal', 'unack', 'ack', 'rtn-unack'] as const
export type AlarmState = (typeof ALARM_STATES)[number]

export function alarmState(active: boolean, acknowledged: boolean): AlarmState {
  if (active) return acknowledged ? 'ack' : 'unack'
  return acknowledged ? 'normal' : 'rtn-unack'
}

/** Longest a shelve may last: a shelved alarm must come back within a shift. */
export const MAX_SHELVE_MS = 12 * 60 * 60 * 1000
/** Longest an out-of-service period may last: longer is a maintenance project, with a work order. */
export const MAX_OUT_OF_SERVICE_MS = 7 * 24 * 60 * 60 * 1000

/** Every transition the journal records. */
export const ALARM_TRANSITIONS = [
  'raised',
  'retriggered',
  'cleared',
  'acknowledged',
  'reset',
  'shelved',
  'unshelved',
  'out-of-service',
  'in-service',
  'suppressed',
  'unsuppressed',
  'priority-changed',
  'fire-step',
] as const
export type AlarmTransition = (typeof ALARM_TRANSITIONS)[number]

const Text = Type.String({ maxLength: 500 })

export const AlarmView = Type.Object({
  id: Type.Integer({ description: 'the instance of this (device, rule)' }),
  siteId: Type.String(),
  buildingId: Type.Optional(Type.String()),
  roomId: Type.Optional(Type.String()),
  deviceId: Type.String(),
  kind: Type.Enum(DEVICE_KINDS),
  ruleId: Type.String(),
  priority: Type.Enum(ALARM_PRIORITIES),
  state: Type.Enum(ALARM_STATES),
  active: Type.Boolean({ description: 'the condition holds, or a latched alarm awaits its reset' }),
  acknowledged: Type.Boolean(),
  latched: Type.Boolean({ description: 'stays active after its condition cleared until reset (fire)' }),
  conditionActive: Type.Boolean({ description: 'whether the condition itself holds now' }),
  count: Type.Integer({ minimum: 0, description: 'raises of this occurrence, the first included' }),
  raisedAt: Type.Optional(
    Type.Integer({
      description:
        'first raise of this occurrence, epoch ms; absent for one never raised (taken out of service beforehand)',
    }),
  ),
  lastRaisedAt: Type.Optional(Type.Integer()),
  clearedAt: Type.Optional(Type.Integer()),
  acknowledgedAt: Type.Optional(Type.Integer()),
  acknowledgedBy: Type.Optional(Type.String({ description: 'display name of who acknowledged' })),
  value: Type.Optional(Type.Union([Type.Number(), Type.Boolean(), Type.String()], { description: 'at the raise' })),
  shelved: Type.Optional(
    Type.Object({
      kind: Type.Enum(['timed', 'one-shot']),
      until: Type.Optional(Type.Integer({ description: 'epoch ms, for a timed shelve' })),
      reason: Text,
      by: Type.String(),
      at: Type.Integer(),
    }),
  ),
  outOfService: Type.Optional(
    Type.Object({ until: Type.Integer(), reason: Text, by: Type.String(), at: Type.Integer() }),
  ),
  suppressedByDesign: Type.Boolean({ description: 'a state of the device explains it (see the rule)' }),
  /** The GB 25201 steps recorded for this occurrence of a fire alarm, in order. */
  fireSteps: Type.Optional(
    Type.Array(Type.Object({ step: Type.String(), at: Type.Integer(), by: Type.String(), note: Type.Optional(Text) })),
  ),
  updatedAt: Type.Integer(),
})
export type AlarmView = Static<typeof AlarmView>

/** Whether the console hides an alarm: shelved, out of service or suppressed by design. */
export function isSuppressed(alarm: Pick<AlarmView, 'shelved' | 'outOfService' | 'suppressedByDesign'>): boolean {
  return alarm.shelved !== undefined || alarm.outOfService !== undefined || alarm.suppressedByDesign
}

export const AlarmJournalEntry = Type.Object({
  id: Type.Integer(),
  alarmId: Type.Integer(),
  siteId: Type.String(),
  deviceId: Type.String(),
  ruleId: Type.String(),
  priority: Type.Enum(ALARM_PRIORITIES),
  ts: Type.Integer(),
  transition: Type.Enum(ALARM_TRANSITIONS),
  /** The user, for an operator's action; absent for what the platform did. */
  userId: Type.Optional(Type.String()),
  userName: Type.Optional(Type.String()),
  detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
})
export type AlarmJournalEntry = Static<typeof AlarmJournalEntry>

/**
 * What ingest and the api publish on every alarm change, under their own service trees
 * (`fm/services/<service>/alarms/<siteId>`, QoS 1), for the other api instances and for integrations.
 */
export const AlarmChange = Type.Object({
  alarm: AlarmView,
  transition: Type.Enum(ALARM_TRANSITIONS),
  ts: Type.Integer({ minimum: 0 }),
})
export type AlarmChange = Static<typeof AlarmChange>

/** Reads an AlarmChange off MQTT; a malformed one is answered with where it fails, never thrown. */
export const decodeAlarmChange = jsonDecoder(AlarmChange)

export const ALARM_CHANGE_FILTER = 'fm/services/+/alarms/+'
export function alarmChangeTopic(service: 'ingest' | 'api', siteId: string): string {
  return `fm/services/${service}/alarms/${siteId}`
}

/**
 * The api announces a change to a site's alarm rule overrides on `fm/services/api/rules/<siteId>` (QoS 1, any
 * small JSON body); ingest then reads the site's overrides from the store again. The store is the truth.
 */
export const RULE_CHANGES_FILTER = 'fm/services/api/rules/+'
export function ruleChangesTopic(siteId: string): string {
  return `fm/services/api/rules/${siteId}`
}

/** Flood (EEMUA 191): more than FLOOD_START alarms raised in FLOOD_WINDOW_MS starts it, fewer than FLOOD_END ends it. */
export const FLOOD_WINDOW_MS = 10 * 60 * 1000
export const FLOOD_START = 10
export const FLOOD_END = 5
/** Chattering (ISA-18.2): raised this many times within CHATTER_WINDOW_MS. */
export const CHATTER_RAISES = 3
export const CHATTER_WINDOW_MS = 60 * 1000
/** Standing: active for longer than this. */
export const STANDING_MS = 24 * 60 * 60 * 1000

/** GB 25201-2010 §5.3: what the control room does on a fire alarm, each step timestamped as the required record. */
export const FIRE_STEPS = [
  /** 以最快方式确认: verify by CCTV or by sending someone, within 3 minutes */
  'verify',
  /** a real fire: linkage switched to automatic */
  'linkage-auto',
  /** 119 called */
  'call-119',
  /** the site's fire plan started, the responsible person told */
  'plan-started',
  /** a false alarm: the cause found and recorded (故障维修记录) */
  'false-alarm-recorded',
] as const
export type FireStep = (typeof FIRE_STEPS)[number]

// ---- REST inputs ---------------------------------------------------------------------------------------------

const Reason = Type.String({ minLength: 2, maxLength: 500, description: 'why; mandatory, kept in the journal' })

export const AcknowledgeInput = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
)
export type AcknowledgeInput = Static<typeof AcknowledgeInput>

export const ShelveInput = Type.Object(
  {
    kind: Type.Enum(['timed', 'one-shot'], { description: 'one-shot: until the alarm next returns to normal' }),
    durationMin: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_SHELVE_MS / 60_000, description: 'for a timed shelve; required' }),
    ),
    reason: Reason,
  },
  { additionalProperties: false },
)
export type ShelveInput = Static<typeof ShelveInput>

export const OutOfServiceInput = Type.Object(
  {
    until: Type.Integer({ minimum: 0, description: 'epoch ms; at most MAX_OUT_OF_SERVICE_MS from now' }),
    reason: Reason,
  },
  { additionalProperties: false },
)
export type OutOfServiceInput = Static<typeof OutOfServiceInput>

export const FireStepInput = Type.Object(
  { step: Type.Enum(FIRE_STEPS), note: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
)
export type FireStepInput = Static<typeof FireStepInput>

// ---- KPIs ------------------------------------------------------------------------------------------------------

export const FloodPeriod = Type.Object({
  start: Type.Integer(),
  end: Type.Optional(Type.Integer({ description: 'absent while the flood lasts' })),
  peakPer10Min: Type.Integer(),
})
export type FloodPeriod = Static<typeof FloodPeriod>

/** Per site: whether the control room is flooded now (the console switches to its flood view). */
export const FloodStatus = Type.Object({
  siteId: Type.String(),
  active: Type.Boolean(),
  since: Type.Optional(Type.Integer()),
  /** alarms raised in the last FLOOD_WINDOW_MS */
  last10Min: Type.Integer(),
})
export type FloodStatus = Static<typeof FloodStatus>

export const AlarmKpis = Type.Object({
  siteId: Type.String(),
  from: Type.Integer(),
  to: Type.Integer(),
  raised: Type.Integer({ description: 'alarms raised (new occurrences and re-triggers)' }),
  averagePer10Min: Type.Number(),
  maxPer10Min: Type.Integer(),
  /** share of 10-minute periods with more than FLOOD_START alarms (EEMUA 191: < 1 %) */
  floodPercent: Type.Number(),
  floods: Type.Array(FloodPeriod),
  standing: Type.Integer({ description: 'active for longer than 24 h at `to`' }),
  chattering: Type.Array(Type.Object({ deviceId: Type.String(), ruleId: Type.String(), raises: Type.Integer() })),
  top10: Type.Array(Type.Object({ deviceId: Type.String(), ruleId: Type.String(), raises: Type.Integer() })),
  priorityDistribution: Type.Record(Type.String(), Type.Object({ count: Type.Integer(), percent: Type.Number() })),
  timeToAcknowledge: Type.Object({
    samples: Type.Integer(),
    p50Sec: Type.Optional(Type.Number()),
    p90Sec: Type.Optional(Type.Number()),
    byOperator: Type.Array(Type.Object({ user: Type.String(), acknowledged: Type.Integer(), p50Sec: Type.Number() })),
  }),
})
export type AlarmKpis = Static<typeof AlarmKpis>
