/**
 * How the console orders and groups alarms (ISA-18.2 annunciation, EEMUA 191 flood handling). Pure functions of the
 * alarms, so the list, the header badge, the strip on other pages and the tests agree.
 */
import { type AlarmPriority, type AlarmView, isSuppressed, type Site } from '@fm/protocol'

const PRIORITY_RANK: Readonly<Record<AlarmPriority, number>> = { P0: 0, P1: 1, P2: 2, P3: 3 }

/** Waiting for someone to acknowledge it: active, or back to normal without anyone having seen it. */
export function needsAck(alarm: Pick<AlarmView, 'state'>): boolean {
  return alarm.state === 'unack' || alarm.state === 'rtn-unack'
}

/** When the occurrence began; an alarm never raised (out of service beforehand) sorts by its last change. */
export function startedAt(alarm: Pick<AlarmView, 'raisedAt' | 'updatedAt'>): number {
  return alarm.raisedAt ?? alarm.updatedAt
}

/**
 * The console's order: unacknowledged alarms pinned on top, then by priority, then oldest first within a priority
 * (the one waiting longest is the one to look at), then by id so that equal alarms never swap places.
 */
export function compareAlarms(a: AlarmView, b: AlarmView): number {
  return (
    Number(needsAck(b)) - Number(needsAck(a)) ||
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    startedAt(a) - startedAt(b) ||
    a.id - b.id
  )
}

export type Suppression = 'out-of-service' | 'shelved' | 'by-design'

/** Why the console hides an alarm from its main list; out of service first, since it outlasts a shelve. */
export function suppressionOf(alarm: AlarmView): Suppression | undefined {
  if (alarm.outOfService) return 'out-of-service'
  if (alarm.shelved) return 'shelved'
  return alarm.suppressedByDesign ? 'by-design' : undefined
}

export interface ConsoleSections {
  /** What the operator must see, in the console's order. */
  active: AlarmView[]
  /** Shelved, out of service or suppressed by design, soonest back first. */
  suppressed: AlarmView[]
}

/** When a suppressed alarm comes back by itself; one-shot shelves and design suppression have no time. */
export function suppressedUntil(alarm: AlarmView): number | undefined {
  return alarm.outOfService?.until ?? alarm.shelved?.until
}

export function consoleSections(alarms: readonly AlarmView[]): ConsoleSections {
  const active = alarms.filter((alarm) => !isSuppressed(alarm)).sort(compareAlarms)
  const suppressed = alarms
    .filter(isSuppressed)
    .sort(
      (a, b) =>
        (suppressedUntil(a) ?? Number.POSITIVE_INFINITY) - (suppressedUntil(b) ?? Number.POSITIVE_INFINITY) ||
        compareAlarms(a, b),
    )
  return { active, suppressed }
}

/** Unacknowledged and not suppressed: what the header badge counts. */
export function countUnacknowledged(alarms: readonly AlarmView[]): number {
  return alarms.filter((alarm) => needsAck(alarm) && !isSuppressed(alarm)).length
}

/**
 * The alarm the strip on every other page shows: of the unacknowledged ones, the highest priority, and of those the
 * newest raise. A battery that ran low a minute ago must not hide a fire alarm raised five minutes ago.
 */
export function headlineAlarm(alarms: readonly AlarmView[]): AlarmView | undefined {
  const recency = (alarm: AlarmView) => alarm.lastRaisedAt ?? startedAt(alarm)
  let best: AlarmView | undefined
  for (const alarm of alarms) {
    if (!needsAck(alarm) || isSuppressed(alarm)) continue
    const rank = best ? PRIORITY_RANK[alarm.priority] - PRIORITY_RANK[best.priority] : -1
    if (rank < 0 || (rank === 0 && best && recency(alarm) > recency(best))) best = alarm
  }
  return best
}

/** The priorities a flood view keeps in sight (EEMUA 191: in a flood the operator deals with the highest first). */
export const FLOOD_PRIORITIES: ReadonlySet<AlarmPriority> = new Set(['P0', 'P1'])

export interface FloodGroup {
  /** `building:<id>`, or `site` for equipment rooms, gates and anything else outside a building. */
  key: string
  buildingId: string | undefined
  alarms: AlarmView[]
}

export interface FloodView {
  /** The P0 and P1 alarms by building, the building with the most pressing alarm first. */
  groups: FloodGroup[]
  /** Everything else, in the console's order, shown on demand. */
  rest: AlarmView[]
}

/** The building of an alarm: its own, or its room's; undefined for what stands outside every building. */
export function alarmBuilding(alarm: Pick<AlarmView, 'buildingId' | 'roomId'>, site: Site | undefined) {
  return alarm.buildingId ?? site?.rooms.find((room) => room.id === alarm.roomId)?.buildingId
}

/** `active` in the console's order, split for a flood: P0 and P1 grouped by building, and the rest. */
export function floodView(active: readonly AlarmView[], site: Site | undefined): FloodView {
  const groups = new Map<string, FloodGroup>()
  const rest: AlarmView[] = []
  for (const alarm of active) {
    if (!FLOOD_PRIORITIES.has(alarm.priority)) {
      rest.push(alarm)
      continue
    }
    const buildingId = alarmBuilding(alarm, site)
    const key = buildingId === undefined ? 'site' : `building:${buildingId}`
    const group = groups.get(key)
    if (group) group.alarms.push(alarm)
    else groups.set(key, { key, buildingId, alarms: [alarm] })
  }
  // `active` is sorted, so groups come in the order of their most pressing alarm.
  return { groups: [...groups.values()], rest }
}
