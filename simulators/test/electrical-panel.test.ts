import { describe, expect, it } from 'vitest'
import { initialPanel, type PanelState, panelOutput, type Supply, stepPanel } from '../src/devices/electrical-panel.ts'
import { createRandom } from '../src/random.ts'
import { envAt, spec } from './simulate.ts'

const BOARD = spec('electrical-panel', { rated_current_a: 250, base_kw: 10, peak_kw: 75, power_factor: 0.92 })

function runPanel(
  state: PanelState,
  seconds: number,
  hour: number,
  options: { supply?: Supply; downstreamA?: number } = {},
) {
  const rand = createRandom(3)
  const env = {
    ...envAt(hour),
    supply: options.supply ?? 'ok',
    busVoltageV: 398,
    downstreamA: options.downstreamA ?? 0,
  }
  const readings = []
  let current = state
  let drawnA = 0
  for (let t = 0; t < seconds; t += 5) {
    const result = stepPanel(current, 5000, env, rand)
    current = result.state
    drawnA = result.drawnA
    readings.push(result.values)
  }
  return { state: current, readings, drawnA }
}

const healthy = (): PanelState => initialPanel(BOARD, createRandom(1))

describe('electrical panel', () => {
  it('reads about 400 V with little unbalance, PF about 0.92 and tens of mA of leakage', () => {
    for (const reading of runPanel(healthy(), 4 * 3600, 20).readings) {
      const voltages = [reading.uab_v, reading.ubc_v, reading.uca_v].map(Number)
      for (const voltage of voltages) expect(voltage).toBeGreaterThan(385)
      for (const voltage of voltages) expect(voltage).toBeLessThan(407)
      const mean = voltages.reduce((sum, v) => sum + v, 0) / 3
      expect(Math.max(...voltages.map((v) => Math.abs(v - mean))) / mean).toBeLessThan(0.02)
      expect(reading.power_factor).toBeGreaterThanOrEqual(0.9)
      expect(reading.residual_current_ma).toBeGreaterThan(5)
      expect(reading.residual_current_ma).toBeLessThan(100)
      expect(reading.cable_temp_c).toBeLessThan(55)
      expect(Math.max(Number(reading.ia_a), Number(reading.ib_a), Number(reading.ic_a))).toBeLessThan(0.8 * 250)
    }
  })

  it('carries more current at the evening peak than in the afternoon, plus what it feeds', () => {
    const evening = runPanel(healthy(), 600, 20)
    const afternoon = runPanel(healthy(), 600, 15)
    const withPumps = runPanel(healthy(), 600, 20, { downstreamA: 40 })
    expect(evening.drawnA).toBeGreaterThan(afternoon.drawnA * 1.3)
    expect(withPumps.drawnA - evening.drawnA).toBeCloseTo(40, -1)
  })

  it('integrates power into energy', () => {
    const start = healthy()
    const { state, readings } = runPanel(start, 3600, 20)
    const meanKw = readings.reduce((sum, reading) => sum + Number(reading.power_kw), 0) / readings.length
    expect(state.energyKwh - start.energyKwh).toBeCloseTo(meanKw, 0)
  })

  it('cable temperature follows the current', () => {
    const loaded = runPanel(healthy(), 3 * 3600, 20, { downstreamA: 120 })
    const light = runPanel(healthy(), 3 * 3600, 3)
    expect(loaded.state.cableTempC).toBeGreaterThan(light.state.cableTempC + 5)
  })

  it('phase-loss: Ubc and Uca collapse, Ic is 0, and it passes the lost phase downstream', () => {
    const faulted = { ...healthy(), fault: 'phase-loss' as const }
    const last = runPanel(faulted, 10, 20).readings.at(-1)
    expect(last?.ic_a).toBe(0)
    expect(last?.ubc_v).toBeLessThan(0.8 * 380)
    expect(last?.uca_v).toBeLessThan(0.8 * 380)
    expect(last?.uab_v).toBeGreaterThan(380)
    expect(panelOutput(faulted, 'ok')).toBe('phase-loss')
  })

  it('cable-overheat: the hot spot climbs past 70 °C within a few minutes', () => {
    const { readings } = runPanel({ ...healthy(), fault: 'cable-overheat' }, 600, 20)
    const crossing = readings.findIndex((reading) => Number(reading.cable_temp_c) > 70)
    expect(crossing).toBeGreaterThan(0)
    expect((crossing * 5) / 60).toBeLessThan(5)
    expect(Number(readings.at(-1)?.cable_temp_c)).toBeGreaterThan(80)
  })

  it('breaker-trip: no current, no power, and nothing downstream', () => {
    const tripped = { ...healthy(), fault: 'breaker-trip' as const }
    const { readings, drawnA, state } = runPanel(tripped, 10, 20, { downstreamA: 50 })
    expect(readings.at(-1)).toMatchObject({ breaker: 'tripped', ia_a: 0, ib_a: 0, ic_a: 0, power_kw: 0 })
    expect(drawnA).toBe(0)
    expect(panelOutput(state, 'ok')).toBe('dead')
  })

  it('reads no voltage when the supply upstream is gone', () => {
    const last = runPanel(healthy(), 10, 20, { supply: 'dead' }).readings.at(-1)
    expect(last).toMatchObject({ uab_v: 0, ubc_v: 0, uca_v: 0, power_kw: 0, breaker: 'closed' })
  })
})
