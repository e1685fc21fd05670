import { useTranslation } from 'react-i18next'
import { formatElapsed } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { Figure, FigureList } from './Figures.tsx'

/** The api that answered: which version, and how long it has run (counted on from its answer, so it ticks). */
export function ApiPanel({
  version,
  uptimeSec,
  sinceAnswerMs,
}: {
  version: string
  uptimeSec: number
  sinceAnswerMs: number
}) {
  const { t } = useTranslation()
  const language = useLanguage()
  return (
    <section className="panel system-panel" aria-labelledby="api-title">
      <h2 id="api-title" className="panel__title">
        {t('system.api.title')}
      </h2>
      <FigureList>
        <Figure label={t('system.api.version')}>
          <code className="system-panel__code">{version}</code>
        </Figure>
        <Figure label={t('system.api.uptime')}>{formatElapsed(uptimeSec * 1000 + sinceAnswerMs, language, t)}</Figure>
      </FigureList>
    </section>
  )
}
