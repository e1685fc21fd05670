import { describe, expect, test } from 'vitest'
import type { DeviceStateUpdate, Store } from '../src/index.ts'
import { provisionedStore } from './fixtures.ts'

function stateOf(store: Store, deviceId: string) {
  return store.getDeviceStates().find((state) => state.deviceId === deviceId)
}

describe('updateDeviceStates', () => {
  test('a device starts offline, never seen, with no values', async () => {
    const store = await provisionedStore()
    expect(stateOf(store, 'pump-1')).toEqual({
      deviceId: 'pump-1',
      online: false,
      lastSeen: null,
      values: {},
      valuesTs: null,
    })
  })

  const merges: { name: string; updates: DeviceStateUpdate[]; values: Record<string, unknown>; valuesTs: number }[] = [
    {
      name: 'a newer reading overwrites the fields it carries and keeps the others',
      updates: [
        { deviceId: 'pump-1', type: 'reading', ts: 1000, values: { running: true, outlet_pressure_mpa: 0.42 } },
        { deviceId: 'pump-1', type: 'reading', ts: 2000, values: { outlet_pressure_mpa: 0.45, mode: 'auto' } },
      ],
      values: { running: true, outlet_pressure_mpa: 0.45, mode: 'auto' },
      valuesTs: 2000,
    },
    {
      name: 'a late, older reading never overwrites newer values, but fills fields not reported since',
      updates: [
        { deviceId: 'pump-1', type: 'reading', ts: 2000, values: { outlet_pressure_mpa: 0.45 } },
        { deviceId: 'pump-1', type: 'reading', ts: 1000, values: { outlet_pressure_mpa: 0.3, fault: false } },
      ],
      values: { outlet_pressure_mpa: 0.45, fault: false },
      valuesTs: 2000,
    },
    {
      name: 'a reading with the same ts as the stored one wins (arrival order)',
      updates: [
        { deviceId: 'pump-1', type: 'reading', ts: 2000, values: { frequency_hz: 40 } },
        { deviceId: 'pump-1', type: 'reading', ts: 2000, values: { frequency_hz: 42 } },
      ],
      values: { frequency_hz: 42 },
      valuesTs: 2000,
    },
  ]

  test.for(merges)('$name', async ({ updates, values, valuesTs }) => {
    const store = await provisionedStore()
    store.updateDeviceStates(updates)
    expect(stateOf(store, 'pump-1')).toMatchObject({ values, valuesTs })
  })

  test('a reading moves neither availability nor last seen, which run on the server clock', async () => {
    const store = await provisionedStore()
    // a device clock 10 minutes slow: its sample time is old, yet the server heard it just now
    store.updateDeviceStates([{ deviceId: 'pump-1', type: 'reading', ts: 400_000, values: { running: true } }])
    expect(stateOf(store, 'pump-1')).toMatchObject({ valuesTs: 400_000, lastSeen: null, online: false })
    store.updateDeviceStates([{ deviceId: 'pump-1', type: 'seen', ts: 1_000_000 }])
    expect(stateOf(store, 'pump-1')).toMatchObject({ valuesTs: 400_000, lastSeen: 1_000_000 })
  })

  test('the same merge whether updates come in one batch or one by one', async () => {
    const updates: DeviceStateUpdate[] = [
      { deviceId: 'tank-1', type: 'reading', ts: 3000, values: { level_pct: 70 } },
      { deviceId: 'tank-1', type: 'reading', ts: 1000, values: { level_pct: 90, overflow: false } },
      { deviceId: 'tank-1', type: 'reading', ts: 2000, values: { level_pct: 80, inlet_valve: 'open' } },
    ]
    const batched = await provisionedStore()
    const single = await provisionedStore()
    batched.updateDeviceStates(updates)
    for (const update of updates) single.updateDeviceStates([update])

    expect(stateOf(batched, 'tank-1')?.values).toEqual({ level_pct: 70, overflow: false, inlet_valve: 'open' })
    expect(stateOf(single, 'tank-1')).toEqual(stateOf(batched, 'tank-1'))
  })

  test('status sets availability in receive order; one received before the stored one is ignored', async () => {
    const store = await provisionedStore()
    store.updateDeviceStates([
      { deviceId: 'gate-east', type: 'status', ts: 5000, online: true },
      // a write that lost a race, stamped before the stored status was received
      { deviceId: 'gate-east', type: 'status', ts: 4000, online: false },
    ])
    expect(stateOf(store, 'gate-east')).toMatchObject({ online: true, lastSeen: null })

    store.updateDeviceStates([{ deviceId: 'gate-east', type: 'status', ts: 6000, online: false }])
    expect(stateOf(store, 'gate-east')).toMatchObject({ online: false })
  })

  test('seen only moves last seen forward', async () => {
    const store = await provisionedStore()
    store.updateDeviceStates([
      { deviceId: 'fap-1', type: 'seen', ts: 9000 },
      { deviceId: 'fap-1', type: 'seen', ts: 8000 },
    ])
    expect(stateOf(store, 'fap-1')).toMatchObject({ lastSeen: 9000, online: false, values: {} })
  })

  test('updates for unregistered devices are ignored and do not fail the batch', async () => {
    const store = await provisionedStore()
    store.updateDeviceStates([
      { deviceId: 'ghost', type: 'reading', ts: 1000, values: { level_pct: 1 } },
      { deviceId: 'tank-1', type: 'reading', ts: 1000, values: { level_pct: 55 } },
    ])
    expect(store.getDeviceStates().map((state) => state.deviceId)).not.toContain('ghost')
    expect(stateOf(store, 'tank-1')?.values).toEqual({ level_pct: 55 })
  })
})

describe('listDeviceViews', () => {
  test('joins each device with its latest state, omitting what is not set', async () => {
    const store = await provisionedStore()
    store.updateDeviceStates([
      { deviceId: 'tank-1', type: 'status', ts: 1000, online: true },
      { deviceId: 'tank-1', type: 'reading', ts: 1500, values: { level_pct: 64.5, hatch_open: false } },
      { deviceId: 'tank-1', type: 'seen', ts: 1500 },
    ])

    const views = store.listDeviceViews({ siteId: 'xingfuli' })

    expect(views.map((view) => view.id)).toEqual(['tank-1', 'pump-1', 'gate-east', 'fap-1'])
    expect(views[0]).toEqual({
      id: 'tank-1',
      siteId: 'xingfuli',
      kind: 'water-tank',
      name: '生活水箱',
      buildingId: 'b1',
      roomId: 'pump-room',
      attributes: { capacity_m3: 36 },
      reportIntervalSec: 10,
      online: true,
      lastSeen: 1500,
      values: { level_pct: 64.5, hatch_open: false },
      valuesTs: 1500,
    })
    expect(views[2]).toEqual({
      id: 'gate-east',
      siteId: 'xingfuli',
      kind: 'gate',
      name: '东门道闸',
      roomId: 'gatehouse',
      attributes: { lane: 'in' },
      reportIntervalSec: 10,
      online: false,
      lastSeen: null,
      values: {},
      valuesTs: null,
    })
    expect(store.listDeviceViews({ siteId: 'elsewhere' })).toEqual([])
  })
})
