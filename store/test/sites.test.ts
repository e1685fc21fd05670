import type { SiteManifest } from '@fm/protocol'
import { describe, expect, test } from 'vitest'
import { DeviceError, type DeviceErrorCode, ManifestError, type NewDevice } from '../src/index.ts'
import { compound, openTestStore, PUMP_PASSWORD, provisionedStore } from './fixtures.ts'

describe('provisionSite', () => {
  test('creates the site and every device, with a password for each', async () => {
    const store = openTestStore()
    const result = await store.provisionSite(compound())

    expect(result.siteId).toBe('xingfuli')
    expect(result.existing).toEqual([])
    expect(result.created.map((device) => device.id)).toEqual(['tank-1', 'pump-1', 'gate-east', 'fap-1'])
    expect(result.created.find((device) => device.id === 'pump-1')?.password).toBe(PUMP_PASSWORD)
    const generated = result.created.find((device) => device.id === 'tank-1')?.password
    expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/)
  })

  test('is idempotent: a second run creates nothing and keeps the credentials', async () => {
    const store = openTestStore()
    const first = await store.provisionSite(compound())
    const tankPassword = first.created.find((device) => device.id === 'tank-1')?.password ?? ''

    const second = await store.provisionSite(compound())

    expect(second.created).toEqual([])
    expect(second.existing).toEqual(['tank-1', 'pump-1', 'gate-east', 'fap-1'])
    expect(store.listSites()).toHaveLength(1)
    expect(store.listDevices()).toHaveLength(4)
    expect(await store.verifyDeviceCredentials('tank-1', tankPassword)).toBeDefined()
  })

  test('updates names, places and attributes of existing devices, and adds new ones', async () => {
    const store = openTestStore()
    await store.provisionSite(compound())
    const manifest = compound()
    manifest.site.name = '幸福里'
    manifest.rooms.push({ id: 'power-room', name: '配电房', type: 'power-room', building: 'b1' })
    manifest.devices[0] = { id: 'tank-1', kind: 'water-tank', name: '1#生活水箱', room: 'power-room', attributes: {} }
    manifest.devices.push({ id: 'panel-1', kind: 'electrical-panel', name: '低压配电柜', room: 'power-room' })

    const result = await store.provisionSite(manifest)

    expect(result.created.map((device) => device.id)).toEqual(['panel-1'])
    expect(store.listSites()[0]?.name).toBe('幸福里')
    expect(store.getDevice('tank-1')).toMatchObject({ name: '1#生活水箱', roomId: 'power-room', attributes: {} })
  })

  test('a manifest may add devices to rooms registered by an earlier one', async () => {
    const store = openTestStore()
    await store.provisionSite(compound())
    const more: SiteManifest = {
      ...compound(),
      buildings: [],
      rooms: [],
      devices: [{ id: 'env-1', kind: 'room-environment', name: '泵房环境', room: 'pump-room' }],
    }

    const result = await store.provisionSite(more)

    expect(result.created.map((device) => device.id)).toEqual(['env-1'])
    expect(store.getDevice('env-1')).toMatchObject({ roomId: 'pump-room', buildingId: 'b1' })
  })

  test('records devices with their place, attributes and the default report interval of their kind', async () => {
    const store = openTestStore()
    await store.provisionSite(compound())

    expect(store.getDevice('tank-1')).toEqual({
      id: 'tank-1',
      siteId: 'xingfuli',
      kind: 'water-tank',
      name: '生活水箱',
      buildingId: 'b1', // from its room
      roomId: 'pump-room',
      attributes: { capacity_m3: 36 },
      reportIntervalSec: 10,
    })
    expect(store.getDevice('fap-1')?.reportIntervalSec).toBe(60)
    expect(store.getDevice('gate-east')?.buildingId).toBeUndefined()
    expect(store.getDevice('nope')).toBeUndefined()
  })

  test('lists sites with their buildings and rooms in manifest order, optional fields omitted', async () => {
    const store = openTestStore()
    await store.provisionSite(compound())

    expect(store.listSites()).toEqual([
      {
        id: 'xingfuli',
        name: '幸福里小区',
        nameEn: 'Xingfuli Compound',
        timezone: 'Asia/Shanghai',
        city: '武汉',
        buildings: [{ id: 'b1', name: '1栋', nameEn: 'Building 1', floors: 33 }],
        rooms: [
          {
            id: 'pump-room',
            name: '生活泵房',
            nameEn: 'Domestic pump room',
            type: 'domestic-pump-room',
            buildingId: 'b1',
          },
          { id: 'gatehouse', name: '东门岗亭', type: 'gatehouse' },
        ],
      },
    ])
  })

  test('filters devices by site', async () => {
    const store = openTestStore()
    await store.provisionSite(compound())
    const other = compound()
    other.site.id = 'hexie'
    other.devices = [{ id: 'hexie-pump-1', kind: 'pump', name: '1#泵' }]
    await store.provisionSite(other)

    expect(store.listDevices({ siteId: 'hexie' }).map((device) => device.id)).toEqual(['hexie-pump-1'])
    expect(store.listDevices()).toHaveLength(5)
  })
})

