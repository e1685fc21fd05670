import type { WorkOrderState, WorkOrderView } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { formatElapsed, formatTime } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useNow } from '../../time/useNow.ts'

/** 待派单, 处理中…: the state in words, on a tint of its stage. */
export function StateBadge({ state }: { state: WorkOrderState }) {
  const { t } = useTranslation()
  return (
    <span className="wo-state" data-state={state} data-testid="wo-state">
      {t(`workOrders.states.${state}`)}
    </span>
  )
}

/** How long ago the work order was reported, ticking. */
export function Age({ since }: { since: number }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const now = useNow()
  return (
    <time
      className="tabular"
      data-testid="wo-age"
      dateTime={new Date(since).toISOString()}
      title={formatTime(since, language, 'stamp')}
    >
      {t('workOrders.age', { time: formatElapsed(now - since, language, t) })}
    </time>
  )
}

/** "等配件，自 05-14 09:30": why the work order waits, and since when. */
export function holdText(
  hold: NonNullable<WorkOrderView['hold']>,
  t: ReturnType<typeof useTranslation>['t'],
  language: ReturnType<typeof useLanguage>,
): string {
  return t('workOrders.hold.since', {
    reason: t(`workOrders.holdReasons.${hold.reason}`),
    time: formatTime(hold.since, language, 'dateTime'),
  })
}
