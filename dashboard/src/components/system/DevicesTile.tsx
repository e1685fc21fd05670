import type { Health } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { formatNumber } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import '../overview/SummaryTiles.css'

/** Devices online out of those registered, as the api counts them: the overview's tile, seen by the server. */
export function DevicesTile({ devices }: { devices: Health['devices'] }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const n = (value: number) => formatNumber(value, language, 0)
  const tone = devices.total > 0 && devices.online === devices.total ? 'ok' : 'neutral'
  return (
    <div className="tile" data-tile="devices" data-tone={tone}>
      <span className="tile__label">{t('system.devices.title')}</span>
      <span className="tile__value tabular">
        {n(devices.online)}
        <span className="tile__of"> / {n(devices.total)}</span>
      </span>
    </div>
  )
}
