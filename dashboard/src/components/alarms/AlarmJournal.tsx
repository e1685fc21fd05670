import type { AlarmJournalEntry, AlarmView } from '@fm/protocol'
import type { TFunction } from 'i18next'
import { useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { type AlarmJournalPage, fetchAlarmJournal } from '../../alarms/alarm-api.ts'
import { formatTime } from '../../i18n/format.ts'
import { type Language, useLanguage } from '../../i18n/i18n.ts'
import { useApi } from '../../useApi.ts'

/** What an entry's detail says that a reader needs: why, until when, which fire step, a note. */
function detailText(entry: AlarmJournalEntry, t: TFunction, language: Language): string {
  const detail = entry.detail ?? {}
  const parts: string[] = []
  if (typeof detail.step === 'string')
    parts.push(t(`alarms.fireSteps.${detail.step}.label`, { defaultValue: detail.step }))
  if (typeof detail.until === 'number')
    parts.push(t('alarms.journal.until', { time: formatTime(detail.until, language, 'dateTime') }))
  for (const key of ['reason', 'comment', 'note'] as const) {
    const text = detail[key]
    if (typeof text === 'string' && text) parts.push(text)
  }
  return parts.join(' · ')
}

/**
 * Every transition of the alarm, newest first, with who and when (GET /api/alarms/:id/journal): read again whenever
 * the alarm changes.
 */
export function AlarmJournal({ alarm }: { alarm: AlarmView }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const journal = useApi(`journal|${alarm.id}|${alarm.updatedAt}`, (signal) => fetchAlarmJournal(alarm.id, signal))
  // The journal is read again at every change of the alarm: meanwhile the last page stays, rather than flicker.
  const last = useRef<AlarmJournalPage>(undefined)
  if (journal.data) last.current = journal.data
  const page = journal.data ?? last.current
  if (journal.status === 'error') return <p className="alarm-journal__message">{t('alarms.journal.error')}</p>
  if (!page) return <p className="alarm-journal__message">{t('alarms.journal.loading')}</p>
  return (
    <ol className="alarm-journal" data-testid="alarm-journal">
      {page.entries.map((entry) => {
        const detail = detailText(entry, t, language)
        return (
          <li key={entry.id} data-testid="alarm-journal-entry" data-transition={entry.transition}>
            <time className="tabular" dateTime={new Date(entry.ts).toISOString()}>
              {formatTime(entry.ts, language, 'stamp')}
            </time>
            <span className="alarm-journal__what">{t(`alarms.transitions.${entry.transition}`)}</span>
            <span className="alarm-journal__who">{entry.userName ?? t('alarms.journal.platform')}</span>
            {detail && <span className="alarm-journal__detail">{detail}</span>}
          </li>
        )
      })}
    </ol>
  )
}
