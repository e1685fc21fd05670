import { SlaTargets } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { createI18n } from '../src/i18n/i18n.ts'
import { checkTargets, draftOfTargets, formatTargetMin, MAX_TARGET_MIN } from '../src/workorders/sla-policy.ts'
import { sameTrades, toggleTrade } from '../src/workorders/trades.ts'

describe('SLA targets in words', () => {
  const zh = createI18n('zh-CN')
  const en = createI18n('en')

  it.each([
    [1, '1 分钟', '1 min'],
    [30, '30 分钟', '30 min'],
    [90, '1 小时 30 分钟', '1 h 30 min'],
    [240, '4 小时', '4 h'],
    [1440, '1 天', '1 d'],
    [1441, '1 天 1 分钟', '1 d 1 min'],
    [1500, '1 天 1 小时', '1 d 1 h'],
    [4320, '3 天', '3 d'],
    [129_600, '90 天', '90 d'],
  ])('says %i minutes as "%s" and "%s", exactly', (minutes, chinese, english) => {
    expect(formatTargetMin(minutes, 'zh-CN', zh.t)).toBe(chinese)
    expect(formatTargetMin(minutes, 'en', en.t)).toBe(english)
  })
})

describe('the SLA dialog check', () => {
  const seed = draftOfTargets({ responseMin: 30, arrivalMin: 480, resolutionMin: 2880 })

  it('answers whole minutes within the limits as targets', () => {
    expect(checkTargets(seed)).toEqual({ ok: true, targets: { responseMin: 30, arrivalMin: 480, resolutionMin: 2880 } })
    expect(checkTargets({ ...seed, resolution: ' 129600 ' })).toMatchObject({ ok: true })
  })

  it.each([
    ['response', ''],
    ['response', '0'],
    ['arrival', '1.5'],
    ['arrival', '-5'],
    ['arrival', '43201'],
    ['resolution', '129601'],
    ['resolution', '1e3'],
  ] as const)('refuses %s = "%s" and names the clock and its maximum', (clock, text) => {
    expect(checkTargets({ ...seed, [clock]: text })).toEqual({ ok: false, clock, max: MAX_TARGET_MIN[clock] })
  })

  it("has the protocol's limits", () => {
    const maximum = (schema: unknown) => (schema as { maximum: number }).maximum
    expect(MAX_TARGET_MIN).toEqual({
      response: maximum(SlaTargets.properties.responseMin),
      arrival: maximum(SlaTargets.properties.arrivalMin),
      resolution: maximum(SlaTargets.properties.resolutionMin),
    })
  })
})

describe('trade toggles', () => {
  it('add and take away a trade, keeping the catalogue order', () => {
    expect(toggleTrade(['fire'], 'water-power')).toEqual(['water-power', 'fire'])
    expect(toggleTrade(['water-power', 'fire'], 'water-power')).toEqual(['fire'])
    expect(sameTrades(['fire', 'lift'], ['lift', 'fire'])).toBe(true)
    expect(sameTrades(['fire'], ['fire', 'lift'])).toBe(false)
  })
})
