import type { DeviceKind, FieldValue } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { deviceStatus, type StatusLevel, type StatusReason } from '../src/devices/status.ts'

type Case = [DeviceKind, Record<string, FieldValue>, StatusLevel, StatusReason[]]

const CASES: Case[] = [
  ['water-tank', { level_pct: 72 }, 'normal', []],
  ['water-tank', { level_pct: 25 }, 'attention', ['tankLow']],
  ['water-tank', { level_pct: 12 }, 'fault', ['tankLowLow']],
  ['water-tank', { level_pct: 99, overflow: true }, 'fault', ['overflow']],
  ['water-tank', { level_pct: 80, chlorine_mg_l: 0.02 }, 'fault', ['chlorineOut']],
  ['water-tank', { level_pct: 80, turbidity_ntu: 1.4, ph: 9 }, 'fault', ['turbidityHigh', 'phOut']],
  ['pump', { running: true, fault: false, mode: 'auto' }, 'normal', []],
  ['pump', { running: false, fault: true, mode: 'auto' }, 'fault', ['pumpFault']],
  ['pump', { running: false, mode: 'manual' }, 'attention', ['pumpManual']],
  ['pump', { running: false, run_command: true }, 'attention', ['pumpNoFeedback']],
  ['electrical-panel', { uab_v: 398, breaker: 'closed', cable_temp_c: 45 }, 'normal', []],
  ['electrical-panel', { breaker: 'tripped' }, 'fault', ['breakerTripped']],
  ['electrical-panel', { cable_temp_c: 72 }, 'fault', ['cableHot']],
  ['electrical-panel', { cable_temp_c: 65 }, 'attention', ['cableWarm']],
  ['electrical-panel', { residual_current_ma: 300 }, 'fault', ['residualHigh']],
  ['electrical-panel', { uab_v: 280 }, 'fault', ['voltageLow']],
  ['electrical-panel', { uab_v: 415 }, 'attention', ['voltageOut']],
  ['electrical-panel', { ats_source: 'backup', spd: 'failed' }, 'attention', ['spdFailed', 'atsBackup']],
  ['fire-alarm-panel', { mode: 'auto', fire_points: 0, fault_points: 0 }, 'normal', []],
  ['fire-alarm-panel', { fire_points: 2 }, 'fault', ['fire']],
  ['fire-alarm-panel', { fault_points: 1 }, 'fault', ['firePointFault']],
  ['fire-alarm-panel', { mode: 'manual', isolated_points: 3 }, 'attention', ['panelManual', 'isolated']],
  ['fire-alarm-panel', { mains_power_ok: false, backup_power_ok: false }, 'fault', ['mainsFault', 'backupFault']],
  ['fire-water', { tank_level_pct: 95, hydrant_pressure_mpa: 0.55, sprinkler_pressure_mpa: 0.6 }, 'normal', []],
  ['fire-water', { tank_level_pct: 70 }, 'attention', ['fireWaterLow']],
  ['fire-water', { hydrant_pressure_mpa: 0.05, sprinkler_pressure_mpa: 0.6 }, 'fault', ['pressureLowLow']],
  ['fire-water', { sprinkler_pressure_mpa: 0.12, water_temp_c: 3 }, 'attention', ['pressureLow', 'freezeRisk']],
  ['room-environment', { flood: false, smoke: false, temperature_c: 22, humidity_pct: 50 }, 'normal', []],
  ['room-environment', { flood: true }, 'fault', ['flood']],
  ['room-environment', { smoke: true, temperature_c: 45 }, 'fault', ['smoke', 'roomHot']],
  ['room-environment', { humidity_pct: 90 }, 'attention', ['humid']],
  ['gate', { barrier: 'down' }, 'normal', []],
  ['gate', { barrier: 'fault' }, 'fault', ['barrierFault']],
  ['patrol-checkpoint', { battery_pct: 64 }, 'normal', []],
  ['patrol-checkpoint', { battery_pct: 12 }, 'attention', ['batteryLow']],
]

describe('deviceStatus', () => {
  it.each(CASES)('%s %j is %s %j', (kind, values, level, reasons) => {
    expect(deviceStatus({ kind, online: true, values })).toEqual({ level, reasons })
  })

  it('is offline whatever the last values said', () => {
    expect(deviceStatus({ kind: 'pump', online: false, values: { fault: true } })).toEqual({
      level: 'offline',
      reasons: [],
    })
  })

  it('treats a device that reported nothing yet as normal, not as a fault', () => {
    expect(deviceStatus({ kind: 'electrical-panel', online: true, values: {} }).level).toBe('normal')
  })
})