describe('provisionSite refuses an invalid manifest and lists every problem', () => {
  const cases: { name: string; edit: (manifest: SiteManifest) => void; problems: string[] }[] = [
    {
      name: 'schema violations',
      edit: (manifest) => {
        manifest.site.id = 'Xingfuli'
        Object.assign(manifest.site, { phone: '027-000' })
        Object.assign(manifest.devices[1] ?? {}, { kind: 'lift', password: 'short' })
      },
      problems: [
        '/site: unknown field(s) "phone"',
        '/site/id: must match pattern',
        '/devices/1/kind: must be one of water-tank, pump,',
        '/devices/1/password: must not have fewer than 12 characters',
      ],
    },
    {
      name: 'duplicate ids',
      edit: (manifest) => {
        manifest.buildings.push({ id: 'b1', name: '1栋' })
        manifest.devices.push({ id: 'pump-1', kind: 'pump', name: '2#加压泵' })
      },
      problems: ['buildings: id "b1" appears 2 times', 'devices: id "pump-1" appears 2 times'],
    },
    {
      name: 'references to buildings and rooms that do not exist',
      edit: (manifest) => {
        manifest.rooms.push({ id: 'roof', name: '屋顶水箱间', type: 'other', building: 'b9' })
        manifest.devices.push({ id: 'tank-2', kind: 'water-tank', name: '屋顶水箱', room: 'attic' })
        manifest.devices.push({ id: 'tank-3', kind: 'water-tank', name: '水箱', building: 'b7' })
      },
      problems: [
        'room "roof": building "b9" is neither in the manifest nor registered',
        'device "tank-2": room "attic" is neither in the manifest nor registered',
        'device "tank-3": building "b7" is neither in the manifest nor registered',
      ],
    },
    {
      name: 'a device whose room is in another building',
      edit: (manifest) => {
        manifest.buildings.push({ id: 'b2', name: '2栋' })
        manifest.devices.push({ id: 'pump-2', kind: 'pump', name: '2#泵', building: 'b2', room: 'pump-room' })
      },
      problems: ['device "pump-2": room "pump-room" is in building "b1", not "b2"'],
    },
    {
      name: 'a device id reserved for platform services',
      edit: (manifest) => {
        manifest.devices.push({ id: 'svc-ingest', kind: 'gate', name: '假冒的服务' })
      },
      problems: ['device "svc-ingest": ids starting with "svc-" are reserved for platform services'],
    },
  ]

  test.for(cases)('$name', async ({ edit, problems }) => {
    const store = openTestStore()
    const manifest = compound()
    edit(manifest)

    const error = await store.provisionSite(manifest).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(ManifestError)
    const listed = (error as ManifestError).problems
    expect(listed).toHaveLength(problems.length)
    problems.forEach((problem, index) => {
      expect(listed[index]).toContain(problem)
      expect((error as ManifestError).message).toContain(problem)
    })
    expect(store.listSites()).toEqual([])
    expect(store.listDevices()).toEqual([])
  })

  test('a device id registered under another site, or as another kind', async () => {
    const store = openTestStore()
    await store.provisionSite(compound())
    const other = compound()
    other.site.id = 'hexie'
    const changed = compound()
    changed.devices[0] = { id: 'tank-1', kind: 'fire-water', name: '消防水池' }

    await expect(store.provisionSite(other)).rejects.toThrow(
      'device "tank-1": already registered under site "xingfuli"',
    )
    await expect(store.provisionSite(changed)).rejects.toThrow('registered as water-tank, the manifest says fire-water')
    expect(store.getDevice('tank-1')?.kind).toBe('water-tank')
  })
})

