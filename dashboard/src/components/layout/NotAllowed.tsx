import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import type { Failure } from '../../api.ts'
import { useSession } from '../../session/SessionContext.ts'

/**
 * A page, or the answer a page needed, that the user may not see: said plainly, with their role or their scope as
 * the reason, and the way home. Never the api's raw refusal. `failure` is the api's 403 when there was one; without
 * it the reason is the role.
 */
export function NotAllowed({ failure }: { failure?: Failure | undefined }) {
  const { t } = useTranslation()
  const { user } = useSession()
  const reason = failure?.code === 'FM_ERR_SCOPE_FORBIDDEN' ? 'scope' : 'role'
  const role = user ? t(`roles.${user.role}`) : ''
  return (
    <div className="page">
      <title>{`${t('auth.forbiddenTitle')} · ${t('app.name')}`}</title>
      <div className="empty-state" data-testid="forbidden" data-reason={reason}>
        <span className="empty-state__code" aria-hidden="true">
          403
        </span>
        <h1>{t('auth.forbiddenTitle')}</h1>
        <p>{reason === 'scope' ? t('auth.scopeForbiddenBody') : t('auth.forbiddenBody', { role })}</p>
        <Link to="/" className="button">
          {t('notFound.home')}
        </Link>
      </div>
    </div>
  )
}
