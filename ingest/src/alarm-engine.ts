/**
 * The alarm engine: turns what devices report into alarms, by the rule catalog (`ALARM_RULES`) with each site's and
 * device's overrides. It keeps per device the latest values, merged from readings that may carry only some fields,
 * and per (device, rule) where the condition stands; the store keeps the alarms and enforces their state machine
 * (alarm-writer.ts). No timers inside: ingest calls `tick` every second, and tests drive the clock.
 *
 * - **On-delay and off-delay**: a condition must hold for `onDelaySec` before it is raised, its clear for `offDelaySec`
 *   before it is cleared. Both are measured on the readings' own times, so that readings delivered late after an
 *   outage count for when they were measured, and between readings on ingest's clock, since a device reporting by
 *   exception says nothing more while its barrier stays up.
 * - **Deadband**: between the alarm threshold and the clear threshold nothing changes (alarm-conditions.ts).
 * - **Latch**: the store keeps a latched alarm (fire) active after its clear until someone resets it in the api.
 * - **Suppression by design**: the alarm is flagged while its rule's `suppressWhen` holds on the latest values.
 * - **Overrides** are read with the devices at start, every RULES_RELOAD_MS and whenever the api announces a change
 *   (`reload`). A rule an override disables has its alarm cleared: nothing would evaluate it any more.
 * - **Liveness and comms-loss grouping**: comms-loss.ts.
 * - **A restart** keeps what is in the store: the open alarms (a condition raised before is known, so it is not
 *   raised twice, and it clears when its clear comes), the latest values and the last sightings. A condition still
 *   in its on-delay or off-delay is not in the store: its timing starts again from the next reading, so a restart may
 *   delay an alarm by up to one on-delay, and never raises one early.
 * - **Every change** the store made (raise, re-trigger, clear, suppression, end of a shelve or an out-of-service
 *   period, which the tick also runs) is handed to `onChange`, for ingest to publish.
 */
import {
  type AlarmRule,
  type DeviceStatus,
  type FieldValue,
  GROUP_COMMS_LOSS_RULE,
  type Reading,
  rulesFor,
} from '@fm/protocol'
import type { AlarmUpdate, DeviceRecord, Store } from '@fm/store'
import {
  addSample,
  alarmValue,
  effectiveRule,
  indexOverrides,
  judge,
  type OverrideIndex,
  riseWithin,
  type Sample,
  suppressedByDesign,
  type Verdict,
} from './alarm-conditions.ts'
import { type AlarmCounts, type AlarmWriterStore, createAlarmWriter } from './alarm-writer.ts'
import { createCommsWatch } from './comms-loss.ts'

/** Rule overrides and devices are read again this often, even without an announcement from the api. */
export const RULES_RELOAD_MS = 60_000
/** A message from a device the engine does not know yet reloads the devices, at most this often. */
const UNKNOWN_DEVICE_RELOAD_MS = 5000

export type AlarmEngineStore = AlarmWriterStore &
  Pick<Store, 'listAlarms' | 'listRuleOverrides' | 'listDevices' | 'getDeviceStates'>

export interface AlarmEngineOptions {
  store: AlarmEngineStore
  /** Epoch ms, for what no message or tick dates: the start, a reload. */
  now: () => number
  /** How long a lost device waits for the rest of its group before its own comms-loss alarm (comms-loss.ts). */
  commsSettleMs: number
  /** Every change the store made. */
  onChange: (update: AlarmUpdate) => void
  /** A part of a tick (or a publication) failed; the rest went on, and the same decision is taken again next time. */
  onError: (part: string, error: unknown) => void
}

export interface AlarmEngine {
  /** Reads devices, overrides and what survives a restart from the store. Throws when the store fails. */
  start(): void
  /** A sighting of the device, and its rules evaluated on its latest values. */
  reading(reading: Reading, receivedAt: number): void
  /** Online or offline; a status replayed from the retained store on subscribe is no sighting of the device. */
  status(status: DeviceStatus, receivedAt: number, retained: boolean): void
  /** Any other message from the device (an event, a command ack): it is alive. */
  sighting(deviceId: string, receivedAt: number): void
  /** Delays due by the clock, silent devices, expired shelves and out-of-service periods, the periodic reload. */
  tick(now: number): void
  /** Reads the devices and the rule overrides again. */
  reload(): void
  counts(): AlarmCounts
}

/** When a condition started to hold: on the device's clock (as measured) and on ingest's (as received). */
interface Moment {
  measured: number
  received: number
}

interface Device {
  record: DeviceRecord
  /** Its rules with their overrides, comms-loss excepted (comms-loss.ts), by id. */
  rules: Map<string, AlarmRule>
  values: Map<string, FieldValue>
  /** Measured time of the latest reading merged; an older reading only fills fields never reported. */
  valuesTs: number
  slots: Map<string, Slot>
  /** Recent samples of each rate rule's field, by rule id. */
  rates: Map<string, Sample[]>
}

