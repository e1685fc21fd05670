/**
 * Device liveness and its comms-loss alarms, grouped so that a silent gateway or room raises one alarm instead of a
 * flood of one per device.
 *
 * - A device is **lost** when its status says offline (its last will, published by the broker when the connection
 *   dropped without a goodbye) or when nothing came from it for three report intervals (DOMAIN.md §b.0), checked on
 *   every tick. Any message from it ends the loss. A device is watched from its first message on: one provisioned but
 *   never installed is not lost, it is not there yet.
 * - Devices share a **group** when they have the same `attributes.gateway` (the gateway itself, when registered, is
 *   one of them), else the same room of the same site.
 * - A lost device waits `settleMs` before its own comms-loss alarm. If by then its group has at least three members
 *   and every one of them is lost, the cause is the gateway or the room (its switch, its power), and ONE alarm stands
 *   for them all (`GROUP_COMMS_LOSS_RULE`, on the gateway device when the gateway is registered, else on the group's
 *   first device by id; its value is how many devices are lost, its priority the highest of theirs). Members alarmed
 *   on their own before are suppressed by design while it stands.
 * - Members report at different intervals (a patrol checkpoint every minute in a pump room of 5-second devices), so
 *   a member not heard from since the lost device went quiet may be silent too without being found so yet: the lost
 *   device waits for it to be found silent or to speak, at most GROUP_WAIT_MAX_MS, rather than raise an alarm the
 *   group alarm would replace a minute later.
 * - When a member comes back, the group alarm clears; the members still lost settle again from then before their own
 *   alarms, because after a gateway restart its devices come back one by one, and that must not flood the console.
 * - After a restart, the comms-loss alarms open in the store stand for lost devices, a group alarm for its whole
 *   group; every other device gets three report intervals from the restart before it counts as silent.
 */
import { type AlarmPriority, type AlarmRule, type AlarmView, GROUP_COMMS_LOSS_RULE } from '@fm/protocol'
import type { DeviceRecord, DeviceState } from '@fm/store'
import type { AlarmWriter } from './alarm-writer.ts'

/** Report intervals without a message after which a device is lost (DOMAIN.md §b.0). */
export const SILENT_INTERVALS = 3
/** Fewer devices than this in a group cannot tell a gateway failure from two devices failing: no group alarm. */
export const GROUP_MIN_DEVICES = 3
/** Longest a lost device's own alarm waits for members of its group that report less often. */
export const GROUP_WAIT_MAX_MS = 5 * 60_000

export interface CommsDevice {
  record: DeviceRecord
  /** The device's comms-loss rule with its overrides; undefined when disabled for it. */
  rule: AlarmRule | undefined
}

interface Liveness {
  readonly id: string
  record: DeviceRecord
  rule: AlarmRule | undefined
  intervalMs: number
  group: Group | undefined
  /** Receive time of its latest message; undefined until its first, and not watched until then. */
  lastSeen?: number
  lostSince?: number
  /** Its own comms-loss alarm is raised. */
  alarmed: boolean
  /** Its own alarm is suppressed by design: its group's alarm stands for it. */
  suppressed: boolean
}

interface Group {
  readonly key: string
  /** The gateway id its members share; undefined for a room. */
  readonly gateway: string | undefined
  members: Liveness[]
  representative: string
  /** The group alarm is raised. */
  alarmed: boolean
  /** When the group alarm last cleared: members still lost settle again from then. */
  endedAt?: number
}

export interface CommsWatch {
  /** The registered devices, at start and on every reload; a device gone or disabled has its alarm cleared. */
  setDevices(devices: readonly CommsDevice[], now: number): void
  /** What survives a restart: last sightings and online flags, and the comms-loss alarms still open. */
  restore(states: readonly DeviceState[], open: readonly AlarmView[], startedAt: number): void
  /** Any message from the device: it is alive. */
  seen(deviceId: string, at: number): void
  /** Its status says offline. */
  offline(deviceId: string, at: number): void
  /** The report interval the device announced in its status. */
  announce(deviceId: string, reportIntervalSec: number): void
  tick(now: number): void
}

const PRIORITY_RANK: Record<AlarmPriority, number> = { P0: 0, P1: 1, P2: 2, P3: 3 }

function gatewayOf(record: DeviceRecord): string | undefined {
  const gateway = record.attributes.gateway
  return typeof gateway === 'string' && gateway !== '' ? gateway : undefined
}

