import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { deviceStatus } from '../../devices/status.ts'
import { formatNumber } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useDevices } from '../../live/store.ts'
import { useNow } from '../../time/useNow.ts'
import './SummaryTiles.css'
import { useVehiclesToday } from './useVehiclesToday.ts'

type Tone = 'ok' | 'attention' | 'fault' | 'offline' | 'neutral'

function Tile({
  id,
  label,
  tone,
  value,
  hint,
}: {
  id: string
  label: string
  tone: Tone
  value: ReactNode
  hint?: ReactNode
}) {
  return (
    <div className="tile" data-testid="summary-tile" data-tile={id} data-tone={tone}>
      <span className="tile__label">{label}</span>
      <span className="tile__value tabular">{value}</span>
      {hint && <span className="tile__hint">{hint}</span>}
    </div>
  )
}

/** The four numbers a guard checks first. Counts come from the same status function as the cards. */
export function SummaryTiles() {
  const { t } = useTranslation()
  const language = useLanguage()
  const devices = useDevices()
  const now = useNow()
  const n = (value: number) => formatNumber(value, language, 0)

  let online = 0
  let faults = 0
  let attentions = 0
  for (const device of devices) {
    if (device.online) online += 1
    const { level } = deviceStatus(device)
    if (level === 'fault') faults += 1
    else if (level === 'attention') attentions += 1
  }
  const offline = devices.length - online
  const gates = devices.filter((d) => d.kind === 'gate')
  const vehicles = useVehiclesToday(gates, now)

  return (
    <section className="tiles" aria-label={t('app.name')}>
      <Tile
        id="online"
        label={t('summary.online')}
        tone={offline > 0 ? 'neutral' : 'ok'}
        value={
          <>
            {n(online)}
            <span className="tile__of"> / {n(devices.length)}</span>
          </>
        }
      />
      <Tile
        id="attention"
        label={t('summary.attention')}
        tone={faults > 0 ? 'fault' : attentions > 0 ? 'attention' : 'ok'}
        value={n(faults + attentions)}
        hint={
          faults + attentions === 0
            ? t('summary.allNormal')
            : [
                faults > 0 && `${t('status.fault')} ${n(faults)}`,
                attentions > 0 && `${t('status.attention')} ${n(attentions)}`,
              ]
                .filter(Boolean)
                .join(' · ')
        }
      />
      <Tile
        id="offline"
        label={t('summary.offline')}
        tone={offline > 0 ? 'offline' : 'ok'}
        value={n(offline)}
        hint={t('summary.offlineHint')}
      />
      {gates.length > 0 && (
        <Tile
          id="vehicles"
          label={t('summary.vehicles')}
          tone="neutral"
          value={
            vehicles ? (
              <span className="tile__pair">
                <span>
                  <small>{t('summary.vehiclesIn')}</small> {n(vehicles.in)}
                </span>
                <span>
                  <small>{t('summary.vehiclesOut')}</small> {n(vehicles.out)}
                </span>
              </span>
            ) : (
              t('device.noValue')
            )
          }
        />
      )}
    </section>
  )
}
