import type { SlaClockView } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { formatTime } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useNow } from '../../time/useNow.ts'
import { clockTone, formatCountdown, remainingMs } from '../../workorders/sla-display.ts'

/**
 * One SLA clock as a countdown that ticks every second: "到场剩余 0:12:03", amber once the supervisors were warned,
 * "到场超时 0:04:10" in red once breached; a paused clock says so and stands still. Each tone has its own mark, so
 * colour is never the only signal.
 */
export function SlaCountdown({
  clock,
  asOf,
  testId = 'wo-sla',
}: {
  clock: SlaClockView
  asOf: number
  testId?: string
}) {
  const { t } = useTranslation()
  const language = useLanguage()
  const now = useNow()
  const tone = clockTone(clock, now, asOf)
  const name = t(`workOrders.clocks.${clock.clock}`)
  const time = formatCountdown(remainingMs(clock, now, asOf), language, t)
  const text =
    tone === 'met' || tone === 'met-late'
      ? t(tone === 'met' ? 'workOrders.sla.met' : 'workOrders.sla.metLate', {
          clock: name,
          time: formatTime(clock.metAt ?? 0, language, 'dateTime'),
        })
      : t(tone === 'breached' ? 'workOrders.sla.overdue' : 'workOrders.sla.left', { clock: name, time })
  return (
    <span className="sla" data-testid={testId} data-tone={tone} data-clock={clock.clock} data-paused={clock.paused}>
      <span className="sla__mark" aria-hidden="true" />
      <span className="tabular">{text}</span>
      {clock.paused && <span className="sla__paused">{t('workOrders.sla.paused')}</span>}
    </span>
  )
}
