import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { kpiFigures } from '../src/alarms/kpi-targets.ts'
import { applySnapshot } from '../src/live/store.ts'
import { KPIS } from './alarm-fixtures.ts'
import { GUARD, SUPERVISOR } from './auth-fixtures.ts'
import { stubAuthApi } from './fake-api.ts'
import { SNAPSHOT } from './fixtures.ts'
import { getTagged, isolateEachTest, renderApp } from './harness.tsx'

const DAY_MS = 86_400_000

const figure = (key: string) => getTagged('kpi', 'kpi', key)

describe('alarm report', () => {
  isolateEachTest()

  it('shows each KPI of the last 24 hours next to its EEMUA 191 target, and whether it is met', async () => {
    const api = stubAuthApi({ user: SUPERVISOR, kpis: KPIS })
    const { store } = renderApp('/alarms/report')
    // The tables name devices as the live store knows them.
    act(() => store.update((state) => applySnapshot(state, SNAPSHOT)))
    await screen.findAllByTestId('kpi')
    const [request] = api.sent('GET', '/api/sites/cuihu/alarm-kpis')
    expect(Number(request?.query.get('to')) - Number(request?.query.get('from'))).toBe(DAY_MS)
    expect(screen.getByTestId('kpi-raised').dataset.count).toBe('288')
    const average = figure('averagePer10Min')
    expect(within(average).getByTestId('kpi-value').textContent).toBe('2.00')
    expect(within(average).getByTestId('kpi-target').textContent).toContain('目标 ≤ 1')
    expect(average.dataset.ok).toBe('false')
    expect(figure('floodPercent').dataset.ok).toBe('true')
    expect(within(figure('floodPercent')).getByTestId('kpi-target').textContent).toContain('< 1%')
    expect(figure('maxPer10Min').dataset.ok).toBe('false')
    expect(figure('standing').dataset.ok).toBe('true')
    expect(figure('chattering').dataset.ok).toBe('false')
    const p1 = getTagged('kpi-priority', 'priority', 'P1')
    expect(p1.textContent).toContain('20.8%')
    expect(p1.textContent).toContain('目标 15%')
    expect(getTagged('kpi-priority', 'priority', 'P3').textContent).not.toContain('目标')
    const top = screen.getAllByTestId('kpi-top10-row')
    expect(top[0]?.textContent).toContain('1#生活水箱')
    expect(top[0]?.textContent).toContain('水箱液位低')
    expect(top[0]?.textContent).toContain('振荡')
    expect(screen.getByTestId('kpi-operators').textContent).toContain('张伟')
    expect(screen.getAllByTestId('kpi-flood')).toHaveLength(1)
  })

  it('asks for a week when asked, and exports the same period as CSV', async () => {
    const api = stubAuthApi({ user: GUARD, kpis: KPIS })
    renderApp('/alarms/report')
    await screen.findAllByTestId('kpi')
    fireEvent.click(screen.getByTestId('report-period-7d'))
    await waitFor(() => expect(api.sent('GET', '/api/sites/cuihu/alarm-kpis')).toHaveLength(2))
    const request = api.sent('GET', '/api/sites/cuihu/alarm-kpis')[1]
    const from = Number(request?.query.get('from'))
    const to = Number(request?.query.get('to'))
    expect(to - from).toBe(7 * DAY_MS)
    const csv = new URL(screen.getByTestId('kpi-export-csv').getAttribute('href') ?? '', 'http://localhost')
    expect(csv.pathname).toBe('/api/sites/cuihu/alarm-kpis')
    expect([csv.searchParams.get('from'), csv.searchParams.get('to'), csv.searchParams.get('format')]).toEqual([
      String(from),
      String(to),
      'csv',
    ])
  })
})

describe('KPI targets', () => {
  it('meets a target at its limit for "at most", and only under it for "below"', () => {
    const at = kpiFigures({ ...KPIS, averagePer10Min: 1, floodPercent: 1, raised: 150, top10: [] })
    const byKey = new Map(at.map((f) => [f.key, f]))
    expect(byKey.get('averagePer10Min')?.ok).toBe(true)
    expect(byKey.get('perDay')?.ok).toBe(true)
    expect(byKey.get('floodPercent')?.ok).toBe(false)
    expect(byKey.get('top10Share')?.value).toBe(0)
  })
})
