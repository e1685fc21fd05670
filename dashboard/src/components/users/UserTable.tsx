import type { Site } from '@fm/protocol'
import { Fragment, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { attempt } from '../../api.ts'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { type ListedUser, updateUser } from '../../users/users-api.ts'
import { AdminPanelRow } from '../admin/AdminPanelRow.tsx'
import { AdminTableHead } from '../admin/AdminTableHead.tsx'
import { FormError, requestError, type ShownError } from '../forms/FormError.tsx'
import { ResetPasswordForm } from './ResetPasswordForm.tsx'
import { UserForm } from './UserForm.tsx'

type UserStatus = 'active' | 'disabled' | 'locked' | 'must-change'

/** What matters most first: a disabled account cannot sign in at all, a locked one not for a while. */
function statusOf(user: ListedUser, now: number): UserStatus {
  if (user.disabled) return 'disabled'
  if (user.lockedUntil !== undefined && user.lockedUntil > now) return 'locked'
  return user.mustChangePassword ? 'must-change' : 'active'
}

interface UserTableProps {
  users: ListedUser[]
  sites: Site[] | undefined
  /** The signed-in administrator: may not disable themselves or change their own role. */
  selfId: string | undefined
  onChanged: (user: ListedUser, what: 'edited' | 'disabled' | 'enabled') => void
  onPasswordSet: (user: ListedUser) => void
}

/** The columns before the buttons, by their key under `users.fields`. */
const FIELDS = ['username', 'displayName', 'role', 'scope', 'status'] as const

type Open = { id: string; panel: 'edit' | 'password' } | undefined

export function UserTable({ users, sites, selfId, onChanged, onPasswordSet }: UserTableProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const [open, setOpen] = useState<Open>()
  const [pendingId, setPendingId] = useState<string>()
  const [rowError, setRowError] = useState<{ id: string; error: ShownError }>()
  // A lock shows until the list is drawn again after it ended; the api lifts it whatever the screen says.
  const now = Date.now()

  const siteName = (siteId: string) => {
    const site = sites?.find((candidate) => candidate.id === siteId)
    return site ? localName(site, language) : siteId
  }
  /** "全部小区", or the sites by name, with the buildings a restriction names. */
  const scopeText = ({ scope }: ListedUser) => {
    if (scope.allSites) return t('users.scope.allSites')
    if (scope.siteIds.length === 0) return t('users.scope.none')
    const names = scope.siteIds.map(siteName).join(t('users.listSeparator'))
    if (scope.buildingIds.length === 0) return names
    return t('users.scope.withBuildings', { sites: names, buildings: scope.buildingIds.join(t('users.listSeparator')) })
  }

  async function setDisabled(user: ListedUser, disabled: boolean) {
    setPendingId(user.id)
    setRowError(undefined)
    const result = await attempt(() => updateUser(user.id, { disabled }))
    setPendingId(undefined)
    if (result.ok) onChanged(result.value, disabled ? 'disabled' : 'enabled')
    else setRowError({ id: user.id, error: requestError(result.failure) })
  }

  const toggle = (id: string, panel: 'edit' | 'password') => {
    setRowError(undefined)
    setOpen((current) => (current?.id === id && current.panel === panel ? undefined : { id, panel }))
  }

  return (
    <table className="admin-table users-table" data-testid="users-table">
      <AdminTableHead columns={FIELDS.map((key) => t(`users.fields.${key}`))} actions={t('users.actions')} />
      <tbody>
        {users.map((user) => {
          const status = statusOf(user, now)
          const self = user.id === selfId
          const panel = open?.id === user.id ? open.panel : undefined
          return (
            <Fragment key={user.id}>
              <tr
                className="admin-table__row"
                data-testid="user-row"
                data-username={user.username}
                data-role={user.role}
                data-status={status}
              >
                <td data-label={t('users.fields.username')} className="admin-table__mono">
                  <span>
                    {user.username}
                    {self && <span className="users-table__self"> {t('users.you')}</span>}
                  </span>
                </td>
                <td data-label={t('users.fields.displayName')} className="admin-table__strong">
                  {user.displayName}
                </td>
                <td data-label={t('users.fields.role')}>{t(`roles.${user.role}`)}</td>
                <td data-label={t('users.fields.scope')}>{scopeText(user)}</td>
                <td data-label={t('users.fields.status')}>
                  <span className="admin-table__badge user-status" data-status={status} data-testid="user-status">
                    {t(`users.status.${status}`)}
                  </span>
                </td>
                <td className="admin-table__actions">
                  <button
                    type="button"
                    className="button button--small"
                    data-testid="user-edit"
                    aria-expanded={panel === 'edit'}
                    onClick={() => toggle(user.id, 'edit')}
                  >
                    {t('users.edit')}
                  </button>
                  <button
                    type="button"
                    className="button button--small"
                    data-testid="user-reset-password"
                    aria-expanded={panel === 'password'}
                    onClick={() => toggle(user.id, 'password')}
                  >
                    {t('users.resetPassword')}
                  </button>
                  {!self && (
                    <button
                      type="button"
                      className="button button--small"
                      data-testid="user-toggle-disabled"
                      data-action={user.disabled ? 'enable' : 'disable'}
                      disabled={pendingId === user.id}
                      onClick={() => void setDisabled(user, !user.disabled)}
                    >
                      {user.disabled ? t('users.enable') : t('users.disable')}
                    </button>
                  )}
                </td>
              </tr>
              {rowError?.id === user.id && (
                <AdminPanelRow columns={FIELDS.length + 1}>
                  <FormError error={rowError.error} testId="user-row-error" showDetail />
                </AdminPanelRow>
              )}
              {panel && (
                <AdminPanelRow columns={FIELDS.length + 1} testId="user-panel" panel={panel}>
                  {panel === 'edit' ? (
                    <UserForm
                      mode="edit"
                      user={user}
                      self={self}
                      sites={sites}
                      onDone={(changed) => {
                        setOpen(undefined)
                        onChanged(changed, 'edited')
                      }}
                      onCancel={() => setOpen(undefined)}
                    />
                  ) : (
                    <ResetPasswordForm
                      user={user}
                      onDone={() => {
                        setOpen(undefined)
                        onPasswordSet(user)
                      }}
                      onCancel={() => setOpen(undefined)}
                    />
                  )}
                </AdminPanelRow>
              )}
            </Fragment>
          )
        })}
      </tbody>
    </table>
  )
}
