import { type DeviceView, hasEvents } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router'
import { ApiError, type Failure, failureOf, fetchDevice, isForbidden } from '../api.ts'
import { DeviceAlarms } from '../components/alarms/DeviceAlarms.tsx'
import { DeviceHeader } from '../components/device/DeviceHeader.tsx'
import { DeviceInfo } from '../components/device/DeviceInfo.tsx'
import { HistoryPanel } from '../components/device/HistoryPanel.tsx'
import { ValueTable } from '../components/device/ValueTable.tsx'
import { EventList } from '../components/device-events/EventList.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import { deviceLocation } from '../devices/grouping.ts'
import { localName } from '../i18n/format.ts'
import { useLanguage } from '../i18n/i18n.ts'
import { useDevice, useSnapshotReady } from '../live/store.ts'
import { useSite } from '../site/SiteContext.ts'
import { useApi } from '../useApi.ts'
import './DevicePage.css'

interface DevicePageProps {
  /** Fixed chart size for tests; the page itself lets the chart fill its panel. */
  chartSize?: { width: number; height: number }
}

/**
 * The live store has the device once the snapshot arrived. Before that (or if the socket cannot connect) the REST
 * copy is shown, so a technician opening a link from a message sees the device at once. A device outside the
 * user's scope is neither in the snapshot nor given by the api, which says why (`refused`).
 */
function useDeviceWithFallback(deviceId: string): {
  device: DeviceView | undefined
  missing: boolean
  refused: Failure | undefined
} {
  const live = useDevice(deviceId)
  const ready = useSnapshotReady()
  const rest = useApi(live ? null : `device|${deviceId}`, (signal) => fetchDevice(deviceId, signal))
  const device = live ?? rest.data
  const failure = rest.status === 'error' && rest.error instanceof ApiError ? failureOf(rest.error) : undefined
  const refused = !device && failure && isForbidden(failure) ? failure : undefined
  const notFound = failure?.status === 404
  return { device, missing: !device && (notFound || (ready && rest.status === 'error')), refused }
}

export function DevicePage({ chartSize }: DevicePageProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const { deviceId = '' } = useParams()
  const { site } = useSite()
  const { device, missing, refused } = useDeviceWithFallback(deviceId)

  if (refused) return <NotAllowed failure={refused} />
  if (!device) {
    return (
      <div className="page">
        <div className="empty-state" role="status">
          {missing ? (
            <>
              <h1>{t('device.notFound')}</h1>
              <p>{t('device.notFoundBody', { id: deviceId })}</p>
              <Link to="/" className="button">
                {t('device.back')}
              </Link>
            </>
          ) : (
            <>
              <span className="spinner" aria-hidden="true" />
              <p>{t('device.loading')}</p>
            </>
          )}
        </div>
      </div>
    )
  }

  const { room, building } = deviceLocation(device, site)
  const place = room ?? building
  return (
    <div className="page device-page">
      <title>{`${localName(device, language)} · ${t('app.name')}`}</title>
      <nav className="breadcrumb" aria-label="breadcrumb">
        <Link to="/">
          <span aria-hidden="true">←</span>
          {t('device.overview')}
        </Link>
        {place && (
          <>
            <span aria-hidden="true">/</span>
            <span>{localName(place, language)}</span>
          </>
        )}
        <span aria-hidden="true">/</span>
        <span aria-current="page">{localName(device, language)}</span>
      </nav>
      <DeviceHeader device={device} />
      <DeviceAlarms deviceId={device.id} />
      <div className="device-page__grid">
        <section className="panel device-page__values" aria-labelledby="values-title">
          <h2 id="values-title" className="panel__title">
            {t('device.values')}
          </h2>
          <ValueTable device={device} />
        </section>
        <div className="device-page__side">
          <section className="panel" aria-labelledby="history-title">
            <h2 id="history-title" className="panel__title">
              {t('history.title')}
            </h2>
            <HistoryPanel key={device.id} device={device} chartSize={chartSize} />
          </section>
          {hasEvents(device.kind) && (
            <section className="panel" aria-labelledby="events-title">
              <h2 id="events-title" className="panel__title panel__title--spaced">
                {t('events.title')}
              </h2>
              <EventList deviceId={device.id} kind={device.kind} />
            </section>
          )}
        </div>
        <section className="panel device-page__info" aria-labelledby="info-title">
          <h2 id="info-title" className="panel__title">
            {t('device.info')}
          </h2>
          <DeviceInfo device={device} />
        </section>
      </div>
    </div>
  )
}
