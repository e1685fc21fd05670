/**
 * Where monitoring becomes maintenance: an alarm whose rule says so opens a work order (one per device and rule,
 * however often it re-triggers), a pump's run hours or a barrier's vehicle count bring its usage plan due, and a
 * periodic sweep opens the calendar plans that came due and escalates work orders before their clocks breach. Each
 * change is in the store first; then it is handed on to be published for the api instances.
 *
 * Nothing here is kept in memory: the store's unique keys make each step safe to repeat after a restart, and a failed
 * step is tried again by the next alarm, reading or sweep.
 */
import {
  alarmRule,
  type FieldValue,
  type Reading,
  USAGE_FIELDS,
  type WorkOrderChange,
  type WorkOrderView,
} from '@fm/protocol'
import type { AlarmUpdate, Store } from '@fm/store'

export type MaintenanceStore = Pick<
  Store,
  'openAlarmWorkOrder' | 'recordUsage' | 'openDuePmWorkOrders' | 'escalateWorkOrders'
>

export interface MaintenanceOptions {
  store: MaintenanceStore
  now: () => number
  onChange: (change: WorkOrderChange) => void
  onError: (part: string, error: unknown) => void
}

export interface Maintenance {
  /** An alarm changed (from the alarm engine). */
  alarmChanged(update: AlarmUpdate): void
  /** A reading arrived: its counters may bring a usage plan due. */
  reading(reading: Reading): void
  /** Calendar plans due and escalations; `now` and then. */
  sweep(now: number): void
  counts(): MaintenanceCounts
}

export interface MaintenanceCounts {
  /** work orders opened by alarms */
  fromAlarms: number
  /** re-triggers added to an open work order */
  retriggers: number
  /** work orders opened by PM plans, calendar and usage */
  fromPlans: number
  escalations: number
}

/** How often ingest sweeps for due plans and escalations. */
export const MAINTENANCE_SWEEP_MS = 10_000

/** The counters a usage plan can follow, by kind: a reading of another kind is not looked at. */
const COUNTERS: ReadonlyMap<string, readonly string[]> = new Map(Object.entries(USAGE_FIELDS))

export function createMaintenance(options: MaintenanceOptions): Maintenance {
  const { store, onChange, onError } = options
  const counts: MaintenanceCounts = { fromAlarms: 0, retriggers: 0, fromPlans: 0, escalations: 0 }

  const announce = (workOrder: WorkOrderView, type: string, ts: number) => {
    try {
      onChange({ workOrder, type, ts })
    } catch (error) {
      onError('publish', error)
    }
  }

  return {
    alarmChanged(update) {
      if (update.transition !== 'raised' && update.transition !== 'retriggered') return
      const { alarm } = update
      const spec = alarmRule(alarm.ruleId)?.workOrder
      // a point out of service is being worked on already; a state that explains the alarm needs no repair; a
      // gateway gone dark (`group.comms-loss`) has no rule in the catalog and opens nothing yet
      if (!spec || alarm.outOfService || alarm.suppressedByDesign) return
      try {
        const { workOrder, created } = store.openAlarmWorkOrder(alarm, spec, update.ts)
        if (created) counts.fromAlarms += 1
        else counts.retriggers += 1
        announce(workOrder, created ? 'created' : 'retriggered', update.ts)
      } catch (error) {
        onError('alarm', error)
      }
    },

    reading(reading) {
      const counters = COUNTERS.get(reading.kind)
      if (!counters?.some((field) => field in reading.values)) return
      // decoded from JSON and checked against the kind's schema: every present key holds a FieldValue
      const values = reading.values as Record<string, FieldValue>
      try {
        for (const workOrder of store.recordUsage(reading.deviceId, values, reading.ts)) {
          counts.fromPlans += 1
          announce(workOrder, 'created', reading.ts)
        }
      } catch (error) {
        onError('usage', error)
      }
    },

    sweep(now) {
      try {
        for (const workOrder of store.openDuePmWorkOrders(now)) {
          counts.fromPlans += 1
          announce(workOrder, 'created', now)
        }
      } catch (error) {
        onError('plans', error)
      }
      try {
        for (const workOrder of store.escalateWorkOrders(now)) {
          counts.escalations += 1
          announce(workOrder, 'escalated', now)
        }
      } catch (error) {
        onError('escalation', error)
      }
    },

    counts: () => ({ ...counts }),
  }
}
