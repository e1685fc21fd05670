import { type AdminList, useAdminList } from '../useAdminList.ts'
import { type AdminDevice, fetchAdminDevices } from './device-admin-api.ts'

/** By site, then by id: the order an admin reads a manifest in. */
const bySiteAndId = (a: AdminDevice, b: AdminDevice) => a.siteId.localeCompare(b.siteId) || a.id.localeCompare(b.id)

/** Every device within the user's scope, by site and id; kept through a failed reload. */
export function useAdminDevices(): AdminList<AdminDevice> {
  return useAdminList(fetchAdminDevices, bySiteAndId)
}
