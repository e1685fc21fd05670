/**
 * A small compound typed with the protocol's DTOs, so a contract change breaks the tests at compile time.
 * One device of every kind, spread over equipment rooms, a gatehouse and a building.
 */
import type { DeviceDelta, DeviceEvent, DeviceView, History, LiveSnapshot, Site, StoredEvent } from '@fm/protocol'

export const NOW = Date.UTC(2026, 4, 14, 6, 0, 0)

export const SITE: Site = {
  id: 'cuihu',
  name: '翠湖花园',
  nameEn: 'Cuihu Garden',
  timezone: 'Asia/Shanghai',
  buildings: [
    { id: 'b1', name: '1栋', nameEn: 'Building 1', floors: 18 },
    { id: 'b3', name: '3栋', nameEn: 'Building 3', floors: 18 },
  ],
  // Deliberately not in walking order: the overview must sort rooms by type.
  rooms: [
    { id: 'gatehouse-north', name: '北门岗亭', nameEn: 'North gatehouse', type: 'gatehouse' },
    { id: 'power-room', name: '配电房', nameEn: 'Power room', type: 'power-room', buildingId: 'b1' },
    {
      id: 'pump-room-dw',
      name: '生活水泵房',
      nameEn: 'Domestic pump room',
      type: 'domestic-pump-room',
      buildingId: 'b3',
    },
    { id: 'fire-control-room', name: '消防控制室', nameEn: 'Fire control room', type: 'fire-control-room' },
    { id: 'pump-room-fire', name: '消防水泵房', nameEn: 'Fire pump room', type: 'fire-pump-room', buildingId: 'b3' },
  ],
}

function device(partial: Pick<DeviceView, 'id' | 'kind' | 'name' | 'values'> & Partial<DeviceView>): DeviceView {
  return {
    siteId: 'cuihu',
    attributes: {},
    reportIntervalSec: 10,
    online: true,
    lastSeen: NOW - 3_000,
    valuesTs: NOW - 3_000,
    ...partial,
  }
}

export const DEVICES: DeviceView[] = [
  device({
    id: 'tank-1',
    kind: 'water-tank',
    name: '1#生活水箱',
    nameEn: 'Domestic water tank 1',
    roomId: 'pump-room-dw',
    buildingId: 'b3',
    values: { level_pct: 72.4, volume_m3: 108.6, inlet_valve: 'open', overflow: false },
  }),
  device({
    id: 'pump-low-1',
    kind: 'pump',
    name: '低区生活变频泵1#',
    nameEn: 'Low-zone booster pump 1',
    roomId: 'pump-room-dw',
    attributes: { role: 'duty', zone: 'low', tank: 'tank-1', rated_kw: 11, interval_min: 120, vendor_ref: 'X-7' },
    reportIntervalSec: 5,
    values: { running: true, fault: false, mode: 'auto', outlet_pressure_mpa: 0.452, frequency_hz: 42.5 },
  }),
  device({
    id: 'pump-fire-1',
    kind: 'pump',
    name: '消火栓泵1#',
    nameEn: 'Hydrant pump 1',
    roomId: 'pump-room-fire',
    values: { running: false, fault: false, mode: 'manual', outlet_pressure_mpa: 0.61 },
  }),
  device({
    id: 'fw-pool',
    kind: 'fire-water',
    name: '消防水池',
    nameEn: 'Fire water pool',
    roomId: 'pump-room-fire',
    values: { tank_level_pct: 96, hydrant_pressure_mpa: 0.55, sprinkler_pressure_mpa: 0.6 },
  }),
  device({
    id: 'lv-in-1',
    kind: 'electrical-panel',
    name: '1#低压进线柜',
    nameEn: 'LV incoming panel 1',
    roomId: 'power-room',
    values: { uab_v: 398, ia_a: 312.5, power_kw: 186.2, breaker: 'closed', cable_temp_c: 41 },
  }),
  device({
    id: 'fap-1',
    kind: 'fire-alarm-panel',
    name: '火灾报警控制器',
    nameEn: 'Fire alarm control panel',
    roomId: 'fire-control-room',
    values: { mode: 'auto', fire_points: 0, fault_points: 0, isolated_points: 0, mains_power_ok: true },
  }),
  device({
    id: 'env-fire-control-room',
    kind: 'room-environment',
    name: '消防控制室环境',
    nameEn: 'Fire control room environment',
    roomId: 'fire-control-room',
    values: { temperature_c: 22.5, humidity_pct: 48, flood: false, smoke: false },
  }),
  device({
    id: 'gate-north-in',
    kind: 'gate',
    name: '北门入口道闸',
    nameEn: 'North gate entry barrier',
    roomId: 'gatehouse-north',
    values: { barrier: 'down', loop_occupied: false, vehicles_in_count: 1520 },
  }),
  device({
    id: 'cp-02',
    kind: 'patrol-checkpoint',
    name: '巡更点2：1栋大堂',
    nameEn: 'Checkpoint 2: Building 1 lobby',
    buildingId: 'b1',
    online: false,
    lastSeen: NOW - 3_600_000,
    values: { battery_pct: 64 },
  }),
]

export const SNAPSHOT: LiveSnapshot = { ts: NOW, devices: DEVICES, alarms: [], floods: [] }

export const TANK_DELTA: DeviceDelta = { id: 'tank-1', values: { level_pct: 14.2 }, valuesTs: NOW + 1_000 }

export const PLATE_EVENT: DeviceEvent = {
  siteId: 'cuihu',
  kind: 'gate',
  deviceId: 'gate-north-in',
  ts: NOW + 2_000,
  event: {
    type: 'plate',
    ts: NOW + 2_000,
    plate: '鄂A12345',
    plate_color: 'green',
    confidence_pct: 97,
    direction: 'in',
  },
}

export const STORED_PLATE: StoredEvent = {
  id: 1,
  deviceId: 'gate-north-in',
  ts: NOW - 60_000,
  type: 'plate',
  data: { plate: '鄂B88888', plate_color: 'blue', confidence_pct: 91, direction: 'in' },
}

export function historyOf(deviceId: string, field: string, from: number, to: number): History {
  const points = Array.from({ length: 12 }, (_, i) => {
    const mean = 70 + i
    return { ts: from + ((to - from) * i) / 12, mean, min: mean - 1.5, max: mean + 1.5, count: 6 }
  })
  return { deviceId, from, to, stepMs: (to - from) / 12, series: [{ field, unit: '%', points }] }
}

export function fixtureDevice(id: string): DeviceView {
  const found = DEVICES.find((d) => d.id === id)
  if (!found) throw new Error(`no fixture device ${id}`)
  return found
}

/** A history whose every bucket holds the same value: a pump that keeps its pressure, a pump that keeps running. */
export function flatHistoryOf(deviceId: string, field: string, value: number, from: number, to: number): History {
  const points = Array.from({ length: 12 }, (_, i) => ({
    ts: from + ((to - from) * i) / 12,
    mean: value,
    min: value,
    max: value,
    count: 6,
  }))
  return { deviceId, from, to, stepMs: (to - from) / 12, series: [{ field, points }] }
}
