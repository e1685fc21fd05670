/**
 * Which devices may report, cached from the store. Every message is checked against it, so a lookup must not touch
 * the database; a miss reloads the cache, but at most once per `reloadIntervalMs`, so that a newly provisioned device
 * is picked up within seconds while a flood of messages from unknown ids cannot turn into a flood of queries.
 */
import type { DeviceAddress } from '@fm/protocol'
import type { DeviceRecord, Store } from '@fm/store'
import type { Logger } from 'pino'

export const DEVICE_RELOAD_INTERVAL_MS = 5000

export type DeviceCheck = { ok: true; device: DeviceRecord } | { ok: false; reason: string }

export interface DeviceRegistry {
  /** Loads every device now. Throws when the store fails: at start-up that is fatal. */
  load(): void
  /** Checks that a message's topic names a registered, unrevoked device of that site and kind. */
  check(address: DeviceAddress): DeviceCheck
}

export interface DeviceRegistryOptions {
  store: Pick<Store, 'listDevices'>
  logger: Logger
  now: () => number
  reloadIntervalMs?: number
}

function compare(address: DeviceAddress, device: DeviceRecord | undefined): DeviceCheck {
  if (!device) return { ok: false, reason: `device "${address.deviceId}" is not registered` }
  if (device.siteId !== address.siteId || device.kind !== address.kind) {
    return {
      ok: false,
      reason: `device "${address.deviceId}" is registered as ${device.kind} of site "${device.siteId}"`,
    }
  }
  if (device.revokedAt !== undefined) return { ok: false, reason: `device "${address.deviceId}" is revoked` }
  return { ok: true, device }
}

export function createDeviceRegistry(options: DeviceRegistryOptions): DeviceRegistry {
  const { store, logger, now } = options
  const reloadIntervalMs = options.reloadIntervalMs ?? DEVICE_RELOAD_INTERVAL_MS
  let devices = new Map<string, DeviceRecord>()
  let loadedAt = Number.NEGATIVE_INFINITY
  let loaded = false

  function load(): void {
    loadedAt = now()
    const next = new Map<string, DeviceRecord>()
    for (const device of store.listDevices()) next.set(device.id, device)
    if (!loaded || next.size !== devices.size) logger.info({ devices: next.size }, 'device registry loaded')
    devices = next
    loaded = true
  }

  function reloadIfDue(): void {
    if (now() - loadedAt < reloadIntervalMs) return
    try {
      load()
    } catch (error) {
      // A store outage: keep serving the devices we know; `load` stamped the attempt, so retry after the interval.
      logger.error({ err: error }, 'device registry reload failed; keeping the cached devices')
    }
  }

  return {
    load,
    check(address) {
      const first = compare(address, devices.get(address.deviceId))
      if (first.ok) return first
      reloadIfDue()
      return compare(address, devices.get(address.deviceId))
    },
  }
}
