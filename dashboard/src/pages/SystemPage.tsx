import { useTranslation } from 'react-i18next'
import { ApiPanel } from '../components/system/ApiPanel.tsx'
import { BrokerPanel } from '../components/system/BrokerPanel.tsx'
import { DevicesTile } from '../components/system/DevicesTile.tsx'
import { IngestPanel } from '../components/system/IngestPanel.tsx'
import { PartCards } from '../components/system/PartCards.tsx'
import { SystemHeadline } from '../components/system/SystemHeadline.tsx'
import { useHealth } from '../health/useHealth.ts'
import { useNow } from '../time/useNow.ts'
import '../components/system/System.css'

/**
 * `/system`: whether the monitoring itself works, from `/api/health`, polled while the page is visible. For roles
 * with `system.read` (admins and supervisors): the route and the header link are; the api answers everyone else
 * only `{status, version}`.
 */
export function SystemPage() {
  const { t } = useTranslation()
  const poll = useHealth()
  const now = useNow()
  // Ages of what the services published are measured on the server's clock (`health/freshness.ts`).
  const serverNow = now + poll.clockOffsetMs
  const { health, receivedAt = now, failure } = poll

  return (
    <div className="page system-page" data-testid="system-page">
      <title>{`${t('system.title')} · ${t('app.name')}`}</title>
      <h1 className="system-page__title">{t('system.title')}</h1>
      <SystemHeadline poll={poll} now={now} />
      {health && (
        // After a failed poll the last report stays, dimmed, under a headline that says the api does not answer.
        <div className="system-page__report" data-dimmed={failure ? 'true' : undefined}>
          <PartCards parts={health.parts} />
          <div className="system-grid">
            <div className="system-grid__devices">
              <DevicesTile devices={health.devices} />
            </div>
            <div className="system-grid__ingest">
              <IngestPanel ingest={health.ingest} serverNow={serverNow} />
            </div>
            <div className="system-grid__broker">
              <BrokerPanel broker={health.broker} serverNow={serverNow} />
            </div>
            <div className="system-grid__api">
              <ApiPanel
                version={health.version}
                uptimeSec={health.uptimeSec}
                sinceAnswerMs={failure ? 0 : now - receivedAt}
              />
            </div>
          </div>
        </div>
      )}
    </div>
  )
}
