import type { UserView } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router'
import { LOGIN_PATH, PASSWORD_PATH } from '../../session/paths.ts'
import { useSession } from '../../session/SessionContext.ts'
import { useDisclosure } from './useDisclosure.ts'

/**
 * The signed-in user in the header: name and role, which a shared control-room screen must show at all times, and a
 * menu with the password change and sign-out. On a phone only the initial shows (the name stays for screen readers,
 * and in the open menu).
 */
export function UserMenu({ user }: { user: UserView }) {
  const { t } = useTranslation()
  const { logout } = useSession()
  const navigate = useNavigate()
  const { open, setOpen, panelId, root, toggle } = useDisclosure()

  /** To the sign-in page without `next`: the next person at a shared screen starts at the overview, not here. */
  async function signOut() {
    setOpen(false)
    await logout()
    await navigate(LOGIN_PATH, { replace: true })
  }

  const role = t(`roles.${user.role}`)
  return (
    <div className="user-menu" data-testid="user-menu" data-role={user.role} data-username={user.username} ref={root}>
      <button
        type="button"
        ref={toggle}
        className="user-menu__toggle"
        data-testid="user-menu-toggle"
        aria-expanded={open}
        aria-controls={panelId}
        title={`${user.displayName} · ${role}`}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="user-menu__avatar" aria-hidden="true">
          {[...user.displayName][0] ?? '?'}
        </span>
        <span className="user-menu__who">
          <span className="user-menu__name" data-testid="user-name">
            {user.displayName}
          </span>
          <span className="user-menu__role" data-testid="user-role">
            {role}
          </span>
        </span>
        <svg className="user-menu__caret" viewBox="0 0 12 8" width="12" height="8" aria-hidden="true">
          <path d="M1 1l5 5 5-5" fill="none" stroke="currentColor" strokeWidth="1.6" />
        </svg>
      </button>
      <div className="menu-panel user-menu__panel" id={panelId} hidden={!open}>
        <p className="user-menu__account">
          <span className="user-menu__panel-name">{user.displayName}</span>
          <span className="user-menu__panel-meta">
            {user.username} · {role}
          </span>
        </p>
        <Link to={PASSWORD_PATH} className="user-menu__item" data-testid="account-password">
          {t('auth.changePassword')}
        </Link>
        <button type="button" className="user-menu__item" data-testid="logout" onClick={() => void signOut()}>
          {t('auth.signOut')}
        </button>
      </div>
    </div>
  )
}
