import type { DeviceEvent } from '@fm/protocol'
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { App } from '../src/App.tsx'
import { GUARD } from './auth-fixtures.ts'
import { NOW, PLATE_EVENT, SITE, SNAPSHOT, STORED_PLATE, TANK_DELTA } from './fixtures.ts'
import { renderWithProviders, stubApi } from './harness.tsx'
import { createFakeLive } from './live-harness.ts'

function card(id: string): HTMLElement {
  const element = document.querySelector<HTMLElement>(`[data-testid="device-card"][data-device-id="${id}"]`)
  if (!element) throw new Error(`no card for ${id}`)
  return element
}

function value(id: string, field: string): string | null {
  return card(id).querySelector(`[data-testid="device-value"][data-field="${field}"]`)?.textContent ?? null
}

function renderOverview() {
  const live = createFakeLive()
  act(() => {
    live.server.connection('connecting')
    live.server.snapshot(SNAPSHOT)
    live.server.connection('live')
  })
  const view = renderWithProviders(<App />, { store: live.store, site: SITE, user: GUARD })
  return { ...view, live }
}

describe('OverviewPage', () => {
  beforeEach(() => {
    localStorage.clear()
    stubApi({
      '/api/devices/gate-north-in/events': () => [STORED_PLATE],
      '/api/devices/gate-north-in/history': (url) => ({
        deviceId: 'gate-north-in',
        from: Number(url.searchParams.get('from')),
        to: NOW,
        stepMs: 60_000,
        series: [
          { field: 'vehicles_in_count', points: [{ ts: NOW - 3_600_000, mean: 1500, min: 1500, max: 1500, count: 1 }] },
        ],
      }),
      '/api/devices/cp-02/events': () => [],
    })
  })
  afterEach(() => {
    cleanup()
    vi.unstubAllGlobals()
  })

  it('groups the compound by equipment room in walking order, then by building', () => {
    renderOverview()
    const headings = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)
    expect(headings).toEqual(['生活水泵房', '消防水泵房', '配电房', '消防控制室', '北门岗亭', '1栋'])
    const pumpRoom = screen.getByRole('region', { name: '生活水泵房' })
    const ids = within(pumpRoom)
      .getAllByTestId('device-card')
      .map((c) => [c.dataset.deviceId, c.dataset.kind])
    expect(ids).toEqual([
      ['tank-1', 'water-tank'],
      ['pump-low-1', 'pump'],
    ])
  })

  it('shows one card per device with its key values, status and a link to its page', () => {
    renderOverview()
    expect(screen.getAllByTestId('device-card')).toHaveLength(SNAPSHOT.devices.length)
    expect(value('tank-1', 'level_pct')).toBe('72%')
    expect(value('pump-low-1', 'outlet_pressure_mpa')).toBe('0.45\u2009MPa')
    expect(value('lv-in-1', 'breaker')).toBe('合闸')
    expect(card('tank-1').getAttribute('href')).toBe('/devices/tank-1')
    expect(card('tank-1').dataset.status).toBe('normal')
    expect(card('pump-fire-1').dataset.status).toBe('attention')
    expect(card('cp-02').dataset.status).toBe('offline')
    expect(screen.getByTestId('connection-status').dataset.state).toBe('live')
  })

  it('counts devices online, needing attention and offline', () => {
    renderOverview()
    const tile = (id: string) => document.querySelector(`[data-tile="${id}"] .tile__value`)?.textContent
    expect(tile('online')).toBe('8 / 9')
    expect(tile('attention')).toBe('1')
    expect(tile('offline')).toBe('1')
  })

  it('updates a value and the status on the next animation frame after a delta', () => {
    const { live } = renderOverview()
    act(() => live.server.deltas([TANK_DELTA]))
    expect(value('tank-1', 'level_pct')).toBe('72%')
    live.nextFrame()
    expect(value('tank-1', 'level_pct')).toBe('14%')
    expect(card('tank-1').dataset.status).toBe('fault')
    expect(within(card('tank-1')).getByText(/水位过低/)).toBeTruthy()
  })

  it('shows the last plate from history, then the live one', async () => {
    const { live } = renderOverview()
    await waitFor(() => expect(within(card('gate-north-in')).getByText('鄂B88888')).toBeTruthy())
    act(() => live.server.events([PLATE_EVENT]))
    live.nextFrame()
    expect(within(card('gate-north-in')).getByText('鄂A12345')).toBeTruthy()
  })

  it('counts vehicles today from the gate counters', async () => {
    renderOverview()
    await waitFor(() =>
      expect(document.querySelector('[data-tile="vehicles"] .tile__value')?.textContent).toContain('20'),
    )
  })

  it('counts a car the moment its plate is read', async () => {
    const { live } = renderOverview()
    const tile = () => document.querySelector('[data-tile="vehicles"] .tile__value')?.textContent
    await waitFor(() => expect(tile()).toContain('20'))
    const now = Date.now()
    const passing: DeviceEvent = {
      siteId: 'cuihu',
      kind: 'gate',
      deviceId: 'gate-north-in',
      ts: now,
      event: { type: 'plate', ts: now, plate: '鄂A54321', plate_color: 'blue', confidence_pct: 96, direction: 'in' },
    }
    act(() => live.server.events([passing]))
    live.nextFrame()
    await waitFor(() => expect(tile()).toContain('21'))
  })

  it('keeps counting from the live counters when the history has nothing for today yet', async () => {
    stubApi({
      '/api/devices/gate-north-in/events': () => [],
      '/api/devices/gate-north-in/history': (url) => ({
        deviceId: 'gate-north-in',
        from: Number(url.searchParams.get('from')),
        to: NOW,
        stepMs: 0,
        series: [{ field: 'vehicles_in_count', points: [] }],
      }),
    })
    const { live } = renderOverview()
    const tile = () => document.querySelector('[data-tile="vehicles"] .tile__value')?.textContent
    await waitFor(() => expect(tile()).toMatch(/进\s*0/))
    act(() => live.server.deltas([{ id: 'gate-north-in', values: { vehicles_in_count: 1523 }, valuesTs: Date.now() }]))
    live.nextFrame()
    await waitFor(() => expect(tile()).toMatch(/进\s*3/))
  })

  it('marks the connection offline and says the values are stale', () => {
    const { live } = renderOverview()
    act(() => live.server.connection('offline'))
    expect(screen.getByTestId('connection-status').dataset.state).toBe('offline')
    expect(screen.getByRole('alert').textContent).toContain('实时连接已断开')
  })

  it('switches the whole screen to English and back with the language toggle', async () => {
    renderOverview()
    const toggle = screen.getByTestId('language-toggle')
    expect(toggle.textContent).toBe('English')
    fireEvent.click(toggle)
    await waitFor(() => expect(screen.getByTestId('language-toggle').textContent).toBe('中文'))
    expect(document.documentElement.lang).toBe('en')
    expect(localStorage.getItem('fm.language')).toBe('en')
    expect(within(card('tank-1')).getByText('Domestic water tank 1')).toBeTruthy()
    expect(screen.getByRole('heading', { level: 2, name: 'Domestic pump room' })).toBeTruthy()
    expect(value('lv-in-1', 'breaker')).toBe('Closed')
    fireEvent.click(screen.getByTestId('language-toggle'))
    await waitFor(() => expect(within(card('tank-1')).getByText('1#生活水箱')).toBeTruthy())
    expect(document.documentElement.lang).toBe('zh-CN')
  })

  it('waits for the snapshot before drawing the compound', () => {
    const live = createFakeLive()
    renderWithProviders(<App />, { store: live.store, site: SITE, user: GUARD })
    expect(screen.queryAllByTestId('device-card')).toHaveLength(0)
    expect(screen.getByText('正在连接实时数据…')).toBeTruthy()
  })
})
