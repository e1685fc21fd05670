/**
 * What each role may do, declared once: the api checks every route and every socket.io subscription against this
 * table, the dashboard hides what a user may not use, and `docs/access.md` shows it (a test keeps the two equal).
 * What a user may see is the other half: their scope (`UserScope` in `users.ts`), checked with `scopeCovers`.
 */
import { USER_ROLES, type UserRole, type UserScope } from './users.ts'

export const PERMISSIONS = [
  /** sites, buildings and devices with their latest values and availability */
  'devices.read',
  /** live updates over socket.io (snapshot, deltas, events) */
  'live.read',
  /** time series of a device (charts) */
  'history.read',
  /** events of a device: fire points, plates, patrol scans */
  'events.read',
  /** platform internals: health details, `/metrics`, the System page */
  'system.read',
  /** provision devices, rotate and revoke their credentials */
  'devices.manage',
  /** create users, change their role, scope and password, disable them */
  'users.manage',
  /** read the audit log */
  'audit.read',
  /** change alarm rules and work-order policy */
  'rules.manage',
  /** acknowledge, shelve and reset alarms, record the fire procedure's steps */
  'alarms.respond',
  /** take alarms out of service for a time (a fire zone under test, equipment under repair) */
  'alarms.suppress',
  /** dispatch work orders and verify their completion */
  'workorders.manage',
  /** work one's own queue of work orders: accept, resolve */
  'workorders.work',
  /** send commands to equipment: open a barrier, start a pump */
  'commands.send',
] as const
export type Permission = (typeof PERMISSIONS)[number]

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value)
}

/** Looking at equipment, its history and its events, live: what every role may do. */
const READ = ['devices.read', 'live.read', 'history.read', 'events.read'] as const satisfies readonly Permission[]

/** Every role's permissions, in the order of `PERMISSIONS`; frozen, so that no code can grant more at run time. */
export const ROLE_PERMISSIONS: Readonly<Record<UserRole, readonly Permission[]>> = Object.freeze({
  admin: Object.freeze([...PERMISSIONS]),
  // engineering supervisors and the customer desk run operations, but change neither people, devices nor rules
  supervisor: Object.freeze(
    PERMISSIONS.filter((permission) => !['users.manage', 'devices.manage', 'rules.manage'].includes(permission)),
  ),
  technician: Object.freeze([...READ, 'alarms.respond', 'workorders.work'] as const),
  guard: Object.freeze([...READ, 'alarms.respond', 'commands.send'] as const),
  viewer: Object.freeze([...READ]),
})

/** Whether `role` has `permission`; false for a role that does not exist (a stale or tampered record). */
export function roleCan(role: UserRole, permission: Permission): boolean {
  return (USER_ROLES as readonly string[]).includes(role) && ROLE_PERMISSIONS[role].includes(permission)
}

/** Whether the scope reaches into `siteId` at all: the whole site or some of its buildings (to list the site). */
export function scopeIncludesSite(scope: UserScope, siteId: string): boolean {
  return scope.allSites || scope.siteIds.includes(siteId)
}

/**
 * Whether something at `siteId` is within the scope: in building `buildingId`, or at site level (a gate, the power
 * room) when `buildingId` is undefined. A scope with `buildingIds` covers only those buildings of its sites, and
 * nothing at site level; a scope without covers its sites whole. Building ids are those of the site, as in the
 * manifest (`b1`), so a building restriction applies alike in each site of the scope.
 */
export function scopeCovers(scope: UserScope, siteId: string, buildingId?: string): boolean {
  if (!scopeIncludesSite(scope, siteId)) return false
  if (scope.buildingIds.length === 0) return true
  return buildingId !== undefined && scope.buildingIds.includes(buildingId)
}
