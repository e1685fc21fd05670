import { type AlarmView, alarmRule, type DeviceView } from '@fm/protocol'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ruleField } from '../../alarms/rules.ts'
import { fetchHistory } from '../../api.ts'
import { mergeReadings } from '../../charts/buckets.ts'
import { chartMessage } from '../../charts/chart-message.ts'
import { HistoryChart, toChartPoints } from '../../charts/HistoryChart.tsx'
import { fieldSpec } from '../../devices/fields.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useApi } from '../../useApi.ts'
import { useLivePoints } from '../device/useLivePoints.ts'

/** The last hour: enough to see whether a value is still moving, the first thing a guard checks. */
export const TREND_WINDOW_MS = 60 * 60 * 1000
/** One point per half minute of the hour. */
const TREND_POINTS = 120

/** The last hour of the rule's field on the device, with the live readings since; nothing for a comms loss. */
export function AlarmTrend({
  alarm,
  device,
  size,
}: {
  /** The alarm, or what a work order knows of the one that opened it: its rule. */
  alarm: Pick<AlarmView, 'ruleId'>
  device: DeviceView
  size?: { width: number; height: number }
}) {
  const { t } = useTranslation()
  const language = useLanguage()
  const field = ruleField(alarmRule(alarm.ruleId))
  const spec = field ? fieldSpec(device.kind, field) : undefined
  const [to] = useState(() => Date.now())
  const from = to - TREND_WINDOW_MS
  const history = useApi(spec ? `trend|${device.id}|${spec.key}|${to}` : null, (signal) =>
    fetchHistory(device.id, { from, to, fields: [spec?.key ?? ''], maxPoints: TREND_POINTS }, signal),
  )
  const readings = useLivePoints(device, spec, to)
  const stored = history.data?.series.find((series) => series.field === spec?.key)?.points
  const points = useMemo(
    () => toChartPoints(mergeReadings(stored ?? [], readings, history.data?.stepMs ?? 0)),
    [stored, readings, history.data?.stepMs],
  )
  if (!spec) return null
  const end = Math.max(to, readings.at(-1)?.ts ?? 0)
  const message = chartMessage(history, points.length > 0, t)
  return (
    <section aria-label={t('alarms.detail.trend')}>
      <h3 className="alarm-detail__heading">
        {t('alarms.detail.trend')} · {t(`fields.${device.kind}.${spec.key}`)}
      </h3>
      <div className="alarm-trend" data-testid="alarm-trend" data-field={spec.key} data-status={history.status}>
        {message ? (
          <p className="alarm-trend__message">{message}</p>
        ) : (
          <HistoryChart
            data={points}
            field={spec}
            from={end - TREND_WINDOW_MS}
            to={end}
            language={language}
            size={size}
          />
        )}
      </div>
    </section>
  )
}
