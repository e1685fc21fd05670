import { decodeMessage, encodePayload } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import type { ModelEvent } from '../src/devices/device-model.ts'
import { type FireAlarmPanelState, initialFireAlarmPanel, stepFireAlarmPanel } from '../src/devices/fire-alarm-panel.ts'
import { createRandom } from '../src/random.ts'
import { at, envAt, spec } from './simulate.ts'

const PANEL = spec('fire-alarm-panel', {
  points_total: 486,
  loops: 8,
  isolated_points: 1,
  loop_zones: '1栋:18|地下车库',
})

function runPanel(state: FireAlarmPanelState, seconds: number) {
  const rand = createRandom(8)
  const events: ModelEvent<'fire-alarm-panel'>[] = []
  let current = state
  let values = stepFireAlarmPanel(current, 0, envAt(10), rand).values
  for (let t = 1; t <= seconds; t++) {
    const result = stepFireAlarmPanel(current, 1000, { ...envAt(10), nowMs: at(10) + t * 1000 }, rand)
    current = result.state
    values = result.values
    events.push(...result.events)
  }
  return { state: current, values, events }
}

const quiet = () => initialFireAlarmPanel(PANEL, createRandom(1))

describe('fire alarm panel', () => {
  it('is quiet when healthy: auto, powered, nothing in fire or fault, one point isolated', () => {
    const { values, events } = runPanel(quiet(), 3600)
    expect(values).toEqual({
      mode: 'auto',
      mains_power_ok: true,
      backup_power_ok: true,
      points_total: 486,
      fire_points: 0,
      fault_points: 0,
      isolated_points: 1,
      supervisory_points: 0,
      started_points: 0,
      feedback_points: 0,
      power_fault_points: 0,
    })
    expect(events).toEqual([])
  })

  it('fire: a detector, then a second one, then linkage start and feedback, each as a point event', () => {
    const first = runPanel({ ...quiet(), fault: 'fire' }, 1)
    expect(first.values.fire_points).toBe(1)
    expect(first.events).toHaveLength(1)
    expect(first.events[0]).toMatchObject({ type: 'point', states: ['fire'], status_bits: 0b11 })
    const later = runPanel(first.state, 60)
    expect(later.values).toMatchObject({ fire_points: 2, started_points: 4, feedback_points: 4 })
    expect(later.events.filter((event) => event.type === 'point')).toHaveLength(9)
    const cleared = runPanel({ ...later.state, fault: null }, 1)
    expect(cleared.values).toMatchObject({ fire_points: 0, started_points: 0, feedback_points: 0 })
    expect(cleared.events.filter((event) => event.type === 'point' && event.states[0] === 'normal')).toHaveLength(6)
    expect(cleared.events.at(-1)).toMatchObject({ type: 'reset' })
  })

  it('point-fault: one point in fault, restored by clear without a reset', () => {
    const faulted = runPanel({ ...quiet(), fault: 'point-fault' }, 5)
    expect(faulted.values).toMatchObject({ fault_points: 1, fire_points: 0 })
    expect(faulted.events[0]).toMatchObject({ type: 'point', states: ['fault'], status_bits: 0b101 })
    const cleared = runPanel({ ...faulted.state, fault: null }, 1)
    expect(cleared.values.fault_points).toBe(0)
    expect(cleared.events.map((event) => event.type)).toEqual(['point'])
  })

  it('names the zone and floor of a detector within the GB/T 26875.3 text limits', () => {
    const { events } = runPanel({ ...quiet(), fault: 'fire' }, 60)
    for (const event of events) {
      const decoded = decodeMessage('fm/v1/cuihu/fire-alarm-panel/fap-1/event', encodePayload(event), event.ts)
      expect(decoded.ok).toBe(true)
      if (event.type === 'point') expect(event.zone).toMatch(/^(1栋 \d+层|地下车库)$/)
    }
  })
})
