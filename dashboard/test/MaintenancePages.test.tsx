import type { KpiRate, MaintenanceKpis } from '@fm/protocol'
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { MaintenanceKpiPage } from '../src/pages/MaintenanceKpiPage.tsx'
import { PmCalendarPage } from '../src/pages/PmCalendarPage.tsx'
import { GUARD, SUPERVISOR, TECHNICIAN } from './auth-fixtures.ts'
import { stubAuthApi } from './fake-api.ts'
import { SITE } from './fixtures.ts'
import { getTagged, isolateEachTest, renderApp, renderWithProviders, stubApi } from './harness.tsx'
import { pmPlan } from './work-order-fixtures.ts'

const at = (y: number, m: number, d: number) => new Date(y, m - 1, d, 9).getTime()

const PLANS = [
  pmPlan({ id: 1, basis: 'GB 25201' }),
  pmPlan({
    id: 2,
    title: { 'zh-CN': '生活水泵保养', en: 'Booster pump service' },
    category: 'water-power',
    priority: 'P3',
    trigger: { usage: { field: 'run_hours_h', every: 500 } },
    mandatory: false,
  }),
]

const rate = (numerator: number, denominator: number): KpiRate => ({
  numerator,
  denominator,
  ...(denominator > 0 ? { value: (100 * numerator) / denominator } : {}),
})

const KPIS: MaintenanceKpis = {
  siteId: 'cuihu',
  from: at(2026, 5, 1),
  to: at(2026, 6, 1),
  minorRepairTimeliness: rate(42, 44),
  minorRepairPassRate: rate(39, 40),
  urgentRepairTimeliness: rate(10, 10),
  equipmentRepairTimeliness: rate(8, 9),
  equipmentIntactRate: rate(49, 50),
  equipmentFailureRate: rate(3, 50),
  fireFacilitiesIntactRate: rate(20, 20),
  pmCompliance: rate(0, 0),
  mandatoryPmCompliance: rate(5, 5),
  mttaMin: 12,
  mttrMin: 185,
  backlog: { open: 6, overdue: 2 },
}

describe('the maintenance pages', () => {
  isolateEachTest()

  it('lays out the month with the dues of each plan: mandatory marked, overdue in red, to the open work order', async () => {
    stubApi({
      '/api/pm-plans': () => ({
        items: PLANS,
        schedules: [
          { planId: 1, deviceId: 'pump-fire-1', nextDueAt: at(2026, 5, 10), openWorkOrderId: 42 },
          { planId: 2, deviceId: 'pump-low-1', nextDueAt: at(2026, 5, 20) },
        ],
      }),
    })
    renderWithProviders(<PmCalendarPage />, { site: SITE, user: SUPERVISOR, path: '/maintenance/pm?month=2026-05' })
    const dues = await screen.findAllByTestId('pm-due')
    const day10 = getTagged('pm-day', 'day', '2026-05-10')
    const due = within(day10).getByTestId('pm-due')
    expect(due.dataset.mandatory).toBe('true')
    expect(due.getAttribute('href')).toBe('/work-orders/42')
    expect(due.textContent).toContain('法定')
    expect(within(getTagged('pm-day', 'day', '2026-05-20')).getByTestId('pm-due').dataset.mandatory).toBe('false')
    // the monthly plan projects its next due into June
    expect(dues.length).toBeGreaterThanOrEqual(2)
    fireEvent.click(screen.getByTestId('month-next'))
    await waitFor(() => expect(screen.getByTestId('month-label').dataset.month).toBe('2026-06'))
  })

  it('states each KPI with what it counts, its target and definition, and exports the month as CSV', async () => {
    stubApi({
      '/api/maintenance-kpis/trend': () => ({ items: [KPIS] }),
      '/api/maintenance-kpis': () => KPIS,
    })
    renderWithProviders(<MaintenanceKpiPage />, {
      site: SITE,
      user: SUPERVISOR,
      path: '/maintenance/kpis?month=2026-05',
    })
    const cards = await screen.findAllByTestId('mkpi')
    expect(cards).toHaveLength(9)
    const minor = getTagged('mkpi', 'kpi', 'minorRepairTimeliness')
    expect(minor.dataset.ok).toBe('true')
    expect(within(minor).getByTestId('mkpi-value').textContent).toBe('95.5%')
    expect(within(minor).getByTestId('mkpi-ratio').textContent).toBe('42 / 44 张到期零修工单按时完成')
    expect(within(minor).getByTestId('mkpi-target').textContent).toContain('目标 ≥ 95%')
    expect(within(minor).getByTestId('mkpi-help').textContent).toContain('逾期未完成的工单也计入分母')
    expect(getTagged('mkpi', 'kpi', 'pmCompliance').dataset.ok).toBe('none')
    expect(screen.getByTestId('mkpi-export-csv').getAttribute('href')).toBe(
      '/api/maintenance-kpis?siteId=cuihu&month=2026-05&format=csv',
    )
    const rows = await screen.findAllByTestId('mkpi-breakdown-row')
    expect(rows.map((row) => row.dataset.value)).toEqual(['b1', 'b3'])
  })
})

describe('the header, by permission', () => {
  isolateEachTest()

  it.each([
    [SUPERVISOR, ['nav-work-orders', 'nav-maintenance']],
    [TECHNICIAN, ['nav-my-work']],
    [GUARD, []],
  ])('links the work-order pages a role may open', async (user, links) => {
    stubAuthApi({ user })
    renderApp('/')
    await screen.findByTestId('user-menu')
    const present = ['nav-work-orders', 'nav-my-work', 'nav-maintenance'].filter((id) => screen.queryByTestId(id))
    expect(present).toEqual(links)
  })
})
