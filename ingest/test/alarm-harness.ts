/**
 * The alarm engine over a real SQLite store in a temp folder, driven by a clock the test sets: 湖畔小区 with one
 * device of every kind, and a basement of 20 sensors behind one gateway. Everything opened is closed when the test
 * finishes.
 */
import { join } from 'node:path'
import type { DeviceKind, FieldValue, Reading, SiteManifest } from '@fm/protocol'
import { type AlarmUpdate, openStore, type PasswordCost, type Store } from '@fm/store'
import { onTestFinished } from 'vitest'
import { type AlarmEngine, createAlarmEngine } from '../src/alarm-engine.ts'
import { tempDir } from './harness.ts'

export const SITE = 'hupan'
/** Wednesday 10 June 2026, 09:00 in Wuhan. */
export const T0 = Date.UTC(2026, 5, 10, 1, 0)
export const SEC = 1000
export const MIN = 60 * SEC
/** Devices in the basement behind the gateway `gw-b1` (itself a registered device), besides the gateway. */
export const BASEMENT_SENSORS = 20

const CHEAP_PASSWORDS: PasswordCost = { N: 64, r: 8, p: 1 }

/** One device of every kind, `<kind>-1`, and the basement: `gw-b1` and `leak-01` … `leak-20` behind it. */
export function lakesideCompound(): SiteManifest {
  const one = (kind: DeviceKind, room: string, interval = 5) => ({
    id: `${kind}-1`,
    kind,
    name: `${kind} 1`,
    room,
    report_interval_sec: interval,
  })
  const basement = Array.from({ length: BASEMENT_SENSORS }, (_, index) => ({
    id: `leak-${String(index + 1).padStart(2, '0')}`,
    // one of them watches the sprinkler main, whose comms-loss is P1: the group alarm takes the highest priority
    kind: (index === 7 ? 'fire-water' : 'room-environment') as DeviceKind,
    name: `地下室传感器 ${index + 1}`,
    room: 'basement',
    report_interval_sec: 5,
    attributes: { gateway: 'gw-b1' },
  }))
  return {
    site: { id: SITE, name: '湖畔小区', timezone: 'Asia/Shanghai', city: '武汉' },
    buildings: [{ id: 'b1', name: '1栋', floors: 18 }],
    rooms: [
      { id: 'pump-room', name: '生活泵房', type: 'domestic-pump-room', building: 'b1' },
      { id: 'power-room', name: '配电房', type: 'power-room', building: 'b1' },
      { id: 'fire-control-room', name: '消防控制室', type: 'fire-control-room', building: 'b1' },
      { id: 'gatehouse', name: '东门岗亭', type: 'gatehouse' },
      { id: 'basement', name: '地下室', type: 'other', building: 'b1' },
    ],
    devices: [
      one('water-tank', 'pump-room'),
      one('pump', 'pump-room'),
      one('fire-water', 'pump-room'),
      one('room-environment', 'pump-room'),
      one('electrical-panel', 'power-room'),
      one('fire-alarm-panel', 'fire-control-room', 30),
      one('gate', 'gatehouse'),
      {
        id: 'patrol-checkpoint-1',
        kind: 'patrol-checkpoint',
        name: '巡更点 1',
        building: 'b1',
        report_interval_sec: 60,
      },
      // the basement's distribution board: its meter is also the RS-485 gateway of the sensors
      { id: 'gw-b1', kind: 'electrical-panel', name: '地下室配电箱', room: 'basement', report_interval_sec: 5 },
      ...basement,
    ],
  }
}

export async function openAlarmStore(dir = tempDir()): Promise<Store> {
  const store = openStore({ file: join(dir, 'fm.db'), passwordCost: CHEAP_PASSWORDS })
  onTestFinished(() => store.close())
  await store.provisionSite(lakesideCompound())
  return store
}

export interface Clock {
  now(): number
  set(at: number): void
}

export function createClock(start = T0): Clock {
  let at = start
  return {
    now: () => at,
    set(next) {
      at = next
    },
  }
}

export interface EngineRun {
  engine: AlarmEngine
  clock: Clock
  /** Every change the engine handed on, in order. */
  changes: AlarmUpdate[]
  errors: { part: string; error: unknown }[]
}

export function startEngine(store: Store, options: { clock?: Clock; settleMs?: number } = {}): EngineRun {
  const clock = options.clock ?? createClock()
  const changes: AlarmUpdate[] = []
  const errors: EngineRun['errors'] = []
  const engine = createAlarmEngine({
    store,
    now: clock.now,
    commsSettleMs: options.settleMs ?? 30 * SEC,
    onChange: (update) => changes.push(update),
    onError: (part, error) => errors.push({ part, error }),
  })
  engine.start()
  return { engine, clock, changes, errors }
}

/** A reading as ingest decodes it, measured and received at `at`. */
export function report(
  run: EngineRun,
  device: { id: string; kind: DeviceKind },
  values: Record<string, FieldValue>,
  at = run.clock.now(),
): void {
  run.clock.set(Math.max(run.clock.now(), at))
  const reading = { siteId: SITE, kind: device.kind, deviceId: device.id, ts: at, values } as Reading
  run.engine.reading(reading, at)
}

/** Ticks every second from the clock's time up to `until`, calling `each` before the tick of every `everyMs`. */
export function runUntil(run: EngineRun, until: number, each?: { everyMs: number; at: (now: number) => void }): void {
  const from = run.clock.now()
  for (let now = from + SEC; now <= until; now += SEC) {
    run.clock.set(now)
    if (each && (now - from) % each.everyMs === 0) each.at(now)
    run.engine.tick(now)
  }
}

/** The transitions of one (device, rule) in the journal, oldest first. */
export function journalOf(store: Store, deviceId: string, ruleId: string): string[] {
  return store
    .alarmJournal({ deviceId, ascending: true, limit: 10_000 })
    .filter((entry) => entry.ruleId === ruleId)
    .map((entry) => entry.transition)
}

export const OPERATOR = { userId: 'u-guard-1', name: '值班员 王磊' }
