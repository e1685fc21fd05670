/**
 * How the overview lays out a compound: equipment rooms first, in the order an engineer walks them (domestic water,
 * fire water, power, fire control, gatehouses), then the buildings, then anything the site does not place.
 */
import { type Building, type DeviceView, ROOM_TYPES, type Room, type Site } from '@fm/protocol'
import { localName } from '../i18n/format.ts'
import type { Language } from '../i18n/i18n.ts'

export type DeviceGroup =
  | { key: string; type: 'room'; room: Room; building: Building | undefined; deviceIds: string[] }
  | { key: string; type: 'building'; building: Building; deviceIds: string[] }
  | { key: string; type: 'unplaced'; deviceIds: string[] }

const roomRank = (room: Room) => ROOM_TYPES.indexOf(room.type)

export function groupDevices(devices: readonly DeviceView[], site: Site | undefined): DeviceGroup[] {
  const rooms = new Map((site?.rooms ?? []).map((r) => [r.id, r]))
  const buildings = new Map((site?.buildings ?? []).map((b) => [b.id, b]))
  const byRoom = new Map<string, string[]>()
  const byBuilding = new Map<string, string[]>()
  const unplaced: string[] = []
  for (const device of devices) {
    if (device.roomId && rooms.has(device.roomId)) push(byRoom, device.roomId, device.id)
    else if (device.buildingId && buildings.has(device.buildingId)) push(byBuilding, device.buildingId, device.id)
    else unplaced.push(device.id)
  }

  const groups: DeviceGroup[] = []
  // Array.prototype.sort is stable: rooms of the same type keep the site's order.
  const sortedRooms = [...rooms.values()].sort((a, b) => roomRank(a) - roomRank(b))
  for (const room of sortedRooms) {
    const deviceIds = byRoom.get(room.id)
    if (!deviceIds) continue
    const building = room.buildingId ? buildings.get(room.buildingId) : undefined
    groups.push({ key: `room:${room.id}`, type: 'room', room, building, deviceIds })
  }
  for (const building of buildings.values()) {
    const deviceIds = byBuilding.get(building.id)
    if (deviceIds) groups.push({ key: `building:${building.id}`, type: 'building', building, deviceIds })
  }
  if (unplaced.length > 0) groups.push({ key: 'unplaced', type: 'unplaced', deviceIds: unplaced })
  return groups
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/** Building and room of a device, for the device page header. */
export function deviceLocation(
  device: Pick<DeviceView, 'buildingId' | 'roomId'>,
  site: Site | undefined,
): { building: Building | undefined; room: Room | undefined } {
  const room = site?.rooms.find((r) => r.id === device.roomId)
  const buildingId = device.buildingId ?? room?.buildingId
  return { room, building: site?.buildings.find((b) => b.id === buildingId) }
}

/** Where a device is, in words: "3栋 · 生活水泵房"; '' when the site does not place it. */
export function locationLabel(
  device: Pick<DeviceView, 'buildingId' | 'roomId'>,
  site: Site | undefined,
  language: Language,
): string {
  const { building, room } = deviceLocation(device, site)
  return [building, room].flatMap((place) => (place ? [localName(place, language)] : [])).join(' · ')
}
