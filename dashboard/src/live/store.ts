/**
 * The live state of the compound: the latest snapshot with every delta applied since, plus recent device events,
 * the alarms and each site's flood state. A tiny external store read through `useSyncExternalStore`, so a component
 * re-renders only when the slice it selects changes. The reducers are pure and keep the identity of every device that
 * did not change: that identity is what lets `useDevice(id)` skip the other cards when one pump reports.
 */
import type {
  AlarmChange,
  AlarmView,
  DeviceDelta,
  DeviceEvent,
  DeviceView,
  FieldValue,
  FloodStatus,
  LiveSnapshot,
  WorkOrderView,
} from '@fm/protocol'
import { createContext, useContext, useMemo, useSyncExternalStore } from 'react'
import { isListed, mergeLatest } from './alarm-state.ts'

export type ConnectionState = 'connecting' | 'live' | 'offline'

export interface LiveState {
  connection: ConnectionState
  /** Server time of the latest snapshot; null until the first snapshot has arrived. */
  snapshotTs: number | null
  devices: ReadonlyMap<string, DeviceView>
  /**
   * The devices as the latest snapshot listed them: registry facts (name, kind, place) are current, values are not.
   * A new array only when a snapshot arrives, so layouts built from it do not re-render on deltas.
   */
  roster: readonly DeviceView[]
  /** Every device in snapshot order. A new array whenever any device changes. */
  list: readonly DeviceView[]
  /** Newest first, at most `MAX_RECENT_EVENTS`. */
  events: readonly DeviceEvent[]
  /**
   * Every alarm the link told of, by id, in its latest state, those back to normal included: an older change that
   * arrives late (the api's answer to an acknowledgement and the broadcast of it race) is recognised by `updatedAt`.
   * Read the console's list with `useAlarms`.
   */
  alarms: ReadonlyMap<number, AlarmView>
  /** The flood state of each site of the scope, by site id. */
  floods: ReadonlyMap<string, FloodStatus>
  /**
   * Work orders the link told of since it opened (`workOrder` events), by id, each in its latest state. The link sends
   * changes only, not a snapshot: pages load their lists over REST and lay these over them (`workorders/live-merge.ts`).
   */
  workOrders: ReadonlyMap<number, WorkOrderView>
}

/** Enough for the last minutes of a busy gate; older events come from REST on the device page. */
export const MAX_RECENT_EVENTS = 200

export const INITIAL_LIVE_STATE: LiveState = {
  connection: 'connecting',
  snapshotTs: null,
  devices: new Map(),
  roster: [],
  list: [],
  events: [],
  alarms: new Map(),
  floods: new Map(),
  workOrders: new Map(),
}

/**
 * A snapshot replaces everything the store knew about devices, alarms and floods; recent events are kept, they are
 * history.
 */
export function applySnapshot(state: LiveState, snapshot: LiveSnapshot): LiveState {
  const devices = new Map<string, DeviceView>()
  for (const device of snapshot.devices) devices.set(device.id, device)
  const list = [...devices.values()]
  const alarms = new Map(snapshot.alarms.map((alarm) => [alarm.id, alarm]))
  const floods = new Map(snapshot.floods.map((flood) => [flood.siteId, flood]))
  return { ...state, snapshotTs: snapshot.ts, devices, roster: list, list, alarms, floods }
}

/** Alarms in their latest state (changes of the link, or the api's answer to an action), oldest change first. */
export function applyAlarms(state: LiveState, alarms: readonly AlarmView[]): LiveState {
  const merged = mergeLatest(state.alarms, alarms)
  return merged === state.alarms ? state : { ...state, alarms: merged }
}

export function applyAlarmChanges(state: LiveState, changes: readonly AlarmChange[]): LiveState {
  return changes.length === 0
    ? state
    : applyAlarms(
        state,
        changes.map((change) => change.alarm),
      )
}

/** Sites whose flood began or ended, oldest first. */
export function applyFloods(state: LiveState, statuses: readonly FloodStatus[]): LiveState {
  if (statuses.length === 0) return state
  const floods = new Map(state.floods)
  for (const status of statuses) floods.set(status.siteId, status)
  return { ...state, floods }
}

/** Work orders in their latest state, oldest change first; one older than what is known is ignored (`updatedAt`). */
export function applyWorkOrders(state: LiveState, views: readonly WorkOrderView[]): LiveState {
  const merged = mergeLatest(state.workOrders, views)
  return merged === state.workOrders ? state : { ...state, workOrders: merged }
}

function changedValues(
  current: Record<string, FieldValue>,
  incoming: Record<string, FieldValue> | undefined,
): Record<string, FieldValue> | undefined {
  if (!incoming) return undefined
  let merged: Record<string, FieldValue> | undefined
  for (const [key, value] of Object.entries(incoming)) {
    if (current[key] === value) continue
    merged ??= { ...current }
    merged[key] = value
  }
  return merged
}

