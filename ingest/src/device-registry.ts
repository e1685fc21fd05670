/**
 * Which devices may report, cached from the store. Every message is checked against it, so a hit must not touch
 * the database. A miss looks that one device up at once (an indexed read), so a device provisioned while ingest runs
 * is accepted from its very first message, including the retained status it sends on connect; an id that is still
 * unknown is not looked up again for `reloadIntervalMs`, so a flood from unknown ids cannot become a flood of queries.
 * A known device is never looked up again: ingest calls `load` periodically, which is how a revocation or a change of
 * kind or site reaches the cache.
 */
import type { DeviceAddress } from '@fm/protocol'
import type { DeviceRecord, Store } from '@fm/store'
import type { Logger } from 'pino'

export const DEVICE_RELOAD_INTERVAL_MS = 5000

export type DeviceCheck = { ok: true; device: DeviceRecord } | { ok: false; reason: string }

export interface DeviceRegistry {
  /** Loads every device now, replacing the cache. Throws when the store fails (at start-up that is fatal). */
  load(): void
  /** Checks that a message's topic names a registered, unrevoked device of that site and kind. */
  check(address: DeviceAddress): DeviceCheck
  /** The cached record of a device, without touching the store (undefined when not cached). */
  device(deviceId: string): DeviceRecord | undefined
}

export interface DeviceRegistryOptions {
  store: Pick<Store, 'listDevices' | 'getDevice'>
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
  /** What `check` depends on, to log a reload only when it changed something. */
  let fingerprint: string | undefined

  function load(): void {
    const next = new Map<string, DeviceRecord>()
    for (const device of store.listDevices()) next.set(device.id, device)
    const records = [...next.values()]
    const nextFingerprint = records.map((d) => `${d.id}/${d.siteId}/${d.kind}/${d.revokedAt ?? ''}`).join('\n')
    if (nextFingerprint !== fingerprint) {
      const counts = { devices: next.size, revoked: records.filter((d) => d.revokedAt !== undefined).length }
      logger.info(counts, fingerprint === undefined ? 'device registry loaded' : 'device registry changed')
    }
    devices = next
    fingerprint = nextFingerprint
  }

  /** Unknown id → when it was last looked up. */
  const misses = new Map<string, number>()

  function lookUp(deviceId: string): void {
    const lastMiss = misses.get(deviceId)
    if (lastMiss !== undefined && now() - lastMiss < reloadIntervalMs) return
    try {
      const device = store.getDevice(deviceId)
      if (device) {
        devices.set(deviceId, device)
        misses.delete(deviceId)
        logger.info({ device: deviceId }, 'newly provisioned device registered')
      } else {
        // Bounded: only ids that passed the broker's authentication reach ingest.
        if (misses.size > 10_000) misses.clear()
        misses.set(deviceId, now())
      }
    } catch (error) {
      misses.set(deviceId, now())
      logger.error({ err: error, device: deviceId }, 'device lookup failed; treating the device as unknown for now')
    }
  }

  return {
    load,
    device: (deviceId) => devices.get(deviceId),
    check(address) {
      const first = compare(address, devices.get(address.deviceId))
      if (first.ok || devices.has(address.deviceId)) return first
      lookUp(address.deviceId)
      return compare(address, devices.get(address.deviceId))
    },
  }
}