describe('createDevice', () => {
  test('registers one device in a provisioned site with a generated password, shown once, that connects', async () => {
    const store = await provisionedStore()

    const { device, password } = await store.createDevice('xingfuli', {
      id: 'env-1',
      kind: 'room-environment',
      name: '泵房环境',
      name_en: 'Pump room environment',
      room: 'pump-room',
      attributes: { sensor: 'th-01' },
    })

    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)
    const expected = {
      id: 'env-1',
      siteId: 'xingfuli',
      kind: 'room-environment',
      name: '泵房环境',
      nameEn: 'Pump room environment',
      buildingId: 'b1', // from its room, as in a manifest
      roomId: 'pump-room',
      attributes: { sensor: 'th-01' },
      reportIntervalSec: 10,
    }
    expect(device).toEqual(expected)
    expect(store.getDevice('env-1')).toEqual(expected)
    expect(store.listDeviceViews({ siteId: 'xingfuli' }).map(({ id }) => id)).toContain('env-1')
    expect(await store.verifyDeviceCredentials('env-1', password)).toEqual(expected)
    expect(await store.verifyDeviceCredentials('env-1', 'not-the-password')).toBeUndefined()
  })

  const refusals: {
    name: string
    siteId?: string
    device: Record<string, unknown>
    code: DeviceErrorCode
    message: string
  }[] = [
    { name: 'an unknown site', siteId: 'hexie', device: {}, code: 'FM_ERR_SITE_NOT_FOUND', message: 'site "hexie"' },
    {
      name: 'an id registered already, with its credentials untouched',
      device: { id: 'pump-1', kind: 'pump' },
      code: 'FM_ERR_DEVICE_EXISTS',
      message: 'device "pump-1" is registered already',
    },
    {
      name: 'an unknown building',
      device: { building: 'b9' },
      code: 'FM_ERR_DEVICE_INVALID',
      message: 'building "b9" is neither in the manifest nor registered',
    },
    {
      name: 'an unknown room',
      device: { room: 'attic' },
      code: 'FM_ERR_DEVICE_INVALID',
      message: 'room "attic" is neither in the manifest nor registered',
    },
    {
      name: 'an id reserved for platform services',
      device: { id: 'svc-api' },
      code: 'FM_ERR_DEVICE_INVALID',
      message: 'reserved for platform services',
    },
    {
      name: 'an unknown kind',
      device: { kind: 'lift' },
      code: 'FM_ERR_DEVICE_INVALID',
      message: '/kind: must be one of',
    },
    {
      name: 'an unknown field',
      device: { floor: 3 },
      code: 'FM_ERR_DEVICE_INVALID',
      message: 'unknown field(s) "floor"',
    },
    {
      name: 'a password chosen by the caller',
      device: { password: 'chosen-by-someone' },
      code: 'FM_ERR_DEVICE_INVALID',
      message: 'a new device gets a generated password',
    },
  ]

  test.for(refusals)('refuses $name, and writes nothing', async ({ siteId, device, code, message }) => {
    const store = await provisionedStore()
    const before = store.listDevices()
    const input = { id: 'tank-9', kind: 'water-tank', name: '9#水箱', ...device } as NewDevice

    const error = await store.createDevice(siteId ?? 'xingfuli', input).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(DeviceError)
    expect(error).toMatchObject({ code, message: expect.stringContaining(message) })
    expect(store.listDevices()).toEqual(before)
    expect(await store.verifyDeviceCredentials('pump-1', PUMP_PASSWORD)).toBeDefined()
  })

  test('of two creations of one id at the same time, one wins and the other is refused as existing', async () => {
    const store = await provisionedStore()
    const device: NewDevice = { id: 'gate-west', kind: 'gate', name: '西门道闸', room: 'gatehouse' }

    const outcomes = await Promise.allSettled([
      store.createDevice('xingfuli', device),
      store.createDevice('xingfuli', { ...device, name: '西门道闸 2' }),
    ])

    expect(outcomes.map(({ status }) => status).sort()).toEqual(['fulfilled', 'rejected'])
    const refused = outcomes.find((outcome) => outcome.status === 'rejected')
    expect(refused?.reason).toMatchObject({ code: 'FM_ERR_DEVICE_EXISTS' })
    const won = outcomes.find((outcome) => outcome.status === 'fulfilled')
    expect(await store.verifyDeviceCredentials('gate-west', won?.value.password ?? '')).toBeDefined()
  })
})
