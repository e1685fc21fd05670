import { DEVICE_KINDS, type SiteManifest } from '@fm/protocol'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkManifest, DEMO_MANIFEST_PATH, loadManifest } from '../src/manifest.ts'
import { buildTopology } from '../src/topology.ts'

let demo: SiteManifest
beforeAll(async () => {
  demo = await loadManifest(DEMO_MANIFEST_PATH)
})

const withDevices = (devices: SiteManifest['devices']): SiteManifest => ({ ...demo, devices })

describe('demo compound 翠湖花园', () => {
  it('is a valid manifest for site cuihu in Asia/Shanghai', () => {
    expect(demo.site).toMatchObject({
      id: 'cuihu',
      name: '翠湖花园',
      name_en: 'Cuihu Garden',
      timezone: 'Asia/Shanghai',
    })
  })

  it('has at least 40 devices covering all 8 kinds', () => {
    expect(demo.devices.length).toBeGreaterThanOrEqual(40)
    expect(new Set(demo.devices.map((device) => device.kind))).toEqual(new Set(DEVICE_KINDS))
  })

  it('has the rooms a 小区 has: pump rooms, power room, fire control room, two gatehouses', () => {
    const types = demo.rooms.map((room) => room.type)
    for (const type of ['domestic-pump-room', 'fire-pump-room', 'power-room', 'fire-control-room'])
      expect(types).toContain(type)
    expect(types.filter((type) => type === 'gatehouse')).toHaveLength(2)
  })

  it('resolves every building and room reference', () => {
    const buildings = new Set(demo.buildings.map((building) => building.id))
    const rooms = new Set(demo.rooms.map((room) => room.id))
    for (const room of demo.rooms) if (room.building) expect(buildings).toContain(room.building)
    for (const device of demo.devices) {
      if (device.building) expect(buildings).toContain(device.building)
      if (device.room) expect(rooms).toContain(device.room)
    }
    expect(buildTopology(demo).problems).toEqual([])
  })

  it('gives every device a Chinese and an English name and the documented demo password', () => {
    for (const device of demo.devices) {
      expect(device.name).toMatch(/[\u4e00-\u9fff]/)
      expect(device.name_en).toMatch(/^[\x20-\x7e]+$/)
      expect(device.password).toBe(`demo-${device.id}-secret`)
    }
  })

  it('reports every 5 s, the fire panel every 30 s and the checkpoints every 60 s', () => {
    for (const device of demo.devices) {
      const expected = device.kind === 'fire-alarm-panel' ? 30 : device.kind === 'patrol-checkpoint' ? 60 : 5
      expect(device.report_interval_sec).toBe(expected)
    }
  })

  it('pairs duty and standby pumps per set, and has two lanes with an entry and an exit each', () => {
    const topology = buildTopology(demo)
    expect(topology.boosterSets.map((set) => set.memberIds)).toEqual([
      ['pump-low-1', 'pump-low-2'],
      ['pump-high-1', 'pump-high-2'],
    ])
    expect(topology.jockeys.map((jockey) => jockey.main)).toEqual(['hydrant', 'sprinkler'])
    const gates = demo.devices.filter((device) => device.kind === 'gate').map((gate) => gate.attributes)
    expect(gates.map((a) => `${String(a?.lane)}/${String(a?.direction)}`).sort()).toEqual([
      'north/in',
      'north/out',
      'south/in',
      'south/out',
    ])
  })
})

describe('checkManifest', () => {
  it('reports schema errors', () => {
    const result = checkManifest({ site: { id: 'Bad Id' }, buildings: [], rooms: [], devices: [] })
    expect(result.ok).toBe(false)
  })

  it('reports every broken reference at once', () => {
    const [first, second] = demo.devices
    if (!first || !second) throw new Error('demo has devices')
    const broken = withDevices([
      first,
      { ...second, id: first.id },
      { ...second, id: 'orphan', room: 'no-such-room', building: 'b9' },
      { id: 'p', kind: 'pump', name: '泵', attributes: { tank: 'ap-b1', panel: 'ghost' } },
    ])
    const result = checkManifest(broken)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors).toEqual(
      expect.arrayContaining([
        `duplicate device "${first.id}"`,
        'device orphan: unknown building "b9"',
        'device orphan: unknown room "no-such-room"',
        'p: tank "ap-b1" is not a water-tank',
        'p: panel "ghost" is not a electrical-panel',
      ]),
    )
  })

  it('refuses a loop of upstream panels', () => {
    const loop = withDevices([
      { id: 'a', kind: 'electrical-panel', name: 'A', attributes: { upstream: 'b' } },
      { id: 'b', kind: 'electrical-panel', name: 'B', attributes: { upstream: 'a' } },
    ])
    const result = checkManifest(loop)
    expect(result.ok || result.errors.some((error) => error.includes('cycle'))).toBe(true)
    expect(result.ok).toBe(false)
  })

  it('loadManifest names the file and every problem', async () => {
    await expect(loadManifest(`${DEMO_MANIFEST_PATH}.missing`)).rejects.toThrow(/ENOENT/)
  })
})
