import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'

export function NotFoundPage() {
  const { t } = useTranslation()
  return (
    <div className="page">
      <title>{`${t('notFound.title')} · ${t('app.name')}`}</title>
      <div className="empty-state">
        <span className="empty-state__code" aria-hidden="true">
          404
        </span>
        <h1>{t('notFound.title')}</h1>
        <p>{t('notFound.body')}</p>
        <Link to="/" className="button">
          {t('notFound.home')}
        </Link>
      </div>
    </div>
  )
}
