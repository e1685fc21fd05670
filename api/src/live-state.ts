/**
 * The in-memory view of every device: registry facts plus latest values and availability, and the delta of what
 * changed since the last flush. Pure and synchronous; `live.ts` feeds it from MQTT and drains it on a timer.
 *
 * Coalescing happens here: however many messages a device sends between two flushes, it has one pending delta
 * holding only the fields whose value changed, each with its latest value.
 */
import type { DeviceDelta, DeviceKind, DeviceStatus, DeviceView, FieldValue, Reading } from '@fm/protocol'

export interface DeviceFilter {
  siteId?: string
  kind?: DeviceKind
}

function copyView(view: DeviceView): DeviceView {
  return { ...view, attributes: { ...view.attributes }, values: { ...view.values } }
}

function matches(view: DeviceView, filter: DeviceFilter | undefined): boolean {
  if (filter?.siteId !== undefined && view.siteId !== filter.siteId) return false
  return filter?.kind === undefined || view.kind === filter.kind
}

/**
 * One delta equal to applying `earlier` then `later` to the same device: what `later` carries wins, values merge field
 * by field. That holds because each key of a delta carries the device's latest value for it (see `applyReading`,
 * `applyStatus` and `touch` below), and a client applies a delta by overwriting the keys it carries. A socket that
 * lagged behind catches up with one such delta per device. Neither argument is changed.
 */
export function mergeDelta(earlier: DeviceDelta, later: DeviceDelta): DeviceDelta {
  const merged: DeviceDelta = { ...earlier, ...later }
  if (earlier.values && later.values) merged.values = { ...earlier.values, ...later.values }
  return merged
}

export class LiveState {
  readonly #views = new Map<string, DeviceView>()
  readonly #pending = new Map<string, DeviceDelta>()

  constructor(initial: readonly DeviceView[] = []) {
    for (const view of initial) this.#views.set(view.id, copyView(view))
  }

  has(deviceId: string): boolean {
    return this.#views.has(deviceId)
  }

  /** Where a device is, without copying its view: asked for every delta and event sent to a scoped audience. */
  placeOf(deviceId: string): { siteId: string; buildingId?: string | undefined } | undefined {
    const view = this.#views.get(deviceId)
    return view && { siteId: view.siteId, buildingId: view.buildingId }
  }

  /** A copy of one device's view, so that callers never alias the live state. */
  get(deviceId: string): DeviceView | undefined {
    const view = this.#views.get(deviceId)
    return view && copyView(view)
  }

  list(filter?: DeviceFilter): DeviceView[] {
    return [...this.#views.values()].filter((view) => matches(view, filter)).map(copyView)
  }

  /** Replaces the registry facts from the store, keeping live state. Returns true when devices came or went. */
  mergeRegistry(registry: readonly DeviceView[]): boolean {
    const known = new Set(registry.map((view) => view.id))
    let changed = false
    for (const id of this.#views.keys()) {
      if (known.has(id)) continue
      this.#views.delete(id)
      this.#pending.delete(id)
      changed = true
    }
    for (const fresh of registry) {
      const next = copyView(fresh)
      const current = this.#views.get(fresh.id)
      if (current) {
        // The store's copy of the live fields may lag behind what this process has seen over MQTT.
        next.online = current.online
        next.lastSeen = current.lastSeen
        next.values = current.values
        next.valuesTs = current.valuesTs
      } else {
        changed = true
      }
      this.#views.set(fresh.id, next)
    }
    return changed
  }

  /**
   * Merges a reading by the store's rule (store/src/device-state.ts), so that REST after a restart and the live view
   * agree. It ranks at `min(ts, receivedAt)`: a `ts` ahead of the server clock (up to 5 minutes is accepted) would
   * otherwise outrank the correct readings that follow it. A reading that ranks as new as the shown one or newer
   * overwrites the fields it carries; an older one (a device flushing its offline buffer) only fills fields not
   * shown yet. Last seen is the receive time: a device's clock may run slow.
   */
  applyReading(reading: Reading, receivedAt: number): void {
    const view = this.#views.get(reading.deviceId)
    if (!view) return
    this.touch(view.id, receivedAt)
    const ts = Math.min(reading.ts, receivedAt)
    const newer = view.valuesTs === null || ts >= view.valuesTs
    for (const [field, value] of Object.entries(reading.values as Record<string, FieldValue | undefined>)) {
      if (value === undefined || view.values[field] === value) continue
      if (!newer && Object.hasOwn(view.values, field)) continue
      view.values[field] = value
      const delta = this.#deltaOf(view.id)
      delta.values ??= {}
      delta.values[field] = value
    }
    if (newer && view.valuesTs !== ts) {
      view.valuesTs = ts
      this.#deltaOf(view.id).valuesTs = ts
    }
  }

  /**
   * Applied in arrival order, which is the server's receive order: the device's `ts` plays no part, as a last will
   * has none and a slow device clock would lose every reconnect against it. `retained`: replayed by the broker on
   * subscribe, so it says nothing about when the device was last seen.
   */
  applyStatus(status: DeviceStatus, retained: boolean, receivedAt: number): void {
    const view = this.#views.get(status.deviceId)
    if (!view) return
    if (view.online !== status.online) {
      view.online = status.online
      this.#deltaOf(view.id).online = status.online
    }
    // An offline status is usually the last will, sent by the broker after the device went silent: it is not a
    // sighting of the device.
    if (!retained && status.online) this.touch(view.id, receivedAt)
  }

  /** Any message proves the device was there when it was received (the server's clock, epoch ms). */
  touch(deviceId: string, receivedAt: number): void {
    const view = this.#views.get(deviceId)
    if (!view || (view.lastSeen !== null && view.lastSeen >= receivedAt)) return
    view.lastSeen = receivedAt
    this.#deltaOf(deviceId).lastSeen = receivedAt
  }

  /** Returns the pending deltas and starts a new batch. */
  takeDeltas(): DeviceDelta[] {
    const deltas = [...this.#pending.values()]
    this.#pending.clear()
    return deltas
  }

  #deltaOf(id: string): DeviceDelta {
    let delta = this.#pending.get(id)
    if (!delta) {
      delta = { id }
      this.#pending.set(id, delta)
    }
    return delta
  }
}
