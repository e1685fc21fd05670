import { type AdminList, useAdminList } from '../useAdminList.ts'
import { fetchUsers, type ListedUser } from './users-api.ts'

const byUsername = (a: ListedUser, b: ListedUser) => a.username.localeCompare(b.username)

/** Every user, sorted by username as the store lists them; kept through a failed reload. */
export function useUsers(): AdminList<ListedUser> {
  return useAdminList(fetchUsers, byUsername)
}
