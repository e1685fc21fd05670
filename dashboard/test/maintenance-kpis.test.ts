import type { KpiRate, MaintenanceKpis } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import { RATE_KPIS, rateFigure, trendOf, trendTarget } from '../src/workorders/maintenance-kpis.ts'
import { createInput, EMPTY_REPORT, reportProblem } from '../src/workorders/report-draft.ts'

const rate = (numerator: number, denominator: number, target?: number): KpiRate => ({
  numerator,
  denominator,
  ...(denominator > 0 ? { value: (100 * numerator) / denominator } : {}),
  ...(target === undefined ? {} : { target }),
})

function kpis(from: number, partial: Partial<MaintenanceKpis> = {}): MaintenanceKpis {
  const none = rate(0, 0)
  return {
    siteId: 'cuihu',
    from,
    to: from + 1,
    minorRepairTimeliness: rate(42, 44),
    minorRepairPassRate: rate(40, 40),
    urgentRepairTimeliness: rate(9, 10),
    equipmentRepairTimeliness: none,
    equipmentIntactRate: rate(49, 50),
    equipmentFailureRate: rate(3, 50),
    fireFacilitiesIntactRate: none,
    pmCompliance: none,
    mandatoryPmCompliance: none,
    backlog: { open: 5, overdue: 1 },
    ...partial,
  }
}

const kpi = (key: string) => {
  const found = RATE_KPIS.find((candidate) => candidate.key === key)
  if (!found) throw new Error(key)
  return found
}

describe('maintenance KPIs against their targets', () => {
  it('meets a seed target at or above it (95.45 % ≥ 95 %), misses below', () => {
    expect(rateFigure(kpis(0), kpi('minorRepairTimeliness'))).toMatchObject({ target: 95, ok: true })
    expect(rateFigure(kpis(0), kpi('urgentRepairTimeliness'))).toMatchObject({ target: 100, ok: false })
  })

  it("prefers the site's target to the seed", () => {
    const figure = rateFigure(kpis(0, { minorRepairTimeliness: rate(42, 44, 98) }), kpi('minorRepairTimeliness'))
    expect(figure).toMatchObject({ target: 98, ok: false })
  })

  it('judges nothing when nothing was counted, or when the site set no target', () => {
    expect(rateFigure(kpis(0), kpi('pmCompliance')).ok).toBeUndefined()
    expect(rateFigure(kpis(0), kpi('equipmentFailureRate'))).toMatchObject({ target: undefined, ok: undefined })
    expect(rateFigure(kpis(0, { equipmentFailureRate: rate(2, 50, 5) }), kpi('equipmentFailureRate')).ok).toBe(true)
    expect(rateFigure(kpis(0, { equipmentFailureRate: rate(3, 50, 5) }), kpi('equipmentFailureRate')).ok).toBe(false)
  })

  it('draws the trend month by month with gaps where nothing was due, and the latest target', () => {
    const months = [
      kpis(1, { minorRepairTimeliness: rate(0, 0) }),
      kpis(2),
      kpis(3, { minorRepairTimeliness: rate(1, 2, 97) }),
    ]
    expect(trendOf(months, 'minorRepairTimeliness')).toEqual([
      { from: 1, value: null },
      { from: 2, value: (100 * 42) / 44 },
      { from: 3, value: 50 },
    ])
    expect(trendTarget(months, kpi('minorRepairTimeliness'))).toBe(97)
    expect(trendTarget([], kpi('minorRepairPassRate'))).toBe(98)
  })
})

describe('the report form', () => {
  const draft = { ...EMPTY_REPORT, category: 'water-power' as const, title: ' 水管漏水 ', unit: '3-1-502' }

  it('asks for a category, a title and a place, and a name with a phone number', () => {
    expect(reportProblem(EMPTY_REPORT)).toBe('category-missing')
    expect(reportProblem({ ...draft, title: ' 漏' })).toBe('title-short')
    expect(reportProblem({ ...draft, unit: '  ' })).toBe('place-missing')
    expect(reportProblem({ ...draft, unit: '', deviceId: 'pump-low-1' })).toBeUndefined()
    expect(reportProblem({ ...draft, residentPhone: '13800000000' })).toBe('resident-name-missing')
    expect(reportProblem(draft)).toBeUndefined()
  })

  it('sends what was filled in, trimmed, and nothing empty', () => {
    expect(createInput(draft, 'cuihu')).toEqual({
      siteId: 'cuihu',
      origin: 'guard',
      category: 'water-power',
      priority: 'P2',
      title: '水管漏水',
      unit: '3-1-502',
    })
    const household = { ...draft, origin: 'request' as const, residentName: '刘女士', residentPhone: ' 13800000000 ' }
    expect(createInput(household, 'cuihu')).toMatchObject({
      origin: 'request',
      resident: { name: '刘女士', phone: '13800000000' },
    })
    expect(createInput({ ...household, residentPhone: '' }, 'cuihu').resident).toEqual({ name: '刘女士' })
  })
})
