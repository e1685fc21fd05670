/**
 * The alarms part of the live view: the open alarms in memory, the changes to send at the next flush, and each
 * site's flood state.
 *
 * - **Open** is what the store's `listAlarms({open: true})` answers: not in state normal, or shelved, or out of
 *   service. They are loaded at start (and again after an MQTT reconnect, which may have missed changes), then kept
 *   current by every change, by alarm id.
 * - **Changes** come from ingest and from other api instances over MQTT (`fm/services/+/alarms/+`), and from this
 *   api's own routes at once (`apply`), without waiting for their echo over MQTT; the echo is recognised and skipped.
 *   A message says which alarm changed and how; the alarm's state is read from the store, the truth, so that
 *   messages of two processes arriving out of order cannot leave an older state behind. Each alarm is sent at most
 *   once per flush, with its latest change.
 * - **Floods**: every raise and re-trigger counts in its site's sliding window (`flood.ts`); a site's status is sent
 *   when its flood begins or ends, which the flush's timer also notices when the raises stop.
 */
import { type AlarmChange, type AlarmView, decodeAlarmChange, type FloodStatus } from '@fm/protocol'
import type { Store } from '@fm/store'
import type { Logger } from 'pino'
import { FloodMonitor } from './flood.ts'

/** Whether a console lists the alarm, as the store's `open` filter says. */
export function isOpenAlarm(alarm: Pick<AlarmView, 'state' | 'shelved' | 'outOfService'>): boolean {
  return alarm.state !== 'normal' || alarm.shelved !== undefined || alarm.outOfService !== undefined
}

/** Changes remembered to recognise an echo, or the same message delivered twice (QoS 1). */
const RECENT_CHANGES = 4_096

const changeKey = ({ alarm, transition, ts }: AlarmChange) =>
  `${alarm.id}|${transition}|${ts}|${alarm.updatedAt}|${alarm.count}|${alarm.state}`

const PRIORITY_ORDER = new Map(['P0', 'P1', 'P2', 'P3'].map((priority, index) => [priority, index]))

/** Highest priority first, then oldest: the order of a console. */
function consoleOrder(a: AlarmView, b: AlarmView): number {
  return (
    (PRIORITY_ORDER.get(a.priority) ?? 9) - (PRIORITY_ORDER.get(b.priority) ?? 9) ||
    (a.raisedAt ?? 0) - (b.raisedAt ?? 0) ||
    a.id - b.id
  )
}

export interface LiveAlarmsOptions {
  store: Pick<Store, 'listAlarms' | 'getAlarm'>
  now: () => number
  logger: Logger
}

export class LiveAlarms {
  readonly #store: LiveAlarmsOptions['store']
  readonly #log: Logger
  readonly #floods: FloodMonitor
  #open = new Map<number, AlarmView>()
  /** The latest change of each alarm since the last flush, in the order of their latest changes. */
  readonly #pending = new Map<number, AlarmChange>()
  readonly #pendingFloods = new Map<string, FloodStatus>()
  readonly #recent = new Set<string>()
  /** Invalid messages since the last warning, so that a broken publisher does not flood the log. */
  #invalid = 0

  constructor(options: LiveAlarmsOptions) {
    this.#store = options.store
    this.#log = options.logger
    this.#floods = new FloodMonitor(options.now)
  }

  /** (Re)loads the open alarms from the store; true when they differ from those held. */
  load(): boolean {
    const loaded = new Map(this.#store.listAlarms({ open: true }).map((alarm) => [alarm.id, alarm]))
    const same =
      loaded.size === this.#open.size &&
      [...loaded].every(([id, alarm]) => JSON.stringify(this.#open.get(id)) === JSON.stringify(alarm))
    this.#open = loaded
    return !same
  }

  /** A change this api made: applied now, sent at the next flush; its echo over MQTT is skipped. */
  apply(change: AlarmChange): void {
    const key = changeKey(change)
    if (this.#recent.has(key)) return
    this.#remember(key)
    const { alarm } = change
    if (isOpenAlarm(alarm)) this.#open.set(alarm.id, alarm)
    else this.#open.delete(alarm.id)
    this.#pending.delete(alarm.id)
    this.#pending.set(alarm.id, change)
    if (change.transition === 'raised' || change.transition === 'retriggered') {
      const flood = this.#floods.raised(alarm.siteId)
      if (flood) this.#pendingFloods.set(flood.siteId, flood)
    }
  }

  /** A change published on MQTT by ingest or an api instance, this one included. */
  receive(topic: string, payload: Uint8Array): void {
    const result = decodeAlarmChange(payload)
    if (!result.ok) {
      if (this.#invalid === 0) this.#log.warn({ topic, error: result.error }, 'invalid alarm change skipped')
      this.#invalid += 1
      return
    }
    const change = result.value
    if (this.#recent.has(changeKey(change))) return
    let current: AlarmView | undefined = change.alarm
    try {
      current = this.#store.getAlarm(change.alarm.id)
    } catch (error) {
      this.#log.warn({ err: error, alarmId: change.alarm.id }, 'reading an alarm failed: the message is taken as is')
    }
    if (!current) {
      // gone from the store (its device was deleted): nothing to show any more
      this.#open.delete(change.alarm.id)
      this.#remember(changeKey(change))
      return
    }
    this.apply({ ...change, alarm: current })
    // the message itself too, when the store had moved on: a second delivery of it is skipped as well
    this.#remember(changeKey(change))
  }

  /** Ends the floods whose raises have stopped; called at every flush. */
  tick(): void {
    for (const flood of this.#floods.tick()) this.#pendingFloods.set(flood.siteId, flood)
    if (this.#invalid > 1) this.#log.warn({ skipped: this.#invalid }, 'invalid alarm changes skipped')
    this.#invalid = 0
  }

  /** The changes and flood statuses since the last call. */
  take(): { alarms: AlarmChange[]; floods: FloodStatus[] } {
    const taken = { alarms: [...this.#pending.values()], floods: [...this.#pendingFloods.values()] }
    this.#pending.clear()
    this.#pendingFloods.clear()
    return taken
  }

  /** The open alarms, highest priority first, then oldest. */
  open(): AlarmView[] {
    return [...this.#open.values()].sort(consoleOrder)
  }

  /** The flood status of each of these sites and of any other with recent raises. */
  floods(siteIds: Iterable<string>): FloodStatus[] {
    return this.#floods.statuses(siteIds)
  }

  #remember(key: string): void {
    this.#recent.add(key)
    if (this.#recent.size <= RECENT_CHANGES) return
    const [oldest] = this.#recent
    if (oldest !== undefined) this.#recent.delete(oldest)
  }
}
