import {
  PERMISSIONS,
  type Permission,
  ROLE_PERMISSIONS,
  roleCan,
  scopeCovers,
  scopeIncludesSite,
  USER_ROLES,
  type UserRole,
  type UserScope,
} from '@fm/protocol'
import { describe, expect, it } from 'vitest'

const READS: Permission[] = ['devices.read', 'live.read', 'history.read', 'events.read']

describe('ROLE_PERMISSIONS', () => {
  it('gives admin every permission', () => {
    expect(ROLE_PERMISSIONS.admin).toEqual(PERMISSIONS)
  })

  it.each<[UserRole, Permission[]]>([
    ['supervisor', ['users.manage', 'devices.manage', 'rules.manage']],
    ['technician', ['system.read', 'audit.read', 'devices.manage', 'users.manage', 'rules.manage']],
    ['guard', ['system.read', 'audit.read', 'alarms.suppress', 'workorders.manage', 'workorders.work', 'users.manage']],
    ['viewer', ['system.read', 'audit.read', 'alarms.respond', 'commands.send', 'workorders.work']],
  ])('refuses %s what is not theirs: %j', (role, refused) => {
    for (const permission of refused) expect(roleCan(role, permission)).toBe(false)
  })

  it.each<[UserRole, Permission[]]>([
    [
      'supervisor',
      [
        ...READS,
        'system.read',
        'audit.read',
        'alarms.respond',
        'alarms.suppress',
        'workorders.manage',
        'workorders.work',
        'commands.send',
      ],
    ],
    ['technician', [...READS, 'alarms.respond', 'workorders.work']],
    ['guard', [...READS, 'alarms.respond', 'commands.send']],
    ['viewer', READS],
  ])('grants %s exactly its list', (role, granted) => {
    expect([...ROLE_PERMISSIONS[role]].sort()).toEqual([...granted].sort())
  })

  it('lists each role in the order of PERMISSIONS, without repeats', () => {
    for (const role of USER_ROLES) {
      const list = ROLE_PERMISSIONS[role]
      expect(list).toEqual(PERMISSIONS.filter((permission) => list.includes(permission)))
    }
  })

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(ROLE_PERMISSIONS)).toBe(true)
    for (const role of USER_ROLES) expect(Object.isFrozen(ROLE_PERMISSIONS[role])).toBe(true)
  })

  it('refuses a role that does not exist instead of throwing', () => {
    expect(roleCan('constructor' as UserRole, 'devices.read')).toBe(false)
    expect(roleCan('root' as UserRole, 'users.manage')).toBe(false)
  })
})

describe('scopeCovers', () => {
  const scope = (overrides: Partial<UserScope>): UserScope => ({
    allSites: false,
    siteIds: [],
    buildingIds: [],
    ...overrides,
  })

  it.each<[string, UserScope, string, string | undefined, boolean]>([
    ['all sites: any site', scope({ allSites: true }), 'cuihu', undefined, true],
    ['all sites: any building', scope({ allSites: true }), 'cuihu', 'b3', true],
    ['whole site: site level', scope({ siteIds: ['cuihu'] }), 'cuihu', undefined, true],
    ['whole site: a building', scope({ siteIds: ['cuihu'] }), 'cuihu', 'b3', true],
    ['another site', scope({ siteIds: ['cuihu'] }), 'xingfuli', undefined, false],
    ['another site, a building', scope({ siteIds: ['cuihu'] }), 'xingfuli', 'b1', false],
    ['no site at all', scope({}), 'cuihu', undefined, false],
    ['buildings: a listed one', scope({ siteIds: ['cuihu'], buildingIds: ['b1', 'b2'] }), 'cuihu', 'b2', true],
    ['buildings: another one', scope({ siteIds: ['cuihu'], buildingIds: ['b1'] }), 'cuihu', 'b2', false],
    ['buildings: site level', scope({ siteIds: ['cuihu'], buildingIds: ['b1'] }), 'cuihu', undefined, false],
    ['buildings of another site', scope({ siteIds: ['cuihu'], buildingIds: ['b1'] }), 'xingfuli', 'b1', false],
    ['all sites, some buildings', scope({ allSites: true, buildingIds: ['b1'] }), 'xingfuli', 'b1', true],
    ['all sites, some buildings: site level', scope({ allSites: true, buildingIds: ['b1'] }), 'x', undefined, false],
  ])('%s', (_name, given, siteId, buildingId, expected) => {
    expect(scopeCovers(given, siteId, buildingId)).toBe(expected)
  })

  it('lists a site whose buildings are only partly in scope', () => {
    const technician = scope({ siteIds: ['cuihu'], buildingIds: ['b1'] })
    expect(scopeIncludesSite(technician, 'cuihu')).toBe(true)
    expect(scopeIncludesSite(technician, 'xingfuli')).toBe(false)
  })
})
