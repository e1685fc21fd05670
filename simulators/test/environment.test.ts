import { describe, expect, it } from 'vitest'
import { compoundEnvironment, localTime, waterDemandAt } from '../src/devices/environment.ts'
import { at, envAt, TIME_ZONE } from './simulate.ts'

describe('compound environment', () => {
  it('reads the local time of the site', () => {
    expect(envAt(7.5).hour).toBeCloseTo(7.5, 6)
    expect(localTime(Date.UTC(2026, 0, 1, 0, 0), TIME_ZONE)).toBe(Date.UTC(2026, 0, 1, 8, 0))
    expect(compoundEnvironment(at(0), 'UTC').hour).toBeCloseTo(16, 6)
  })

  it('has a morning and a higher evening water peak over a quiet night', () => {
    const night = envAt(3).waterDemand
    const morning = envAt(7).waterDemand
    const afternoon = envAt(15.5).waterDemand
    const evening = envAt(20).waterDemand
    expect(night).toBeLessThan(0.15)
    expect(morning).toBeGreaterThan(0.8)
    expect(evening).toBeGreaterThan(morning)
    expect(afternoon).toBeLessThan(morning)
  })

  it('sends cars out in the morning and brings them back in the evening', () => {
    expect(envAt(7.75).trafficOut).toBeGreaterThan(10 * envAt(3).trafficOut)
    expect(envAt(18.5).trafficIn).toBeGreaterThan(10 * envAt(3).trafficIn)
    expect(envAt(7.75).trafficIn).toBeLessThan(envAt(7.75).trafficOut)
  })

  it('lights the compound at night and peaks the electrical load in the evening', () => {
    expect(envAt(20).electricalLoad).toBeGreaterThan(envAt(14).electricalLoad)
    expect(envAt(3).electricalLoad).toBeGreaterThan(envAt(14).electricalLoad - 0.2)
    for (let hour = 0; hour < 24; hour += 0.25) {
      expect(envAt(hour).electricalLoad).toBeLessThanOrEqual(1)
      expect(waterDemandAt(hour, true)).toBeLessThanOrEqual(1)
    }
  })

  it('knows weekends and follows the seasons of Wuhan', () => {
    // 13 June 2026 is a Saturday
    expect(envAt(72).weekend).toBe(true)
    expect(envAt(0).weekend).toBe(false)
    const january = compoundEnvironment(Date.UTC(2026, 0, 15, 6), TIME_ZONE).outdoorTempC
    const july = compoundEnvironment(Date.UTC(2026, 6, 15, 6), TIME_ZONE).outdoorTempC
    expect(january).toBeLessThan(12)
    expect(july).toBeGreaterThan(28)
  })
})
