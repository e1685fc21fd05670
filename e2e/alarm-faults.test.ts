/**
 * The simulators' faults, for every device kind, through the alarm engine: the demo compound 翠湖花园 simulated second
 * by second (every device reporting every 5 s, as `FM_SIM_INTERVAL_MS=5000` runs it), its readings handed to the
 * engine as ingest hands them, over a real SQLite store, on a clock the test sets. For each fault: the right alarm
 * with the right priority, raised exactly its on-delay after the condition started to hold, once, however the value
 * wanders at the threshold; cleared at the first reading past the deadband; fire latched until someone resets it.
 * Then every kind's comms-loss, and a pump room that goes dark at once.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAlarmEngine } from '@fm/ingest'
import {
  type AlarmView,
  alarmRule,
  DEVICE_KINDS,
  type DeviceKind,
  type FieldValue,
  GROUP_COMMS_LOSS_RULE,
  type Reading,
  type SiteManifest,
} from '@fm/protocol'
import { createSimulation, DEMO_MANIFEST_PATH, type FaultName, loadManifest } from '@fm/simulators'
import { openStore, type Store } from '@fm/store'
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest'

const SEC = 1000
const MIN = 60 * SEC
const REPORT_MS = 5 * SEC
/** Wednesday 10 June 2026, 19:48 in Wuhan: pumps busy, cars arriving. */
const START = Date.UTC(2026, 5, 10, 11, 48)
const OPERATOR = { userId: 'u-guard-1', name: '值班员 王磊' }

type Values = Readonly<Record<string, FieldValue>>

let manifest: SiteManifest
beforeAll(async () => {
  manifest = await loadManifest(DEMO_MANIFEST_PATH)
})

interface Compound {
  store: Store
  now(): number
  /** Steps the simulation second by second up to `until`; every device not `silent` reports every 5 s. */
  run(until: number, silent?: ReadonlySet<string>): void
  /** Every reading handed to the engine for one device, in order. */
  readings(deviceId: string): { at: number; values: Values }[]
  injectFault(deviceId: string, fault: FaultName): void
  clearFault(deviceId: string): void
}

