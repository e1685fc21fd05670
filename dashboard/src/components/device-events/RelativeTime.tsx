import { formatAgo, formatTime } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useNow } from '../../time/useNow.ts'

/** "12 秒前", refreshed every second, with the exact time on hover and for assistive technology. */
export function RelativeTime({ ts }: { ts: number }) {
  const language = useLanguage()
  const now = useNow()
  return (
    <time className="tabular" dateTime={new Date(ts).toISOString()} title={formatTime(ts, language, 'dateTime')}>
      {formatAgo(ts, Math.max(now, ts), language)}
    </time>
  )
}
