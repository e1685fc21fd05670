import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DevicePage } from '../src/pages/DevicePage.tsx'
import { flatHistoryOf, historyOf, PLATE_EVENT, SITE, SNAPSHOT, STORED_PLATE, TANK_DELTA } from './fixtures.ts'
import { renderWithProviders, stubApi } from './harness.tsx'
import { createFakeLive } from './live-harness.ts'

/** happy-dom lays everything out at 0×0, so the chart gets a fixed size here. */
const CHART_SIZE = { width: 640, height: 300 }

function renderDevice(deviceId: string) {
  const live = createFakeLive()
  act(() => {
    live.server.snapshot(SNAPSHOT)
    live.server.connection('live')
  })
  const view = renderWithProviders(<DevicePage chartSize={CHART_SIZE} />, {
    store: live.store,
    site: SITE,
    path: `/devices/${deviceId}`,
    route: '/devices/:deviceId',
  })
  return { ...view, live }
}

const yTicks = () =>
  [...document.querySelectorAll('[data-testid="history-chart"] .recharts-yAxis-tick-labels text')].map(
    (tick) => tick.textContent,
  )

const linePath = () => document.querySelector('[data-testid="history-chart"] .recharts-line-curve')?.getAttribute('d')

describe('DevicePage', () => {
  let api: ReturnType<typeof stubApi>
  beforeEach(() => {
    api = stubApi({
      '/api/devices/tank-1/history': (url) =>
        historyOf('tank-1', 'level_pct', Number(url.searchParams.get('from')), Number(url.searchParams.get('to'))),
      '/api/devices/gate-north-in/history': (url) =>
        historyOf('gate-north-in', 'vehicles_in_count', Number(url.searchParams.get('from')), Date.now()),
      '/api/devices/gate-north-in/events': () => [STORED_PLATE],
      '/api/devices/pump-low-1/history': (url) => {
        const field = url.searchParams.get('fields') ?? ''
        const value = field === 'running' ? 1 : 0.45
        return flatHistoryOf('pump-low-1', field, value, Number(url.searchParams.get('from')), Date.now())
      },
    })
  })
  afterEach(() => {
    cleanup()
    vi.unstubAllGlobals()
  })

  it('shows the device with its kind, place, state and every current value', () => {
    renderDevice('tank-1')
    expect(screen.getByTestId('device-title').textContent).toBe('1#生活水箱')
    expect(screen.getByText('3栋 · 生活水泵房')).toBeTruthy()
    const table = screen.getByRole('table')
    const fields = [...table.querySelectorAll('[data-testid="device-value"]')].map((v) => v.getAttribute('data-field'))
    expect(fields).toContain('chlorine_mg_l')
    expect(table.querySelector('[data-field="level_pct"]')?.textContent).toBe('72%')
    expect(table.querySelector('[data-field="chlorine_mg_l"]')?.textContent).toBe('—')
  })

  it('draws the history of the primary field and appends live readings', async () => {
    const { live } = renderDevice('tank-1')
    await waitFor(() => expect(document.querySelector('[data-testid="history-chart"] svg')).toBeTruthy())
    const request = new URL(String(api.mock.calls[0]?.[0]), 'http://localhost')
    expect(request.searchParams.get('fields')).toBe('level_pct')
    // About one bucket per pixel of the 640 px chart, rounded to 100 px.
    expect(request.searchParams.get('maxPoints')).toBe('600')
    const before = linePath()
    act(() => live.server.deltas([{ ...TANK_DELTA, valuesTs: Date.now() + 60_000 }]))
    live.nextFrame()
    await waitFor(() => expect(linePath()).not.toBe(before))
  })

  it('asks for a longer window when a range button is pressed', async () => {
    renderDevice('tank-1')
    await waitFor(() => expect(api).toHaveBeenCalledTimes(1))
    fireEvent.click(screen.getByTestId('range-6h'))
    await waitFor(() => expect(api).toHaveBeenCalledTimes(2))
    const request = new URL(String(api.mock.calls[1]?.[0]), 'http://localhost')
    const span = Number(request.searchParams.get('to')) - Number(request.searchParams.get('from'))
    expect(span).toBe(6 * 3_600_000)
    expect(screen.getByTestId('range-6h').getAttribute('aria-pressed')).toBe('true')
  })

  it('lists stored and live events of a gate, newest first', async () => {
    const { live } = renderDevice('gate-north-in')
    await waitFor(() => expect(screen.getByText('鄂B88888')).toBeTruthy())
    act(() => live.server.events([PLATE_EVENT]))
    live.nextFrame()
    const plates = screen.getAllByTestId('event').map((e) => e.querySelector('.plate')?.textContent)
    expect(plates).toEqual(['鄂A12345', '鄂B88888'])
  })

  it('labels a flat signal with distinct ticks in the field unit', async () => {
    renderDevice('pump-low-1')
    await waitFor(() => expect(yTicks().length).toBeGreaterThanOrEqual(3))
    const ticks = yTicks()
    expect(new Set(ticks).size).toBe(ticks.length)
    expect(ticks.every((tick) => tick?.endsWith('MPa'))).toBe(true)
    expect(ticks).toContain('0.45\u2009MPa')
  })

  it('charts a boolean as steps between its labelled states', async () => {
    renderDevice('pump-low-1')
    const select = screen.getByTestId('history-field') as HTMLSelectElement
    const offered = [...select.options].map((o) => o.value)
    expect(offered).toContain('running')
    expect(offered).toContain('mode')
    fireEvent.change(select, { target: { value: 'running' } })
    await waitFor(() => expect(yTicks()).toEqual(['停止', '运行']))
  })

  it('shows the id, the report interval and the provisioned attributes with their labels', () => {
    renderDevice('pump-low-1')
    const info = screen.getByTestId('device-info')
    expect(within(info).getByTestId('device-id').textContent).toBe('pump-low-1')
    expect(within(info).getByText('每 5 秒')).toBeTruthy()
    const row = (key: string) => info.querySelector(`[data-attribute="${key}"]`)
    expect(row('role')?.textContent).toBe('角色主用')
    expect(row('zone')?.textContent).toBe('分区低区')
    expect(row('rated_kw')?.textContent).toBe('额定功率11\u2009kW')
    expect(row('interval_min')?.textContent).toContain('2 小时')
    // An attribute naming another device links to it; one nobody labelled is shown as provisioned.
    expect(row('tank')?.querySelector('a')?.getAttribute('href')).toBe('/devices/tank-1')
    expect(row('vendor_ref')?.textContent).toBe('vendor refX-7')
  })

  it('says so when the device does not exist', async () => {
    renderDevice('no-such-device')
    await waitFor(() => expect(screen.getByText('未找到该设备')).toBeTruthy())
  })
})
