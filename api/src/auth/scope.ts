/**
 * What of the compounds a user may see: the half of access that the role does not decide. A route filters lists with
 * these (a technician of one compound never learns another's devices exist in a list) and answers 403
 * `FM_ERR_SCOPE_FORBIDDEN` for one thing asked for by id outside the scope (`assertCovers` in guards.ts).
 */
import { type DeviceView, type Site, scopeCovers, scopeIncludesSite, type UserScope } from '@fm/protocol'

/** Whether the device is within the scope: in a building of it, or at site level of a whole site of it. */
export function coversDevice(scope: UserScope, device: Pick<DeviceView, 'siteId' | 'buildingId'>): boolean {
  return scopeCovers(scope, device.siteId, device.buildingId)
}

/**
 * The sites the scope reaches into, each with only the buildings and rooms it covers: a user scoped to building b1
 * sees the site, b1 and b1's rooms, not the other buildings nor the site-level rooms (the gatehouse, the power room).
 */
export function sitesInScope(scope: UserScope, sites: readonly Site[]): Site[] {
  const visible: Site[] = []
  for (const site of sites) {
    if (!scopeIncludesSite(scope, site.id)) continue
    if (scope.buildingIds.length === 0) {
      visible.push(site)
      continue
    }
    visible.push({
      ...site,
      buildings: site.buildings.filter((building) => scopeCovers(scope, site.id, building.id)),
      rooms: site.rooms.filter((room) => scopeCovers(scope, site.id, room.buildingId)),
    })
  }
  return visible
}