/** The gateway's group for a device behind one or for the gateway itself, else its room's; none without either. */
function groupOf(record: DeviceRecord, gateways: ReadonlySet<string>): Pick<Group, 'key' | 'gateway'> | undefined {
  const gateway = gatewayOf(record) ?? (gateways.has(record.id) ? record.id : undefined)
  if (gateway !== undefined) return { key: `${record.siteId}/gateway/${gateway}`, gateway }
  if (record.roomId === undefined) return undefined
  return { key: `${record.siteId}/room/${record.roomId}`, gateway: undefined }
}

/** `other` was not heard from since `lost` went quiet, and is not found silent yet: it may be silent too. */
const undecided = (other: Liveness, lost: Liveness) =>
  other.lostSince === undefined && (other.lastSeen ?? 0) <= (lost.lastSeen ?? 0)

const byId = (a: Liveness, b: Liveness) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

export function createCommsWatch(options: {
  writer: AlarmWriter
  settleMs: number
  onError: (part: string, error: unknown) => void
}): CommsWatch {
  const { writer, settleMs, onError } = options
  let devices = new Map<string, Liveness>()
  let groups = new Map<string, Group>()
  const announced = new Map<string, number>()

  /** Counted in its group: watched, with comms-loss enabled. */
  const counts = (device: Liveness) => device.rule !== undefined && device.lastSeen !== undefined

  function clearOwn(device: Liveness, at: number): void {
    if (!device.alarmed) return
    writer.clear(device.id, device.rule?.id ?? `${device.record.kind}.comms-loss`, at)
    device.alarmed = false
    device.suppressed = false
  }

  function raiseOwn(device: Liveness, rule: AlarmRule, now: number): void {
    writer.raise({
      deviceId: device.id,
      ruleId: rule.id,
      priority: rule.priority,
      latch: false,
      ack: rule.ack,
      ts: now,
    })
    device.alarmed = true
    device.suppressed = false
  }

  function raiseGroup(group: Group, lost: readonly Liveness[], now: number): void {
    let priority: AlarmPriority = 'P3'
    for (const member of lost) {
      const own = member.rule?.priority ?? 'P3'
      if (PRIORITY_RANK[own] < PRIORITY_RANK[priority]) priority = own
    }
    writer.raise({
      deviceId: group.representative,
      ruleId: GROUP_COMMS_LOSS_RULE,
      priority,
      latch: false,
      ack: 'auto',
      value: lost.length,
      ts: now,
    })
    group.alarmed = true
    for (const member of lost) {
      if (!member.alarmed || member.suppressed || !member.rule) continue
      writer.suppress(member.id, member.rule.id, true, now)
      member.suppressed = true
    }
  }

  function endGroup(group: Group, lost: readonly Liveness[], now: number): void {
    writer.clear(group.representative, GROUP_COMMS_LOSS_RULE, now)
    group.alarmed = false
    group.endedAt = now
    for (const member of lost) {
      if (!member.suppressed || !member.rule) continue
      writer.suppress(member.id, member.rule.id, false, now)
      member.suppressed = false
    }
  }

  function settleGroup(group: Group, now: number): void {
    const members = group.members.filter(counts)
    const lost = members.filter((member) => member.lostSince !== undefined)
    const grouped = members.length >= GROUP_MIN_DEVICES
    const allLost = grouped && lost.length === members.length
    if (group.alarmed) {
      if (!allLost) endGroup(group, lost, now)
      return
    }
    const settledFrom = (member: Liveness) => Math.max(member.lostSince ?? now, group.endedAt ?? 0)
    const due = lost.filter((member) => !member.alarmed && now - settledFrom(member) >= settleMs)
    if (due.length === 0) return
    if (allLost) {
      raiseGroup(group, lost, now)
      return
    }
    for (const member of due) {
      const waiting =
        grouped &&
        now - (member.lostSince ?? now) < GROUP_WAIT_MAX_MS &&
        members.some((other) => undecided(other, member))
      if (!waiting && member.rule) raiseOwn(member, member.rule, now)
    }
  }

  function settleAlone(device: Liveness, now: number): void {
    const since = device.lostSince
    if (device.alarmed || !device.rule || since === undefined || now - since < settleMs) return
    raiseOwn(device, device.rule, now)
  }

  function attempt(part: string, work: () => void): void {
    try {
      work()
    } catch (error) {
      onError(part, error)
    }
  }

  function setDevices(list: readonly CommsDevice[], now: number): void {
    const registered = new Set(list.map(({ record }) => record.id))
    const next = new Map<string, Liveness>()
    for (const { record, rule } of list) {
      if (record.revokedAt !== undefined) continue
      const known = devices.get(record.id)
      const intervalMs = (announced.get(record.id) ?? record.reportIntervalSec) * 1000
      const device: Liveness = known ?? {
        id: record.id,
        record,
        rule,
        intervalMs,
        group: undefined,
        alarmed: false,
        suppressed: false,
      }
      Object.assign(device, { record, rule, intervalMs, group: undefined })
      next.set(record.id, device)
    }
    // no longer watched (revoked, deleted, comms-loss disabled): an alarm it had would never clear
    for (const device of devices.values()) {
      const still = next.get(device.id)
      if (device.alarmed && !still?.rule) attempt('comms-loss', () => clearOwn(device, now))
    }
    const gateways = new Set<string>()
    for (const device of next.values()) {
      const gateway = gatewayOf(device.record)
      if (gateway !== undefined) gateways.add(gateway)
    }
    const nextGroups = new Map<string, Group>()
    for (const device of next.values()) {
      const place = groupOf(device.record, gateways)
      if (place === undefined) continue
      const group = nextGroups.get(place.key) ?? { ...place, members: [], representative: '', alarmed: false }
      group.members.push(device)
      device.group = group
      nextGroups.set(place.key, group)
    }
    for (const group of nextGroups.values()) {
      group.members.sort(byId)
      const first = group.members[0]?.id ?? ''
      group.representative = group.gateway !== undefined && registered.has(group.gateway) ? group.gateway : first
      const before = groups.get(group.key)
      if (!before) continue
      group.endedAt = before.endedAt
      // the alarm stays where it was raised, so that it clears there too
      if (before.alarmed) Object.assign(group, { alarmed: true, representative: before.representative })
    }
    devices = next
    groups = nextGroups
  }

  function restore(states: readonly DeviceState[], open: readonly AlarmView[], startedAt: number): void {
    for (const state of states) {
      const device = devices.get(state.deviceId)
      if (!device || state.lastSeen === null) continue
      device.lastSeen = Math.max(state.lastSeen, startedAt)
      if (!state.online) device.lostSince = startedAt
    }
    for (const alarm of open) {
      if (!alarm.conditionActive) continue
      if (alarm.ruleId === GROUP_COMMS_LOSS_RULE) {
        const group = [...groups.values()].find((candidate) => candidate.representative === alarm.deviceId)
        if (!group) {
          // its group is no more (devices moved or removed): nothing would ever clear it
          attempt('comms-loss', () => writer.clear(alarm.deviceId, GROUP_COMMS_LOSS_RULE, startedAt))
          continue
        }
        group.alarmed = true
        for (const member of group.members) {
          member.lastSeen ??= startedAt
          member.lostSince ??= startedAt
        }
        continue
      }
      const device = devices.get(alarm.deviceId)
      if (!device || alarm.ruleId !== `${device.record.kind}.comms-loss`) continue
      if (!device.rule) {
        // disabled since it was raised: nothing would ever clear it
        attempt('comms-loss', () => writer.clear(alarm.deviceId, alarm.ruleId, startedAt))
        continue
      }
      device.alarmed = true
      device.suppressed = alarm.suppressedByDesign
      device.lastSeen ??= startedAt
      device.lostSince ??= startedAt
    }
  }

  function seen(deviceId: string, at: number): void {
    const device = devices.get(deviceId)
    if (!device) return
    device.lastSeen = at
    if (device.lostSince === undefined) {
      // a member that was not counted yet (never heard of before) ends its group's loss too
      if (device.group?.alarmed) settleGroup(device.group, at)
      return
    }
    clearOwn(device, at)
    device.lostSince = undefined
    if (device.group) settleGroup(device.group, at)
  }

  function tick(now: number): void {
    const pending = new Set<Group>()
    for (const device of devices.values()) {
      if (!counts(device) || device.lastSeen === undefined) continue
      if (device.lostSince === undefined && now - device.lastSeen >= SILENT_INTERVALS * device.intervalMs) {
        device.lostSince = now
      }
      if (device.lostSince === undefined) continue
      if (device.group) pending.add(device.group)
      else attempt('comms-loss', () => settleAlone(device, now))
    }
    for (const group of groups.values()) if (group.alarmed) pending.add(group)
    for (const group of pending) attempt('comms-loss', () => settleGroup(group, now))
  }

  return {
    setDevices,
    restore,
    seen,
    offline(deviceId, at) {
      const device = devices.get(deviceId)
      if (!device) return
      device.lastSeen ??= at
      device.lostSince ??= at
    },
    announce(deviceId, reportIntervalSec) {
      announced.set(deviceId, reportIntervalSec)
      const device = devices.get(deviceId)
      if (device) device.intervalMs = reportIntervalSec * 1000
    },
    tick,
  }
}
