import { formatTime } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useNow } from '../../time/useNow.ts'

export function Clock() {
  const language = useLanguage()
  const now = useNow()
  return (
    <time className="clock" dateTime={new Date(now).toISOString()}>
      <span className="clock__time tabular">{formatTime(now, language, 'seconds')}</span>
      <span className="clock__date">{formatTime(now, language, 'day')}</span>
    </time>
  )
}
