import { ROLE_PERMISSIONS, type UserView } from '@fm/protocol'
import type { UserRecord } from '@fm/store'

/** What the dashboard learns of the signed-in user: never the lock state, the times or anything about the password. */
export function userView(user: UserRecord): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    scope: user.scope,
    mustChangePassword: user.mustChangePassword,
    permissions: [...ROLE_PERMISSIONS[user.role]],
  }
}

/** What an admin sees of a user in `/api/users`: the user's own view, and whether the account is disabled or locked. */
export function adminUserView(user: UserRecord): UserView {
  const view: UserView = { ...userView(user), disabled: user.disabled }
  if (user.lockedUntil !== undefined) view.lockedUntil = user.lockedUntil
  return view
}
