import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { fetchSites, isForbidden } from '../api.ts'
import {
  AdminFormPanel,
  AdminHead,
  AdminNotice,
  LoadFailed,
  type Notice,
  OpenFormButton,
} from '../components/admin/AdminLayout.tsx'
import { Loading } from '../components/layout/Loading.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import { UserForm } from '../components/users/UserForm.tsx'
import { UserTable } from '../components/users/UserTable.tsx'
import { useSession } from '../session/SessionContext.ts'
import { useApi } from '../useApi.ts'
import { useUsers } from '../users/useUsers.ts'
import '../components/forms/forms.css'
import '../styles/admin-table.css'
import '../components/users/Users.css'

/**
 * `/admin/users`, for `users.manage`: everyone who may sign in, with their role, sites and state; new users, role and
 * scope changes, disabling and enabling, and new passwords. The api enforces the permission; the route and the
 * header link only keep others from a page of refusals.
 */
export function UsersPage() {
  const { t } = useTranslation()
  const { user: me } = useSession()
  const list = useUsers()
  const sites = useApi('sites', fetchSites)
  const [creating, setCreating] = useState(false)
  const [notice, setNotice] = useState<Notice>()

  // The role changed since the page opened, or the api knows better than the header did.
  if (list.status === 'error' && list.failure && isForbidden(list.failure)) return <NotAllowed failure={list.failure} />
  return (
    <div className="page users-page" data-testid="users-page">
      <AdminHead
        title={t('users.title')}
        count={list.status === 'ok' ? t('users.count', { count: list.items.length }) : undefined}
      >
        <OpenFormButton
          testId="user-create"
          open={creating}
          onClick={() => {
            setNotice(undefined)
            setCreating((value) => !value)
          }}
        >
          {t('users.new')}
        </OpenFormButton>
      </AdminHead>
      <AdminNotice notice={notice} testId="users-notice" />
      {creating && (
        <AdminFormPanel titleId="users-create-title" title={t('users.new')}>
          <UserForm
            mode="create"
            sites={sites.data}
            onDone={(user) => {
              list.put(user)
              setCreating(false)
              setNotice({ key: 'users.notices.created', values: { name: user.displayName, username: user.username } })
            }}
            onCancel={() => setCreating(false)}
          />
        </AdminFormPanel>
      )}
      {list.status === 'error' && list.failure && (
        <LoadFailed failure={list.failure} testId="users-error" onRetry={list.reload} />
      )}
      {list.status === 'loading' && list.items.length === 0 ? (
        <Loading text={t('users.loading')} />
      ) : (
        list.items.length > 0 && (
          <div className="panel admin-table__frame">
            <UserTable
              users={list.items}
              sites={sites.data}
              selfId={me?.id}
              onChanged={(user, what) => {
                list.put(user)
                setNotice({ key: `users.notices.${what}`, values: { name: user.displayName } })
              }}
              onPasswordSet={(user) =>
                setNotice({ key: 'users.notices.passwordSet', values: { name: user.displayName } })
              }
            />
          </div>
        )
      )}
    </div>
  )
}
