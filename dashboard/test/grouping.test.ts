import { describe, expect, it } from 'vitest'
import { deviceLocation, groupDevices } from '../src/devices/grouping.ts'
import { DEVICES, fixtureDevice, SITE } from './fixtures.ts'

describe('groupDevices', () => {
  it('lists equipment rooms in walking order, then buildings', () => {
    const groups = groupDevices(DEVICES, SITE)
    expect(groups.map((g) => g.key)).toEqual([
      'room:pump-room-dw',
      'room:pump-room-fire',
      'room:power-room',
      'room:fire-control-room',
      'room:gatehouse-north',
      'building:b1',
    ])
    expect(groups[0]?.deviceIds).toEqual(['tank-1', 'pump-low-1'])
  })

  it('puts devices the site does not place, or all of them without a site, under one group', () => {
    const stray = { ...fixtureDevice('tank-1'), id: 'stray', roomId: 'nowhere', buildingId: undefined }
    expect(groupDevices([stray], SITE)).toEqual([{ key: 'unplaced', type: 'unplaced', deviceIds: ['stray'] }])
    expect(groupDevices(DEVICES, undefined).map((g) => g.key)).toEqual(['unplaced'])
  })
})

describe('deviceLocation', () => {
  it('finds the room and the building of the room', () => {
    const { room, building } = deviceLocation({ roomId: 'power-room' }, SITE)
    expect(room?.name).toBe('配电房')
    expect(building?.name).toBe('1栋')
  })
})
