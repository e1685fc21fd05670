import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { fetchSites, isForbidden } from '../api.ts'
import { FormError, requestError } from '../components/forms/FormError.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import { UserForm } from '../components/users/UserForm.tsx'
import { UserTable } from '../components/users/UserTable.tsx'
import { useSession } from '../session/SessionContext.ts'
import { useApi } from '../useApi.ts'
import { useUsers } from '../users/useUsers.ts'
import '../components/forms/forms.css'
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
  // Kept as a key and its values, so that a change of language translates it too.
  const [notice, setNotice] = useState<{ key: string; values: Record<string, string> }>()

  // The role changed since the page opened, or the api knows better than the header did.
  if (list.status === 'error' && list.failure && isForbidden(list.failure)) return <NotAllowed failure={list.failure} />
  return (
    <div className="page users-page" data-testid="users-page">
      <title>{`${t('users.title')} · ${t('app.name')}`}</title>
      <div className="users-page__head">
        <div>
          <h1 className="users-page__title">{t('users.title')}</h1>
          {list.status === 'ok' && (
            <p className="users-page__count">{t('users.count', { count: list.users.length })}</p>
          )}
        </div>
        <button
          type="button"
          className="button button--primary"
          data-testid="user-create"
          aria-expanded={creating}
          onClick={() => {
            setNotice(undefined)
            setCreating((value) => !value)
          }}
        >
          {t('users.new')}
        </button>
      </div>
      {notice && (
        <p className="notice notice--ok" role="status" data-testid="users-notice">
          {t(notice.key, notice.values)}
        </p>
      )}
      {creating && (
        <section className="panel users-create" aria-labelledby="users-create-title">
          <h2 className="users-create__title" id="users-create-title">
            {t('users.new')}
          </h2>
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
        </section>
      )}
      {list.status === 'error' && list.failure && (
        <div className="users-page__failed">
          <FormError error={requestError(list.failure)} testId="users-error" />
          <button type="button" className="button" onClick={list.reload}>
            {t('auth.retry')}
          </button>
        </div>
      )}
      {list.status === 'loading' && list.users.length === 0 ? (
        <div className="empty-state" role="status">
          <span className="spinner" aria-hidden="true" />
          <p>{t('users.loading')}</p>
        </div>
      ) : (
        list.users.length > 0 && (
          <div className="panel users-list">
            <UserTable
              users={list.users}
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
