import type { Permission } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { NavLink, useLocation } from 'react-router'
import { useSession } from '../../session/SessionContext.ts'
import { useDisclosure } from './useDisclosure.ts'

/** The administration pages, each shown only to a role with its permission (docs/access.md). */
const ADMIN_PAGES: readonly { path: string; permission: Permission; label: string; testId: string }[] = [
  { path: '/admin/users', permission: 'users.manage', label: 'nav.users', testId: 'nav-users' },
  { path: '/admin/devices', permission: 'devices.manage', label: 'nav.devices', testId: 'nav-devices' },
  { path: '/admin/alarm-rules', permission: 'rules.manage', label: 'nav.alarmRules', testId: 'nav-alarm-rules' },
  { path: '/admin/sla-policies', permission: 'rules.manage', label: 'nav.slaPolicies', testId: 'nav-sla-policies' },
  { path: '/admin/technicians', permission: 'workorders.manage', label: 'nav.technicians', testId: 'nav-technicians' },
  { path: '/admin/audit', permission: 'audit.read', label: 'nav.audit', testId: 'nav-audit' },
]

const ADMIN_PATH_PREFIX = '/admin/'

/**
 * "Administration" in the header: one entry for the pages few people use and most roles may not open, so that the
 * header keeps to two rows on a phone and a guard's header shows nothing they cannot use. Absent when the role may
 * open none of them.
 */
export function AdminMenu() {
  const { t } = useTranslation()
  const { can } = useSession()
  const location = useLocation()
  const { open, setOpen, panelId, root, toggle } = useDisclosure()
  const pages = ADMIN_PAGES.filter((page) => can(page.permission))
  if (pages.length === 0) return null
  return (
    <div className="admin-menu" ref={root}>
      <button
        type="button"
        ref={toggle}
        className="admin-menu__toggle"
        data-testid="nav-admin"
        data-current={location.pathname.startsWith(ADMIN_PATH_PREFIX) || undefined}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
      >
        {t('nav.admin')}
        <svg className="admin-menu__caret" viewBox="0 0 12 8" width="12" height="8" aria-hidden="true">
          <path d="M1 1l5 5 5-5" fill="none" stroke="currentColor" strokeWidth="1.6" />
        </svg>
      </button>
      <div className="menu-panel admin-menu__panel" id={panelId} hidden={!open}>
        {pages.map((page) => (
          <NavLink key={page.path} to={page.path} className="admin-menu__item" data-testid={page.testId}>
            {t(page.label)}
          </NavLink>
        ))}
      </div>
    </div>
  )
}
