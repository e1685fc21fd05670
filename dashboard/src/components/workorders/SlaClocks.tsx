import type { WorkOrderView } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { formatDuration, formatElapsed, formatTime } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { clocksAsOf } from '../../workorders/sla-display.ts'
import { SlaCountdown } from './SlaCountdown.tsx'

/**
 * The three clocks of a work order (受理, 到场, 完成): each with its target, when it is due, and whether it was met,
 * breached or is paused; a running one counts down.
 */
export function SlaClocks({ order, receivedAt }: { order: WorkOrderView; receivedAt: number }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const asOf = clocksAsOf(order, receivedAt)
  const when = (ts: number) => formatTime(ts, language, 'dateTime')
  return (
    <section className="panel wo-section" aria-labelledby="wo-clocks-title" data-testid="wo-clocks">
      <h2 className="panel__title" id="wo-clocks-title">
        {t('workOrders.detail.clocks')}
      </h2>
      <table className="report-table wo-clocks wo-stack">
        <thead>
          <tr>
            <th scope="col">{t('workOrders.detail.clock')}</th>
            <th scope="col">{t('workOrders.detail.target')}</th>
            <th scope="col">{t('workOrders.detail.due')}</th>
            <th scope="col">{t('workOrders.detail.status')}</th>
          </tr>
        </thead>
        <tbody>
          {order.clocks.map((clock) => (
            <tr key={clock.clock} data-testid="wo-clock" data-clock={clock.clock}>
              <th scope="row">{t(`workOrders.clocks.${clock.clock}`)}</th>
              <td>{formatDuration(clock.targetMin * 60_000, t)}</td>
              <td>
                {when(clock.dueAt)}
                {clock.pausedMs > 0 && (
                  <span className="wo-clocks__paused">
                    {t('workOrders.detail.pausedFor', { time: formatElapsed(clock.pausedMs, language, t) })}
                  </span>
                )}
              </td>
              <td>
                <SlaCountdown clock={clock} asOf={asOf} testId="wo-clock-status" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