/** One device with one delta applied, or the same object when the delta changes nothing. */
export function mergeDelta(device: DeviceView, delta: DeviceDelta): DeviceView {
  const values = changedValues(device.values, delta.values)
  const online = delta.online !== undefined && delta.online !== device.online
  const lastSeen = delta.lastSeen !== undefined && delta.lastSeen !== device.lastSeen
  const valuesTs = delta.valuesTs !== undefined && delta.valuesTs !== device.valuesTs
  if (!values && !online && !lastSeen && !valuesTs) return device
  return {
    ...device,
    values: values ?? device.values,
    online: delta.online ?? device.online,
    lastSeen: delta.lastSeen ?? device.lastSeen,
    valuesTs: delta.valuesTs ?? device.valuesTs,
  }
}

/**
 * Applies a batch of deltas in order. Deltas for unknown devices are ignored: a device provisioned after the snapshot
 * arrives with the next snapshot (on reconnect), complete with its registry facts.
 */
export function applyDeltas(state: LiveState, deltas: readonly DeviceDelta[]): LiveState {
  let devices: Map<string, DeviceView> | undefined
  for (const delta of deltas) {
    const current = (devices ?? state.devices).get(delta.id)
    if (!current) continue
    const next = mergeDelta(current, delta)
    if (next === current) continue
    devices ??= new Map(state.devices)
    devices.set(delta.id, next)
  }
  if (!devices) return state
  return { ...state, devices, list: state.roster.flatMap((d) => devices.get(d.id) ?? []) }
}

/** Prepends a batch (which arrives oldest first) and keeps the newest `cap` events. */
export function appendEvents(
  state: LiveState,
  events: readonly DeviceEvent[],
  cap: number = MAX_RECENT_EVENTS,
): LiveState {
  if (events.length === 0) return state
  const newestFirst = [...events].reverse()
  return { ...state, events: [...newestFirst, ...state.events].slice(0, cap) }
}

export function setConnection(state: LiveState, connection: ConnectionState): LiveState {
  return state.connection === connection ? state : { ...state, connection }
}

export interface LiveStore {
  getState(): LiveState
  subscribe(listener: () => void): () => void
  /** Replaces the state with `reduce(state)`; listeners run only when the reducer returned a new object. */
  update(reduce: (state: LiveState) => LiveState): void
}

export function createLiveStore(initial: LiveState = INITIAL_LIVE_STATE): LiveStore {
  let state = initial
  const listeners = new Set<() => void>()
  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    update(reduce) {
      const next = reduce(state)
      if (next === state) return
      state = next
      for (const listener of listeners) listener()
    },
  }
}

/** Provided once in `main.tsx`; tests provide their own store, so no module-level singleton exists. */
export const LiveStoreContext = createContext<LiveStore>(createLiveStore())

/** The store itself, for what feeds it (`LiveSession`); components read it through the selectors below. */
export function useLiveStore(): LiveStore {
  return useContext(LiveStoreContext)
}

function useLive<T>(select: (state: LiveState) => T): T {
  const store = useLiveStore()
  return useSyncExternalStore(store.subscribe, () => select(store.getState()))
}

export function useDevice(id: string | undefined): DeviceView | undefined {
  return useLive((s) => (id === undefined ? undefined : s.devices.get(id)))
}

export function useDevices(): readonly DeviceView[] {
  return useLive((s) => s.list)
}

/** Devices as of the latest snapshot, for layout: stable between snapshots. Read values with `useDevice`. */
export function useRoster(): readonly DeviceView[] {
  return useLive((s) => s.roster)
}

export function useConnection(): ConnectionState {
  return useLive((s) => s.connection)
}

/** True once the first snapshot has arrived, so pages can tell "loading" from "no such device". */
export function useSnapshotReady(): boolean {
  return useLive((s) => s.snapshotTs !== null)
}

const NO_ALARMS: readonly AlarmView[] = []

/**
 * The alarms a console lists (not normal, or shelved, or out of service), in no particular order; only those of one
 * device when `deviceId` is given. A new array only when an alarm changed.
 */
export function useAlarms(deviceId?: string): readonly AlarmView[] {
  const alarms = useLive((s) => s.alarms)
  return useMemo(() => {
    const listed = [...alarms.values()].filter(
      (a) => isListed(a) && (deviceId === undefined || a.deviceId === deviceId),
    )
    return listed.length === 0 ? NO_ALARMS : listed
  }, [alarms, deviceId])
}

/** The flood state of every site of the scope. */
export function useFloods(): ReadonlyMap<string, FloodStatus> {
  return useLive((s) => s.floods)
}

/** The work orders the link told of since it opened, by id; a new map only when one changed. */
export function useLiveWorkOrders(): ReadonlyMap<number, WorkOrderView> {
  return useLive((s) => s.workOrders)
}

/** Recent live events, newest first; only those of one device when `deviceId` is given. */
export function useRecentEvents(deviceId?: string): readonly DeviceEvent[] {
  const events = useLive((s) => s.events)
  return useMemo(
    () => (deviceId === undefined ? events : events.filter((e) => e.deviceId === deviceId)),
    [events, deviceId],
  )
}