interface Slot {
  readonly device: Device
  readonly ruleId: string
  /** Raised in the store: the condition is active there. */
  active: boolean
  /** Suppression by design, as last set in the store. */
  suppressed: boolean
  /** Since when the condition pointing the other way (alarm while normal, normal while active) has held. */
  pending?: Moment
}

const isCommsLoss = (rule: AlarmRule) => rule.condition.type === 'comms-loss'

export function createAlarmEngine(options: AlarmEngineOptions): AlarmEngine {
  const { store, now, onError } = options
  const writer = createAlarmWriter(store, options.onChange, onError)
  const comms = createCommsWatch({ writer, settleMs: options.commsSettleMs, onError })
  const devices = new Map<string, Device>()
  /** Slots with a pending delay, for the tick. */
  const pending = new Set<Slot>()
  let overrides: OverrideIndex = new Map()
  let loadedAt = Number.NEGATIVE_INFINITY
  let unknownReloadAt = Number.NEGATIVE_INFINITY

  function attempt(part: string, work: () => void): void {
    try {
      work()
    } catch (error) {
      onError(part, error)
    }
  }

  function rulesOf(record: DeviceRecord): { rules: Map<string, AlarmRule>; comms: AlarmRule | undefined } {
    const rules = new Map<string, AlarmRule>()
    let comms: AlarmRule | undefined
    for (const catalog of rulesFor(record.kind)) {
      const rule = effectiveRule(catalog, record.siteId, record.id, overrides)
      if (rule && isCommsLoss(rule)) comms = rule
      else if (rule) rules.set(rule.id, rule)
    }
    return { rules, comms }
  }

  function reload(): void {
    const records = store.listDevices()
    overrides = indexOverrides(store.listRuleOverrides())
    const at = now()
    const listed = new Set<string>()
    const commsDevices = records.map((record) => {
      listed.add(record.id)
      const { rules, comms: rule } = rulesOf(record)
      const device = devices.get(record.id)
      if (!device) {
        devices.set(record.id, {
          record,
          rules,
          values: new Map(),
          valuesTs: Number.NEGATIVE_INFINITY,
          slots: new Map(),
          rates: new Map(),
        })
      } else {
        Object.assign(device, { record, rules })
        for (const slot of device.slots.values()) if (!rules.has(slot.ruleId)) retire(slot, at)
      }
      return { record, rule }
    })
    // a deleted device took its alarms with it (the store cascades)
    for (const id of devices.keys()) if (!listed.has(id)) forget(id)
    comms.setDevices(commsDevices, at)
    loadedAt = at
  }

  /** The rule no longer applies to the device (disabled by an override): its alarm clears, as nothing evaluates it. */
  function retire(slot: Slot, at: number): void {
    attempt('reload', () => {
      if (slot.active) writer.clear(slot.device.record.id, slot.ruleId, at)
      slot.device.slots.delete(slot.ruleId)
      pending.delete(slot)
    })
  }

  function forget(deviceId: string): void {
    const device = devices.get(deviceId)
    if (device) for (const slot of device.slots.values()) pending.delete(slot)
    devices.delete(deviceId)
  }

  /** The device, reloading the devices once when it is new (provisioned since the last reload). */
  function deviceOf(deviceId: string, at: number): Device | undefined {
    const device = devices.get(deviceId)
    if (device || at - unknownReloadAt < UNKNOWN_DEVICE_RELOAD_MS) return device
    unknownReloadAt = at
    reload()
    return devices.get(deviceId)
  }

  function slotOf(device: Device, ruleId: string): Slot {
    let slot = device.slots.get(ruleId)
    if (!slot) {
      slot = { device, ruleId, active: false, suppressed: false }
      device.slots.set(ruleId, slot)
    }
    return slot
  }

  /** Moves a slot on by one verdict: starts, keeps or drops its delay, and raises or clears once it is over. */
  function advance(slot: Slot, rule: AlarmRule, verdict: Verdict, at: Moment, byClock: boolean): void {
    const toward: Verdict = slot.active ? 'normal' : 'alarm'
    if (verdict !== toward) {
      slot.pending = undefined
      pending.delete(slot)
      return
    }
    slot.pending ??= at
    // pending until the store took the change: a raise or clear that throws is tried again on the next tick
    pending.add(slot)
    const delayMs = (slot.active ? rule.offDelaySec : rule.onDelaySec) * 1000
    const elapsed = byClock ? at.received - slot.pending.received : at.measured - slot.pending.measured
    if (elapsed < delayMs) return
    const { device } = slot
    const ts = byClock ? at.received : at.measured
    if (slot.active) {
      writer.clear(device.record.id, rule.id, ts)
      slot.active = false
    } else {
      const suppressed = suppressedByDesign(rule, device.values)
      const value = alarmValue(rule.condition, device.values)
      writer.raise({
        deviceId: device.record.id,
        ruleId: rule.id,
        priority: rule.priority,
        latch: rule.latch,
        ack: rule.ack,
        ts,
        suppressedByDesign: suppressed,
        ...(value === undefined ? {} : { value }),
      })
      slot.active = true
      slot.suppressed = suppressed
    }
    slot.pending = undefined
    pending.delete(slot)
  }

  /** Flags or unflags the alarm when its `suppressWhen` starts or stops holding. */
  function design(slot: Slot, rule: AlarmRule, ts: number): void {
    if (!slot.active || !rule.suppressWhen) return
    const suppressed = suppressedByDesign(rule, slot.device.values)
    if (suppressed === slot.suppressed) return
    writer.suppress(slot.device.record.id, rule.id, suppressed, ts)
    slot.suppressed = suppressed
  }

  /** The rise of a rate rule's field within its window, up to its latest value; `reported` adds a sample. */
  function rise(device: Device, rule: AlarmRule, reported: Readonly<Record<string, unknown>>, at: number) {
    const { condition } = rule
    if (condition.type !== 'rate') return undefined
    const latest = device.values.get(condition.field)
    if (typeof latest !== 'number') return undefined
    const samples = device.rates.get(rule.id) ?? []
    device.rates.set(rule.id, samples)
    if (typeof reported[condition.field] === 'number') addSample(samples, { at, value: latest }, condition.windowSec)
    return riseWithin(samples, latest)
  }

  function reading(reading: Reading, receivedAt: number): void {
    const device = deviceOf(reading.deviceId, receivedAt)
    if (!device) return
    attempt('comms-loss', () => comms.seen(reading.deviceId, receivedAt))
    const measured = Math.min(reading.ts, receivedAt)
    // Decoded from JSON and checked against the kind's schema: every present key holds a FieldValue.
    const reported = reading.values as Readonly<Record<string, FieldValue>>
    const late = measured < device.valuesTs
    let news = !late
    for (const [field, value] of Object.entries(reported)) {
      // a late reading was overtaken by newer values: it only fills fields never reported
      if (late && device.values.has(field)) continue
      device.values.set(field, value)
      news = true
    }
    if (!news) return
    if (!late) device.valuesTs = measured
    const at = { measured: device.valuesTs, received: receivedAt }
    for (const rule of device.rules.values()) {
      const slot = slotOf(device, rule.id)
      const risen = rise(device, rule, late ? {} : reported, measured)
      advance(slot, rule, judge(rule.condition, device.values, risen), at, false)
      design(slot, rule, at.measured)
    }
  }

  /** The delays that ran out on ingest's clock while no reading came. */
  function overdue(at: number): void {
    for (const slot of [...pending]) {
      const rule = slot.device.rules.get(slot.ruleId)
      if (!rule) {
        pending.delete(slot)
        continue
      }
      // still pending, so the last verdict was the one it waits for, and nothing since said otherwise
      const verdict: Verdict = slot.active ? 'normal' : 'alarm'
      attempt('delay', () => advance(slot, rule, verdict, { measured: at, received: at }, true))
    }
  }

  function restore(startedAt: number): void {
    const states = store.getDeviceStates()
    for (const state of states) {
      const device = devices.get(state.deviceId)
      if (!device) continue
      for (const [field, value] of Object.entries(state.values)) device.values.set(field, value)
      device.valuesTs = state.valuesTs ?? Number.NEGATIVE_INFINITY
    }
    const open = store.listAlarms({ open: true })
    for (const alarm of open) {
      const device = devices.get(alarm.deviceId)
      if (!device || !alarm.conditionActive || alarm.ruleId === GROUP_COMMS_LOSS_RULE) continue
      if (alarm.ruleId === `${device.record.kind}.comms-loss`) continue
      if (!device.rules.has(alarm.ruleId)) {
        // disabled since it was raised, or gone from the catalog: nothing would ever clear it
        attempt('restore', () => writer.clear(alarm.deviceId, alarm.ruleId, startedAt))
        continue
      }
      const slot = slotOf(device, alarm.ruleId)
      slot.active = true
      slot.suppressed = alarm.suppressedByDesign
    }
    comms.restore(states, open, startedAt)
  }

  return {
    start() {
      reload()
      restore(now())
    },
    reading,
    status(status, receivedAt, retained) {
      if (!deviceOf(status.deviceId, receivedAt)) return
      if (status.reportIntervalSec !== undefined) comms.announce(status.deviceId, status.reportIntervalSec)
      if (!status.online) comms.offline(status.deviceId, receivedAt)
      // a retained online status is the last thing the device said, maybe long ago: not a sighting
      else if (!retained) comms.seen(status.deviceId, receivedAt)
    },
    sighting(deviceId, receivedAt) {
      if (deviceOf(deviceId, receivedAt)) comms.seen(deviceId, receivedAt)
    },
    tick(at) {
      if (at - loadedAt >= RULES_RELOAD_MS) attempt('reload', reload)
      overdue(at)
      comms.tick(at)
      attempt('expiry', () => writer.expire(at))
    },
    reload,
    counts: () => writer.counts(),
  }
}
