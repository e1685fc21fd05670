/**
 * The alarm-system KPIs of ISA-18.2 / EEMUA 191 for one site and period, computed from the alarm journal and the
 * alarms as they are now. Pure: the route reads the store, this module only counts.
 *
 * - **Raises** are the journal's `raised` (a new occurrence) and `retriggered` entries in `[from, to)`: each is one
 *   alarm annunciated to the control room.
 * - **Per 10 minutes**: the average is the raises over the period's length; the maximum and `floodPercent` count
 *   fixed 10-minute periods from `from` (the last one may be shorter).
 * - **Floods** replay the raises through the live view's sliding window (`flood.ts`), starting FLOOD_WINDOW_MS
 *   before `from` so that a flood under way at `from` is seen; periods are cut to `[from, to)`.
 * - **Standing**: of the alarms active now, those whose occurrence was raised more than STANDING_MS before `to`.
 * - **Chattering**: a (device, rule) raised CHATTER_RAISES times within less than CHATTER_WINDOW_MS.
 * - **Time to acknowledge**: from the occurrence's first raise to its acknowledgement, for the acknowledgements in
 *   the period; per operator by the name the journal recorded. Percentiles are nearest-rank.
 *
 * Figures that are not counts are rounded to two decimals.
 */
import {
  ALARM_PRIORITIES,
  type AlarmJournalEntry,
  type AlarmKpis,
  type AlarmTransition,
  type AlarmView,
  CHATTER_RAISES,
  CHATTER_WINDOW_MS,
  FLOOD_START,
  FLOOD_WINDOW_MS,
  type FloodPeriod,
  STANDING_MS,
} from '@fm/protocol'
import { type CsvValue, csvTable } from './csv.ts'
import { FloodWindow } from './flood.ts'

export const TEN_MINUTES_MS = 10 * 60 * 1000

/** The journal transitions the KPIs read. */
export const KPI_TRANSITIONS: readonly AlarmTransition[] = ['raised', 'retriggered', 'acknowledged']

export interface AlarmKpiInput {
  siteId: string
  from: number
  to: number
  /** The site's `raised`, `retriggered` and `acknowledged` entries from `from − FLOOD_WINDOW_MS` to `to`. */
  journal: readonly AlarmJournalEntry[]
  /** The site's alarms now: standing ones, and the start of occurrences raised before the journal's first entry. */
  alarms: readonly AlarmView[]
}

interface Raise {
  ts: number
  deviceId: string
  ruleId: string
}

const round2 = (value: number) => Math.round(value * 100) / 100
const isRaise = (entry: AlarmJournalEntry) => entry.transition === 'raised' || entry.transition === 'retriggered'

/** Nearest-rank percentile of ascending `sorted`, `share` in (0, 1]; undefined when empty. */
export function percentile(sorted: readonly number[], share: number): number | undefined {
  if (sorted.length === 0) return undefined
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)]
}

function perTenMinutes(raises: readonly Raise[], from: number, to: number) {
  const periods = Math.max(1, Math.ceil((to - from) / TEN_MINUTES_MS))
  const buckets = new Array<number>(periods).fill(0)
  for (const { ts } of raises) {
    const index = Math.floor((ts - from) / TEN_MINUTES_MS)
    buckets[index] = (buckets[index] ?? 0) + 1
  }
  const flooded = buckets.filter((count) => count > FLOOD_START).length
  return {
    averagePer10Min: round2((raises.length * TEN_MINUTES_MS) / (to - from)),
    maxPer10Min: Math.max(0, ...buckets),
    floodPercent: round2((100 * flooded) / periods),
  }
}

/** Every flood over `times` (ascending, from FLOOD_WINDOW_MS before `from`), cut to `[from, to)`. */
export function floodPeriods(times: readonly number[], from: number, to: number): FloodPeriod[] {
  const window = new FloodWindow()
  const periods: FloodPeriod[] = []
  let current: FloodPeriod | undefined
  const apply = (change: ReturnType<FloodWindow['raise']>) => {
    if (change?.active) {
      current = { start: change.at, peakPer10Min: window.peak }
      periods.push(current)
    } else if (change && current) {
      current.end = change.at
      current = undefined
    }
  }
  for (const ts of times) {
    if (ts >= to) break
    apply(window.raise(ts))
    if (current) current.peakPer10Min = window.peak
  }
  apply(window.expire(to))
  return periods
    .filter((period) => (period.end ?? Number.POSITIVE_INFINITY) > from)
    .map((period) => ({ ...period, start: Math.max(period.start, from) }))
}

/** Raises per (device, rule), most first. */
function byPoint(raises: readonly Raise[]): { deviceId: string; ruleId: string; times: number[] }[] {
  const points = new Map<string, { deviceId: string; ruleId: string; times: number[] }>()
  for (const { ts, deviceId, ruleId } of raises) {
    const key = `${deviceId}\n${ruleId}`
    const point = points.get(key) ?? { deviceId, ruleId, times: [] }
    point.times.push(ts)
    points.set(key, point)
  }
  return [...points.values()].sort(
    (a, b) =>
      b.times.length - a.times.length || a.deviceId.localeCompare(b.deviceId) || a.ruleId.localeCompare(b.ruleId),
  )
}

function chatters(times: readonly number[]): boolean {
  for (let i = 0; i + CHATTER_RAISES - 1 < times.length; i += 1) {
    if ((times[i + CHATTER_RAISES - 1] ?? 0) - (times[i] ?? 0) < CHATTER_WINDOW_MS) return true
  }
  return false
}

