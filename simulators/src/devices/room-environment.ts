/**
 * Equipment-room environment (泵房/配电房/消防控制室): air temperature and humidity following the weather, buffered by
 * the building and its ventilation, a flood (水浸) sensor, a smoke detector and a door contact. The duty engineer opens
 * the door on the morning and afternoon rounds (设备房巡检) for a few minutes.
 */
import type { DeviceSpec } from '@fm/protocol'
import { type Random, uniform, wander } from '../random.ts'
import { numberAttribute, type StepResult } from './device-model.ts'
import { approach, clamp, round } from './dynamics.ts'
import type { CompoundEnvironment } from './environment.ts'
import type { ModelFault } from './faults.ts'

/** Local hours at which the rounds reach this room, and how long the door stays open. */
const ROUND_HOURS = [9.5, 15.5] as const
const DOOR_OPEN_HOURS = 0.08

export interface RoomEnvironmentState {
  /** Heat from the equipment in the room, K above what the weather alone would give (the power room runs warm). */
  readonly heatK: number
  /** Phase of this room in the rounds, hours after the round starts. */
  readonly roundOffsetH: number
  readonly temperatureC: number
  readonly humidityPct: number
  readonly wetness: number
  readonly fault: ModelFault<'room-environment'> | null
}

export function initialRoomEnvironment(spec: DeviceSpec, rand: Random): RoomEnvironmentState {
  return {
    heatK: numberAttribute(spec, 'heat_k', 1),
    roundOffsetH: uniform(rand, 0, 0.5),
    temperatureC: 23,
    humidityPct: 60,
    wetness: 0,
    fault: null,
  }
}

/** Conditioned rooms stay in 18–28 °C: the weather moves them a third of the way, equipment heat adds to it. */
function temperatureTarget(state: RoomEnvironmentState, env: CompoundEnvironment): number {
  return clamp(21 + 0.3 * (env.outdoorTempC - 17) + state.heatK, 18.5, 27.5)
}

function doorOpen(state: RoomEnvironmentState, env: CompoundEnvironment): boolean {
  return ROUND_HOURS.some((hour) => {
    const since = env.hour - hour - state.roundOffsetH
    return since >= 0 && since < DOOR_OPEN_HOURS
  })
}

export function stepRoomEnvironment(
  state: RoomEnvironmentState,
  dtMs: number,
  env: CompoundEnvironment,
  rand: Random,
): StepResult<'room-environment', RoomEnvironmentState> {
  const dtSec = dtMs / 1000
  const flooded = state.fault === 'flood'
  // standing water evaporates: humidity climbs over a few minutes and falls back slowly once the floor is dry
  const wetness = approach(state.wetness, flooded ? 1 : 0, flooded ? 180 : 3 * 3600, dtSec)
  const target = temperatureTarget(state, env)
  const temperatureC = clamp(wander(rand, state.temperatureC, target, 0.6, 1800, dtSec), 18, 28)
  const dryHumidity = clamp(wander(rand, state.humidityPct, 60, 3, 3 * 3600, dtSec), 51, 69)
  const next = { ...state, wetness, temperatureC, humidityPct: dryHumidity }
  return {
    state: next,
    values: {
      flood: flooded,
      temperature_c: round(temperatureC, 1),
      humidity_pct: round(dryHumidity + (95 - dryHumidity) * wetness, 1),
      smoke: false,
      door_open: doorOpen(state, env),
    },
    events: [],
  }
}
