import type { DeviceEvent, ErrorResponse, History, Reading, StoredEvent } from '@fm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { closeAll, SITE_ID, startApi } from './fixtures.ts'

afterEach(closeAll)

const MINUTE_MS = 60_000
/** A whole hour, so that bucket boundaries in the assertions are easy to reason about. */
const T0 = Date.UTC(2026, 10, 27, 8, 0, 0)

/** One pump reading per minute for half an hour: pressure climbs 0.50, 0.51, … */
function pumpReadings(): Reading[] {
  return Array.from({ length: 30 }, (_, i) => ({
    siteId: SITE_ID,
    kind: 'pump' as const,
    deviceId: 'pump-1',
    ts: T0 + i * MINUTE_MS,
    values: { outlet_pressure_mpa: 0.5 + i / 100, running: i % 2 === 0 },
  }))
}

describe('GET /api/devices/:deviceId/history', () => {
  it('returns buckets of what the time-series store holds', async () => {
    const api = await startApi()
    const { timeseries } = api
    await timeseries.write(pumpReadings())

    const to = T0 + 30 * MINUTE_MS
    const response = await api.inject(
      `/api/devices/pump-1/history?from=${T0}&to=${to}&fields=outlet_pressure_mpa&maxPoints=6`,
    )

    expect(response.statusCode).toBe(200)
    const history = response.json<History>()
    expect(history).toMatchObject({ deviceId: 'pump-1', from: T0, to, stepMs: 5 * MINUTE_MS, tier: '1m' })
    expect(history.series.map((series) => series.field)).toEqual(['outlet_pressure_mpa'])
    const points = history.series[0]?.points ?? []
    expect(points).toHaveLength(6)
    expect(points[0]).toMatchObject({ ts: T0, min: 0.5, max: 0.54, count: 5 })
    expect(points[0]?.mean).toBeCloseTo(0.52)
    expect(points.reduce((sum, point) => sum + point.count, 0)).toBe(30)
  })

  it('serves a 400-day range from the 1-hour roll-ups, not from raw samples', async () => {
    const api = await startApi()
    const { timeseries } = api
    const to = Math.floor(Date.now() / (60 * MINUTE_MS)) * 60 * MINUTE_MS
    const from = to - 400 * 24 * 60 * MINUTE_MS
    // one reading every 6 hours, so that every 6-hour bucket holds exactly one
    const readings: Reading[] = Array.from({ length: 1600 }, (_, i) => ({
      siteId: SITE_ID,
      kind: 'pump',
      deviceId: 'pump-1',
      ts: from + i * 360 * MINUTE_MS,
      values: { current_a: i % 10 },
    }))
    await timeseries.write(readings)

    const response = await api.inject(`/api/devices/pump-1/history?from=${from}&to=${to}&maxPoints=2000`)

    expect(response.statusCode).toBe(200)
    const history = response.json<History>()
    expect(history).toMatchObject({ tier: '1h', stepMs: 360 * MINUTE_MS })
    const points = history.series[0]?.points ?? []
    expect(points.length).toBeLessThanOrEqual(2000)
    expect(points.reduce((sum, point) => sum + point.count, 0)).toBe(1600)
  })

  it('accepts ISO 8601 times and returns every stored field when none is named', async () => {
    const api = await startApi()
    const { timeseries } = api
    await timeseries.write(pumpReadings())

    const from = new Date(T0).toISOString()
    const to = new Date(T0 + 30 * MINUTE_MS).toISOString()
    const response = await api.inject(`/api/devices/pump-1/history?from=${from}&to=${to}`)

    expect(response.statusCode).toBe(200)
    const history = response.json<History>()
    expect(history.from).toBe(T0)
    expect(history.series.map((series) => series.field).sort()).toEqual(['outlet_pressure_mpa', 'running'])
  })

  it('defaults to the last hour', async () => {
    const api = await startApi()

    const before = Date.now()
    const history = (await api.inject('/api/devices/pump-1/history')).json<History>()

    expect(history.to).toBeGreaterThanOrEqual(before)
    expect(history.to - history.from).toBe(60 * MINUTE_MS)
  })

  it.each([
    ['from after to', 'FM_ERR_HISTORY_RANGE_INVALID', `from=${T0 + 1}&to=${T0}`],
    ['from equal to to', 'FM_ERR_HISTORY_RANGE_INVALID', `from=${T0}&to=${T0}`],
    ['a range over 400 days', 'FM_ERR_HISTORY_RANGE_INVALID', `from=${T0 - 401 * 24 * 60 * MINUTE_MS}&to=${T0}`],
    ['an unknown field', 'FM_ERR_HISTORY_FIELD_UNKNOWN', 'fields=outlet_pressure_mpa,pressure'],
    ['a field of another kind', 'FM_ERR_HISTORY_FIELD_UNKNOWN', 'fields=level_pct'],
    ['an unknown query parameter', 'FM_ERR_VALIDATION', 'fields=running&step=60'],
    ['a non-numeric maxPoints', 'FM_ERR_VALIDATION', 'maxPoints=many'],
    ['a maxPoints above 2000', 'FM_ERR_VALIDATION', 'maxPoints=2001'],
    ['a time that is neither epoch ms nor ISO 8601', 'FM_ERR_VALIDATION', 'from=yesterday'],
  ])('refuses %s with 400 %s', async (_case, code, query) => {
    const api = await startApi()

    const response = await api.inject(`/api/devices/pump-1/history?${query}`)

    expect(response.statusCode).toBe(400)
    const body = response.json<ErrorResponse>()
    expect(body).toMatchObject({ statusCode: 400, code, error: 'Bad Request' })
    expect(body.message).not.toBe('')
  })

  it('answers 404 FM_ERR_DEVICE_NOT_FOUND for an unknown device', async () => {
    const api = await startApi()

    const response = await api.inject('/api/devices/pump-99/history')

    expect(response.statusCode).toBe(404)
    expect(response.json<ErrorResponse>().code).toBe('FM_ERR_DEVICE_NOT_FOUND')
  })
})

describe('GET /api/devices/:deviceId/events', () => {
  function plate(ts: number, plateNumber: string): DeviceEvent {
    return {
      siteId: SITE_ID,
      kind: 'gate',
      deviceId: 'gate-east',
      ts,
      event: { type: 'plate', ts, plate: plateNumber, plate_color: 'blue', confidence_pct: 97, direction: 'in' },
    }
  }

  it('returns stored events newest first, paged with limit and before', async () => {
    const api = await startApi()
    const { store } = api
    store.appendEvents([plate(T0, '鄂A10001'), plate(T0 + 1000, '鄂A10002'), plate(T0 + 2000, '鄂A10003')])

    const latest = (await api.inject('/api/devices/gate-east/events?limit=2')).json<StoredEvent[]>()
    const older = (await api.inject(`/api/devices/gate-east/events?before=${T0 + 1000}`)).json<StoredEvent[]>()

    expect(latest.map((event) => event.ts)).toEqual([T0 + 2000, T0 + 1000])
    expect(latest[0]).toMatchObject({ deviceId: 'gate-east', type: 'plate', data: { plate: '鄂A10003' } })
    expect(older.map((event) => event.ts)).toEqual([T0])
  })

  it('refuses a limit above 1000', async () => {
    const api = await startApi()

    const response = await api.inject('/api/devices/gate-east/events?limit=5000')

    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorResponse>().code).toBe('FM_ERR_VALIDATION')
  })
})
