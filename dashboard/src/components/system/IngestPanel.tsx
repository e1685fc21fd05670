import type { Health } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { fillTone } from '../../health/fill.ts'
import { formatAgo, formatBytes, formatElapsed, formatFill, formatNumber, formatRate } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { Figure, FigureList } from './Figures.tsx'
import { FillBar } from './FillBar.tsx'
import { HealthBadge } from './HealthBadge.tsx'

type Ingest = NonNullable<Health['ingest']>

/** What ingest said in its last status: how much it takes in, and whether the time series keeps up. */
export function IngestPanel({ ingest, serverNow }: { ingest: Ingest | undefined; serverNow: number }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const n = (value: number) => formatNumber(value, language, 0)

  if (!ingest) {
    return (
      <section className="panel system-panel" aria-labelledby="ingest-title">
        <h2 id="ingest-title" className="panel__title">
          {t('system.ingest.title')}
        </h2>
        <p className="system-panel__empty">{t('system.ingest.none')}</p>
      </section>
    )
  }

  const { timeseries: writes, spool } = ingest
  return (
    <section className="panel system-panel" aria-labelledby="ingest-title">
      <h2 id="ingest-title" className="panel__title">
        {t('system.ingest.title')}
      </h2>
      <FigureList>
        <Figure label={t('system.ingest.rate')}>
          {t('system.perSec', { n: formatRate(ingest.ratePerSec, language) })}
        </Figure>
        <Figure label={t('system.ingest.accepted')} hint={t('system.ingest.sinceStart')}>
          {n(ingest.accepted)}
        </Figure>
        <Figure label={t('system.ingest.rejected')} tone={ingest.rejected === 0 ? 'muted' : undefined}>
          {n(ingest.rejected)}
        </Figure>
        {writes && (
          <>
            <Figure
              label={t('system.ingest.timeseries')}
              hint={writes.detail ? <span lang="en">{writes.detail}</span> : undefined}
            >
              <span className="figure__with-badge">
                {t(`system.ingest.backends.${writes.name}`, { defaultValue: writes.name })}
                <HealthBadge status={writes.status} />
              </span>
            </Figure>
            <Figure label={t('system.ingest.writeLag')}>{formatElapsed(writes.writeLagMs, language, t)}</Figure>
            <Figure label={t('system.ingest.pending')} tone={writes.pendingPoints === 0 ? 'muted' : undefined}>
              {n(writes.pendingPoints)}
            </Figure>
          </>
        )}
        {spool && (
          <>
            <Figure label={t('system.ingest.spoolDepth')} tone={spool.depth === 0 ? 'muted' : undefined}>
              {n(spool.depth)}
            </Figure>
            <Figure
              label={t('system.ingest.spoolFill')}
              tone={fillTone(spool.bytes, spool.limitBytes)}
              hint={
                <>
                  {`${formatBytes(spool.bytes, language)} / ${formatBytes(spool.limitBytes, language)}`}
                  {spool.oldestTs !== undefined &&
                    ` · ${t('system.ingest.spoolOldest', { ago: formatAgo(spool.oldestTs, serverNow, language) })}`}
                  {spool.detail && <span lang="en"> · {spool.detail}</span>}
                </>
              }
            >
              {formatFill(spool.bytes, spool.limitBytes, language)}
              <FillBar value={spool.bytes} limit={spool.limitBytes} />
            </Figure>
          </>
        )}
      </FigureList>
    </section>
  )
}
