/**
 * The people who use the platform. Each has one role and a scope: the sites (and optionally only some buildings of
 * them) whose devices, alarms and work orders they see. What each role may do is declared in `access.ts`.
 */
export const USER_ROLES = [
  /** the platform's administrators: users, devices, credentials, rules */
  'admin',
  /** engineering supervisors and the customer desk: dispatch, verification, reports, the audit log */
  'supervisor',
  /** technicians: their work orders, the equipment they maintain */
  'technician',
  /** security guards in the control room: alarms, gates, patrols */
  'guard',
  /** read-only: owners' representatives, auditors */
  'viewer',
] as const
export type UserRole = (typeof USER_ROLES)[number]

export function isUserRole(value: string): value is UserRole {
  return (USER_ROLES as readonly string[]).includes(value)
}

/** Where a user may look. `allSites` covers sites created later too; `buildingIds` empty means whole sites. */
export interface UserScope {
  allSites: boolean
  siteIds: string[]
  buildingIds: string[]
}
