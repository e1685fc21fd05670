import { describe, expect, it } from 'vitest'
import { newDeviceInput, type ProvisionDraft, provisionProblem, roomsFor } from '../src/devices/provisioning.ts'
import { SITE } from './fixtures.ts'

const draft: ProvisionDraft = {
  siteId: 'cuihu',
  kind: 'water-tank',
  id: 'tank-3',
  name: '3#生活水箱',
  nameEn: '',
  buildingId: '',
  roomId: '',
  reportIntervalSec: '',
}

describe('provisioning checks', () => {
  it.each([
    [{}, undefined],
    [{ siteId: '' }, 'site'],
    [{ id: '' }, 'device-id'],
    [{ id: '-tank' }, 'device-id'],
    [{ id: 'tank 3' }, 'device-id'],
    [{ id: 'a'.repeat(65) }, 'device-id'],
    [{ id: ' Tank-3 ' }, undefined],
    [{ id: 'svc-ingest' }, 'device-id-reserved'],
    [{ name: '   ' }, 'name'],
    [{ name: '水'.repeat(101) }, 'name'],
    [{ name: '水'.repeat(100) }, undefined],
    [{ nameEn: 'x'.repeat(101) }, 'name-en'],
    [{ reportIntervalSec: '0' }, 'report-interval'],
    [{ reportIntervalSec: '86401' }, 'report-interval'],
    [{ reportIntervalSec: '2.5' }, 'report-interval'],
    [{ reportIntervalSec: 'often' }, 'report-interval'],
    [{ reportIntervalSec: ' 86400 ' }, undefined],
  ] as [Partial<ProvisionDraft>, string | undefined][])('%o → %s', (change, problem) => {
    expect(provisionProblem({ ...draft, ...change })).toBe(problem)
  })

  it('sends the id in lower case, trimmed names, and none of the optional fields left empty', () => {
    expect(newDeviceInput({ ...draft, id: ' Tank-3 ', name: ' 3#生活水箱 ' })).toEqual({
      id: 'tank-3',
      kind: 'water-tank',
      name: '3#生活水箱',
    })
    expect(
      newDeviceInput({
        ...draft,
        nameEn: ' Tank 3 ',
        buildingId: 'b3',
        roomId: 'pump-room-dw',
        reportIntervalSec: '30',
      }),
    ).toEqual({
      id: 'tank-3',
      kind: 'water-tank',
      name: '3#生活水箱',
      nameEn: 'Tank 3',
      buildingId: 'b3',
      roomId: 'pump-room-dw',
      reportIntervalSec: 30,
    })
  })

  it("offers the rooms of the chosen building and those of none; all of the site's without a building", () => {
    expect(roomsFor(SITE, 'b1').map((room) => room.id)).toEqual(['gatehouse-north', 'power-room', 'fire-control-room'])
    expect(roomsFor(SITE, '')).toHaveLength(SITE.rooms.length)
    expect(roomsFor(undefined, 'b1')).toEqual([])
  })
})
