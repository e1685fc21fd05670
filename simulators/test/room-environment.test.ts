import { describe, expect, it } from 'vitest'
import {
  initialRoomEnvironment,
  type RoomEnvironmentState,
  stepRoomEnvironment,
} from '../src/devices/room-environment.ts'
import { createRandom } from '../src/random.ts'
import { envAt, spec } from './simulate.ts'

function runRoom(state: RoomEnvironmentState, seconds: number, fromHour = 0) {
  const rand = createRandom(2)
  let current = state
  const readings = []
  for (let t = 0; t < seconds; t += 10) {
    const result = stepRoomEnvironment(current, 10_000, envAt(fromHour + t / 3600), rand)
    current = result.state
    readings.push(result.values)
  }
  return { state: current, readings }
}

const room = () => initialRoomEnvironment(spec('room-environment', { heat_k: 4 }), createRandom(1))

describe('room environment', () => {
  it('stays at 18–28 °C and 50–70 % RH, dry, without smoke', () => {
    for (const reading of runRoom(room(), 72 * 3600).readings) {
      expect(reading.temperature_c).toBeGreaterThanOrEqual(18)
      expect(reading.temperature_c).toBeLessThanOrEqual(28)
      expect(reading.humidity_pct).toBeGreaterThanOrEqual(50)
      expect(reading.humidity_pct).toBeLessThanOrEqual(70)
      expect(reading).toMatchObject({ flood: false, smoke: false })
    }
  })

  it('opens its door for a few minutes on the morning and afternoon rounds only', () => {
    const { readings } = runRoom(room(), 24 * 3600)
    const open = readings.filter((reading) => reading.door_open).length * 10
    expect(open).toBeGreaterThan(5 * 60)
    expect(open).toBeLessThan(15 * 60)
  })

  it('flood: the sensor trips at once and humidity climbs past 85 %; clear dries the room', () => {
    const flooded = runRoom({ ...room(), fault: 'flood' }, 900)
    expect(flooded.readings[0]?.flood).toBe(true)
    expect(flooded.readings.at(-1)?.humidity_pct).toBeGreaterThan(85)
    const dry = runRoom({ ...flooded.state, fault: null }, 10)
    expect(dry.readings.at(-1)?.flood).toBe(false)
  })
})