async function startCompound(): Promise<Compound> {
  const dir = mkdtempSync(join(tmpdir(), 'fm-alarms-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  const store = openStore({ file: join(dir, 'fm.db'), passwordCost: { N: 64, r: 8, p: 1 } })
  onTestFinished(() => store.close())
  await store.provisionSite(manifest)
  let now = START
  const simulation = createSimulation(manifest, 1, START)
  const engine = createAlarmEngine({
    store,
    now: () => now,
    commsSettleMs: 30 * SEC,
    onChange: () => {},
    onError: (part, error) => {
      throw new Error(`alarm engine failed in ${part}`, { cause: error })
    },
  })
  engine.start()
  const kinds = new Map(manifest.devices.map((device) => [device.id, device.kind]))
  const log = new Map<string, { at: number; values: Values }[]>()
  return {
    store,
    now: () => now,
    run(until, silent = new Set()) {
      while (now < until) {
        now += SEC
        const ticks = simulation.step(now)
        for (const [deviceId, tick] of ticks) {
          if (silent.has(deviceId)) continue
          if (tick.events.length > 0) engine.sighting(deviceId, now)
          if ((now - START) % REPORT_MS !== 0) continue
          const kind = kinds.get(deviceId) as DeviceKind
          const values = tick.values as Values
          engine.reading({ siteId: manifest.site.id, kind, deviceId, ts: now, values } as Reading, now)
          const list = log.get(deviceId) ?? []
          list.push({ at: now, values })
          log.set(deviceId, list)
        }
        engine.tick(now)
      }
    },
    readings: (deviceId) => log.get(deviceId) ?? [],
    injectFault: (deviceId, fault) => simulation.injectFault(deviceId, fault),
    clearFault: (deviceId) => simulation.clearFault(deviceId),
  }
}

function journalOf(store: Store, deviceId: string, ruleId: string): string[] {
  return store
    .alarmJournal({ deviceId, ascending: true, limit: 100_000 })
    .filter((entry) => entry.ruleId === ruleId)
    .map((entry) => entry.transition)
}

function alarmOf(store: Store, deviceId: string, ruleId: string): AlarmView {
  const alarm = store.findAlarm(deviceId, ruleId)
  if (!alarm) throw new Error(`no ${ruleId} on ${deviceId}`)
  return alarm
}

/** Since when `holds` was true without a break, at `at`, on the readings the engine got. */
function holdingSince(readings: { at: number; values: Values }[], at: number, holds: (values: Values) => boolean) {
  let since: number | undefined
  for (const reading of readings) {
    if (reading.at > at) break
    since = holds(reading.values) ? (since ?? reading.at) : undefined
  }
  return since
}

/** How often the value went from one side of `threshold` to the other. */
function crossings(readings: { values: Values }[], field: string, threshold: number): number {
  let count = 0
  let above: boolean | undefined
  for (const { values } of readings) {
    const value = values[field]
    if (typeof value !== 'number') continue
    if (above !== undefined && above !== value > threshold) count += 1
    above = value > threshold
  }
  return count
}

interface FaultCase {
  device: string
  fault: FaultName
  rule: string
  holds: (values: Values) => boolean
  /** past the deadband */
  clears: (values: Values) => boolean
  faultMin: number
  recoverMin: number
  /** field and threshold of an analog rule, to count how often the value wandered across it */
  threshold?: [string, number]
}

const num = (values: Values, field: string) => Number(values[field])

/** One fault per kind at least; `rule` is the alarm it must raise. */
const FAULT_CASES: Record<DeviceKind, FaultCase[]> = {
  'water-tank': [
    {
      device: 'tank-1',
      fault: 'low-low',
      rule: 'water-tank.level-low-low',
      holds: (v) => num(v, 'level_pct') < 15,
      clears: (v) => num(v, 'level_pct') >= 20,
      faultMin: 10,
      recoverMin: 60,
      threshold: ['level_pct', 15],
    },
    {
      device: 'tank-2',
      fault: 'overflow',
      rule: 'water-tank.overflow',
      holds: (v) => v.overflow === true,
      clears: (v) => v.overflow === false,
      faultMin: 5,
      recoverMin: 5,
    },
  ],
  pump: [
    {
      device: 'pump-low-1',
      fault: 'trip',
      rule: 'pump.fault',
      holds: (v) => v.fault === true,
      clears: (v) => v.fault === false,
      faultMin: 2,
      recoverMin: 2,
    },
  ],
  'electrical-panel': [
    {
      device: 'ap-b4',
      fault: 'cable-overheat',
      rule: 'electrical-panel.cable-temperature',
      holds: (v) => num(v, 'cable_temp_c') > 70,
      clears: (v) => num(v, 'cable_temp_c') <= 65,
      faultMin: 10,
      recoverMin: 10,
      threshold: ['cable_temp_c', 70],
    },
    {
      device: 'ap-b4',
      fault: 'phase-loss',
      rule: 'electrical-panel.voltage-loss',
      // phase C lost: Ubc and Uca collapse while Uab stays; the worst line voltage counts
      holds: (v) => Math.min(num(v, 'uab_v'), num(v, 'ubc_v'), num(v, 'uca_v')) < 304,
      clears: (v) => Math.min(num(v, 'uab_v'), num(v, 'ubc_v'), num(v, 'uca_v')) >= 319,
      faultMin: 2,
      recoverMin: 2,
    },
    {
      device: 'ap-pump-dw',
      fault: 'breaker-trip',
      rule: 'electrical-panel.breaker-tripped',
      holds: (v) => v.breaker === 'tripped',
      clears: (v) => v.breaker !== 'tripped',
      faultMin: 2,
      recoverMin: 2,
    },
  ],
  'fire-alarm-panel': [
    {
      device: 'fap-1',
      fault: 'fire',
      rule: 'fire-alarm-panel.fire',
      holds: (v) => num(v, 'fire_points') > 0,
      clears: (v) => num(v, 'fire_points') <= 0,
      faultMin: 3,
      recoverMin: 10,
    },
    {
      device: 'fap-1',
      fault: 'point-fault',
      rule: 'fire-alarm-panel.fault',
      holds: (v) => num(v, 'fault_points') > 0,
      clears: (v) => num(v, 'fault_points') <= 0,
      faultMin: 2,
      recoverMin: 2,
    },
  ],
  'fire-water': [
    {
      device: 'fw-pool',
      fault: 'pressure-loss',
      rule: 'fire-water.hydrant-pressure-low',
      holds: (v) => num(v, 'hydrant_pressure_mpa') < 0.15,
      clears: (v) => num(v, 'hydrant_pressure_mpa') >= 0.17,
      faultMin: 10,
      recoverMin: 10,
      threshold: ['hydrant_pressure_mpa', 0.15],
    },
  ],
  'room-environment': [
    {
      device: 'env-pump-room-dw',
      fault: 'flood',
      rule: 'room-environment.flood',
      holds: (v) => v.flood === true,
      clears: (v) => v.flood === false,
      faultMin: 3,
      recoverMin: 3,
    },
  ],
  gate: [
    {
      device: 'gate-north-out',
      fault: 'barrier-stuck-open',
      rule: 'gate.barrier-held-open',
      holds: (v) => v.barrier === 'up',
      clears: (v) => v.barrier !== 'up',
      faultMin: 5,
      recoverMin: 3,
    },
  ],
  'patrol-checkpoint': [
    {
      device: 'cp-03',
      fault: 'battery-low',
      rule: 'patrol-checkpoint.battery-low',
      holds: (v) => num(v, 'battery_pct') < 20,
      clears: (v) => num(v, 'battery_pct') >= 25,
      faultMin: 5,
      recoverMin: 2,
    },
  ],
}

const cases = DEVICE_KINDS.flatMap((kind) => FAULT_CASES[kind].map((c) => [kind, c.fault, c.rule, c] as const))

describe('simulated faults of every kind through the alarm engine', () => {
  it('raises nothing in a healthy compound: 30 minutes of the evening peak', async () => {
    const compound = await startCompound()
    compound.run(START + 30 * MIN)
    expect(compound.store.listAlarms()).toEqual([])
  })

  it.each(cases)('%s %s → %s', async (_kind, fault, ruleId, c) => {
    const rule = alarmRule(ruleId)
    if (!rule) throw new Error(`no rule ${ruleId}`)
    const compound = await startCompound()
    const { store } = compound
    compound.run(START + 2 * MIN)
    compound.injectFault(c.device, fault)
    compound.run(compound.now() + c.faultMin * MIN)

    const raised = alarmOf(store, c.device, ruleId)
    expect(raised.priority).toBe(rule.priority)
    // exactly its on-delay after the condition started to hold, on the readings the engine got: not a second before
    const since = holdingSince(compound.readings(c.device), raised.raisedAt ?? 0, c.holds)
    expect(raised.raisedAt).toBe((since ?? 0) + rule.onDelaySec * SEC)
    expect(journalOf(store, c.device, ruleId)).toEqual(['raised'])

    compound.clearFault(c.device)
    compound.run(compound.now() + c.recoverMin * MIN)
    const readings = compound.readings(c.device)
    const firstClear = readings.find((reading) => reading.at > (raised.raisedAt ?? 0) && c.clears(reading.values))
    const after = alarmOf(store, c.device, ruleId)
    // once, at the first reading past the deadband, whatever the value did at the threshold before
    expect(journalOf(store, c.device, ruleId)).toEqual(['raised', 'cleared'])
    expect(after).toMatchObject({ count: 1, conditionActive: false, clearedAt: firstClear?.at })
    if (c.threshold) {
      const [field, threshold] = c.threshold
      const wandered = crossings(readings, field, threshold)
      expect(wandered, `${field} crossed ${threshold}`).toBeGreaterThanOrEqual(2)
    }
    if (rule.latch) {
      // fire: still active with its condition gone, until someone resets it
      expect(after).toMatchObject({ active: true, state: 'unack' })
      compound.run(compound.now() + 30 * MIN)
      expect(alarmOf(store, c.device, ruleId).active).toBe(true)
      store.acknowledgeAlarm(after.id, OPERATOR, compound.now())
      expect(store.resetAlarm(after.id, OPERATOR, compound.now()).alarm).toMatchObject({
        active: false,
        state: 'normal',
      })
    } else {
      expect(after.active).toBe(false)
    }
  })
})

describe('comms loss in the simulated compound', () => {
  const oneOfEach = () => DEVICE_KINDS.map((kind) => manifest.devices.find((device) => device.kind === kind))

  it.each(DEVICE_KINDS)(
    'a silent %s raises its comms-loss alarm 3 report intervals + 30 s after its last reading',
    async (kind) => {
      const device = oneOfEach().find((candidate) => candidate?.kind === kind)
      if (!device) throw new Error(`no ${kind} in the demo compound`)
      const compound = await startCompound()
      compound.run(START + 2 * MIN)
      const last = compound.now()
      const due = last + 3 * (device.report_interval_sec ?? 5) * SEC + 30 * SEC
      compound.run(due - SEC, new Set([device.id]))
      expect(compound.store.findAlarm(device.id, `${kind}.comms-loss`)).toBeUndefined()
      compound.run(due, new Set([device.id]))
      const alarm = alarmOf(compound.store, device.id, `${kind}.comms-loss`)
      expect(alarm).toMatchObject({ priority: alarmRule(`${kind}.comms-loss`)?.priority, raisedAt: due })
      compound.run(due + MIN)
      expect(alarmOf(compound.store, device.id, `${kind}.comms-loss`).state).toBe('normal')
    },
  )

  it('raises one alarm for the domestic pump room going dark at once, on its first device, not nine', async () => {
    const compound = await startCompound()
    compound.run(START + 2 * MIN)
    const room = manifest.devices.filter((device) => device.room === 'pump-room-dw').map((device) => device.id)
    expect(room).toHaveLength(9)
    compound.run(compound.now() + 10 * MIN, new Set(room))
    const open = compound.store.listAlarms({ open: true }).filter((alarm) => alarm.ruleId.endsWith('comms-loss'))
    expect(open.map((alarm) => [alarm.deviceId, alarm.ruleId, alarm.value])).toEqual([
      [[...room].sort()[0], GROUP_COMMS_LOSS_RULE, 9],
    ])
  })
})
