import type { UserView } from '@fm/protocol'
import { useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useLocation, useNavigate } from 'react-router'
import { PASSWORD_PATH } from '../../session/paths.ts'
import { useSession } from '../../session/SessionContext.ts'

/**
 * The signed-in user in the header: name and role, which a shared control-room screen must show at all times, and a
 * menu with the password change and sign-out. On a phone only the initial shows (the name stays for screen readers).
 * A disclosure, not an ARIA menu: two ordinary controls need no arrow-key navigation.
 */
export function UserMenu({ user }: { user: UserView }) {
  const { t } = useTranslation()
  const { logout } = useSession()
  const navigate = useNavigate()
  const location = useLocation()
  const [open, setOpen] = useState(false)
  const panelId = useId()
  const root = useRef<HTMLDivElement>(null)
  const toggle = useRef<HTMLButtonElement>(null)

  // Closes on a click elsewhere, on Escape (back to the button) and when the page changes.
  useEffect(() => {
    if (!open) return
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      setOpen(false)
      toggle.current?.focus()
    }
    document.addEventListener('pointerdown', onPointer)
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('pointerdown', onPointer)
      document.removeEventListener('keydown', onKey)
    }
  }, [open])
  // biome-ignore lint/correctness/useExhaustiveDependencies: the page changing is the event that closes the menu
  useEffect(() => setOpen(false), [location.pathname])

  /** To the overview: the next person at a shared screen starts there, not on the previous user's page. */
  async function signOut() {
    setOpen(false)
    await logout()
    await navigate('/', { replace: true })
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
      <div className="user-menu__panel" id={panelId} hidden={!open}>
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
