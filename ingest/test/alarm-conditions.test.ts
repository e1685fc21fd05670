import { type AlarmRule, alarmRule, type FieldValue, type RuleCondition } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import {
  addSample,
  alarmValue,
  effectiveRule,
  indexOverrides,
  judge,
  riseWithin,
  type Sample,
  suppressedByDesign,
} from '../src/alarm-conditions.ts'

const values = (record: Record<string, FieldValue>) => new Map(Object.entries(record))

function rule(id: string): AlarmRule {
  const found = alarmRule(id)
  if (!found) throw new Error(`no rule ${id}`)
  return found
}

const ABOVE: RuleCondition = { type: 'above', field: 'cable_temp_c', threshold: 70, deadband: 5 }
const BELOW: RuleCondition = { type: 'below', field: 'level_pct', threshold: 15, deadband: 5 }
const STATE: RuleCondition = { type: 'state', field: 'ats_source', values: ['backup', 'none'] }
const MISMATCH: RuleCondition = { type: 'mismatch', command: 'run_command', feedback: 'running' }
const RATE: RuleCondition = { type: 'rate', field: 'cable_temp_c', rise: 15, windowSec: 600 }

describe('judge', () => {
  it.each([
    [ABOVE, { cable_temp_c: 70.1 }, undefined, 'alarm'],
    [ABOVE, { cable_temp_c: 70 }, undefined, 'deadband'],
    [ABOVE, { cable_temp_c: 65.01 }, undefined, 'deadband'],
    [ABOVE, { cable_temp_c: 65 }, undefined, 'normal'],
    [ABOVE, { uab_v: 390 }, undefined, 'unknown'],
    [BELOW, { level_pct: 14.9 }, undefined, 'alarm'],
    [BELOW, { level_pct: 15 }, undefined, 'deadband'],
    [BELOW, { level_pct: 19.99 }, undefined, 'deadband'],
    [BELOW, { level_pct: 20 }, undefined, 'normal'],
    [STATE, { ats_source: 'none' }, undefined, 'alarm'],
    [STATE, { ats_source: 'main' }, undefined, 'normal'],
    [STATE, {}, undefined, 'unknown'],
    [MISMATCH, { run_command: true, running: false }, undefined, 'alarm'],
    [MISMATCH, { run_command: true, running: true }, undefined, 'normal'],
    [MISMATCH, { run_command: false, running: false }, undefined, 'normal'],
    [MISMATCH, { run_command: true }, undefined, 'unknown'],
    [RATE, { cable_temp_c: 60 }, 15.5, 'alarm'],
    [RATE, { cable_temp_c: 60 }, 15, 'deadband'],
    [RATE, { cable_temp_c: 60 }, 7.5, 'normal'],
    [RATE, { cable_temp_c: 60 }, undefined, 'unknown'],
    [{ type: 'comms-loss' }, {}, undefined, 'unknown'],
  ] as const)('%j on %j (rise %s) is %s', (condition, reported, rise, verdict) => {
    expect(judge(condition, values(reported), rise)).toBe(verdict)
  })

  it('records the watched field at the raise, the feedback of a mismatch', () => {
    expect(alarmValue(BELOW, values({ level_pct: 12, overflow: false }))).toBe(12)
    expect(alarmValue(MISMATCH, values({ run_command: true, running: false }))).toBe(false)
  })

  it('suppresses by design only while every suppressWhen state holds', () => {
    const lowLow = rule('pump.pressure-low-low')
    expect(suppressedByDesign(lowLow, values({ run_command: false }))).toBe(true)
    expect(suppressedByDesign(lowLow, values({ run_command: true }))).toBe(false)
    expect(suppressedByDesign(lowLow, values({}))).toBe(false)
    expect(suppressedByDesign(rule('pump.fault'), values({ run_command: false }))).toBe(false)
  })
})

describe('rate windows', () => {
  it('keeps the samples of the window, at most one per window/300, and measures the rise from the lowest', () => {
    const samples: Sample[] = []
    for (let second = 0; second <= 900; second++) addSample(samples, { at: second * 1000, value: second / 60 }, 600)
    // 600 s window, one sample per 2 s at most
    expect(samples.length).toBeLessThanOrEqual(301)
    expect(samples[0]?.at).toBeGreaterThanOrEqual(300_000)
    expect(riseWithin(samples, 15)).toBeCloseTo(10, 0)
  })
})

describe('effectiveRule', () => {
  const lowLevel = rule('water-tank.level-low')
  const overrides = indexOverrides([
    { siteId: 'hupan', ruleId: 'water-tank.level-low', threshold: 40, onDelaySec: 0 },
    { siteId: 'hupan', ruleId: 'water-tank.level-low', deviceId: 'tank-2', priority: 'P1', deadband: 2 },
    { siteId: 'hupan', ruleId: 'water-tank.level-low', deviceId: 'tank-3', enabled: false },
    { siteId: 'cuihu', ruleId: 'water-tank.level-low', enabled: false },
    { siteId: 'cuihu', ruleId: 'water-tank.level-low', deviceId: 'tank-1', enabled: true },
  ])

  it('applies the site override, then the device override field by field', () => {
    expect(effectiveRule(lowLevel, 'hupan', 'tank-1', overrides)).toMatchObject({
      priority: 'P2',
      onDelaySec: 0,
      condition: { type: 'below', threshold: 40, deadband: 5 },
    })
    expect(effectiveRule(lowLevel, 'hupan', 'tank-2', overrides)).toMatchObject({
      priority: 'P1',
      onDelaySec: 0,
      condition: { threshold: 40, deadband: 2 },
    })
  })

  it('disables per device or per site, and a device may enable what its site disabled', () => {
    expect(effectiveRule(lowLevel, 'hupan', 'tank-3', overrides)).toBeUndefined()
    expect(effectiveRule(lowLevel, 'cuihu', 'tank-2', overrides)).toBeUndefined()
    expect(effectiveRule(lowLevel, 'cuihu', 'tank-1', overrides)).toMatchObject({ condition: { threshold: 30 } })
  })

  it('leaves other sites and rules as the catalog has them, and moves a rate rule by its rise', () => {
    expect(effectiveRule(lowLevel, 'xingfuli', 'tank-1', overrides)).toBe(lowLevel)
    const rise = rule('electrical-panel.cable-temperature-rise')
    const moved = effectiveRule(rise, 's', 'p', indexOverrides([{ siteId: 's', ruleId: rise.id, threshold: 10 }]))
    expect(moved?.condition).toEqual({ type: 'rate', field: 'cable_temp_c', rise: 10, windowSec: 600 })
  })
})
