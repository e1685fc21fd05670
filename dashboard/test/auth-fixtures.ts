/** Users as the api answers them, typed with the protocol, each with the permissions of their role. */
import { ROLE_PERMISSIONS, type UserRole, type UserScope } from '@fm/protocol'
import type { ListedUser } from '../src/users/users-api.ts'

export function userView(
  partial: Pick<ListedUser, 'id' | 'username' | 'displayName' | 'role'> & Partial<ListedUser>,
): ListedUser {
  const scope: UserScope =
    partial.role === 'admin'
      ? { allSites: true, siteIds: [], buildingIds: [] }
      : { allSites: false, siteIds: ['cuihu'], buildingIds: [] }
  return { scope, mustChangePassword: false, permissions: [...ROLE_PERMISSIONS[partial.role as UserRole]], ...partial }
}

export const ADMIN = userView({ id: 'u_admin00000000000a', username: 'admin', displayName: '李明', role: 'admin' })
export const SUPERVISOR = userView({
  id: 'u_super0000000000s',
  username: 'chen.jing',
  displayName: '陈静',
  role: 'supervisor',
})
export const GUARD = userView({
  id: 'u_guard00000000000g',
  username: 'guard.zhang',
  displayName: '张伟',
  role: 'guard',
})
export const TECHNICIAN = userView({
  id: 'u_tech000000000000t',
  username: 'wang.gong',
  displayName: '王工',
  role: 'technician',
  scope: { allSites: false, siteIds: ['cuihu'], buildingIds: ['b1', 'b3'] },
})
export const VIEWER = userView({
  id: 'u_viewer0000000000v',
  username: 'owners.rep',
  displayName: '赵敏',
  role: 'viewer',
  disabled: true,
})

/** The known password of every fixture user. */
export const PASSWORD = 'correct-horse-7'