function priorityDistribution(journalRaises: readonly AlarmJournalEntry[]): AlarmKpis['priorityDistribution'] {
  const distribution: AlarmKpis['priorityDistribution'] = {}
  for (const priority of ALARM_PRIORITIES) {
    const count = journalRaises.filter((entry) => entry.priority === priority).length
    distribution[priority] = { count, percent: journalRaises.length ? round2((100 * count) / journalRaises.length) : 0 }
  }
  return distribution
}

function timeToAcknowledge(
  input: AlarmKpiInput,
  journal: readonly AlarmJournalEntry[],
): AlarmKpis['timeToAcknowledge'] {
  const alarms = new Map(input.alarms.map((alarm) => [alarm.id, alarm]))
  const raisedAt = new Map<number, number>()
  const samples: { user: string; sec: number }[] = []
  for (const entry of journal) {
    if (entry.transition === 'raised') raisedAt.set(entry.alarmId, entry.ts)
    if (entry.transition !== 'acknowledged' || entry.ts < input.from || entry.ts >= input.to) continue
    // An occurrence raised before the journal's first entry: the alarm's current one began before this
    // acknowledgement, so it is the same occurrence (an alarm has one occurrence at a time).
    const current = alarms.get(entry.alarmId)?.raisedAt
    const start = raisedAt.get(entry.alarmId) ?? (current !== undefined && current <= entry.ts ? current : undefined)
    if (start === undefined) continue
    samples.push({ user: entry.userName ?? entry.userId ?? 'unknown', sec: (entry.ts - start) / 1000 })
  }
  const all = samples.map((sample) => sample.sec).sort((a, b) => a - b)
  const users = new Map<string, number[]>()
  for (const { user, sec } of samples) users.set(user, [...(users.get(user) ?? []), sec])
  const p50 = percentile(all, 0.5)
  const p90 = percentile(all, 0.9)
  return {
    samples: all.length,
    ...(p50 === undefined ? {} : { p50Sec: round2(p50) }),
    ...(p90 === undefined ? {} : { p90Sec: round2(p90) }),
    byOperator: [...users.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([user, secs]) => {
        const sorted = secs.sort((a, b) => a - b)
        return { user, acknowledged: sorted.length, p50Sec: round2(percentile(sorted, 0.5) ?? 0) }
      }),
  }
}

export function computeAlarmKpis(input: AlarmKpiInput): AlarmKpis {
  const { siteId, from, to } = input
  if (!(from < to)) throw new RangeError(`alarm KPIs need from < to, got ${from} and ${to}`)
  // by time, then by id: the journal's order is its writers', and a raise may carry an earlier reading's time
  const journal = [...input.journal].sort((a, b) => a.ts - b.ts || a.id - b.id)
  const inPeriod = journal.filter((entry) => isRaise(entry) && entry.ts >= from && entry.ts < to)
  const raises: Raise[] = inPeriod.map(({ ts, deviceId, ruleId }) => ({ ts, deviceId, ruleId }))
  const points = byPoint(raises)
  const floodTimes = journal
    .filter((entry) => isRaise(entry) && entry.ts >= from - FLOOD_WINDOW_MS)
    .map((entry) => entry.ts)

  return {
    siteId,
    from,
    to,
    raised: raises.length,
    ...perTenMinutes(raises, from, to),
    floods: floodPeriods(floodTimes, from, to),
    standing: input.alarms.filter(
      (alarm) => alarm.active && alarm.raisedAt !== undefined && alarm.raisedAt < to - STANDING_MS,
    ).length,
    chattering: points
      .filter((point) => chatters(point.times))
      .map(({ deviceId, ruleId, times }) => ({ deviceId, ruleId, raises: times.length })),
    top10: points.slice(0, 10).map(({ deviceId, ruleId, times }) => ({ deviceId, ruleId, raises: times.length })),
    priorityDistribution: priorityDistribution(inPeriod),
    timeToAcknowledge: timeToAcknowledge(input, journal),
  }
}

// ---- CSV export ------------------------------------------------------------------------------------------------

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * The KPIs as one CSV table of `metric,subject,value` rows, for a spreadsheet (`csv.ts`: Excel shows Chinese names).
 */
export function alarmKpisCsv(kpis: AlarmKpis): string {
  const rows: CsvValue[][] = [
    ['metric', 'subject', 'value'],
    ['site', '', kpis.siteId],
    ['from', '', iso(kpis.from)],
    ['to', '', iso(kpis.to)],
    ['raised', '', kpis.raised],
    ['average_per_10_min', '', kpis.averagePer10Min],
    ['max_per_10_min', '', kpis.maxPer10Min],
    ['flood_percent', '', kpis.floodPercent],
  ]
  for (const flood of kpis.floods) {
    const span = `${iso(flood.start)}/${flood.end === undefined ? '' : iso(flood.end)}`
    rows.push(['flood_peak_per_10_min', span, flood.peakPer10Min])
  }
  rows.push(['standing', '', kpis.standing])
  for (const point of kpis.chattering)
    rows.push(['chattering_raises', `${point.deviceId}/${point.ruleId}`, point.raises])
  for (const point of kpis.top10) rows.push(['top10_raises', `${point.deviceId}/${point.ruleId}`, point.raises])
  for (const [priority, { count, percent }] of Object.entries(kpis.priorityDistribution)) {
    rows.push(['priority_count', priority, count], ['priority_percent', priority, percent])
  }
  const tta = kpis.timeToAcknowledge
  rows.push(['ack_samples', '', tta.samples], ['ack_p50_sec', '', tta.p50Sec], ['ack_p90_sec', '', tta.p90Sec])
  for (const operator of tta.byOperator) {
    rows.push(['operator_acknowledged', operator.user, operator.acknowledged])
    rows.push(['operator_ack_p50_sec', operator.user, operator.p50Sec])
  }
  return csvTable(rows)
}
