import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router'
import { useLanguage } from '../../i18n/i18n.ts'
import { monthBounds, monthKeyOf, parseMonth, shiftMonth } from '../../workorders/pm-calendar.ts'

/** The month a page shows, from `?month=YYYY-MM`; this month when absent or not a month. */
export function useMonthParam(): [string, (month: string) => void] {
  const [params, setParams] = useSearchParams()
  const month = parseMonth(params.get('month')) ?? monthKeyOf(Date.now())
  const go = (next: string) =>
    setParams(
      (previous) => {
        const updated = new URLSearchParams(previous)
        updated.set('month', next)
        return updated
      },
      { replace: true },
    )
  return [month, go]
}

/** Previous, this and next month, with the month shown between them ("2026年5月"). */
export function MonthNav({ month, onChange }: { month: string; onChange: (month: string) => void }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const label = new Intl.DateTimeFormat(language, { year: 'numeric', month: 'long' }).format(monthBounds(month).start)
  return (
    <div className="month-nav">
      <button type="button" className="button" data-testid="month-prev" onClick={() => onChange(shiftMonth(month, -1))}>
        <span aria-hidden="true">‹</span> {t('maintenance.month.previous')}
      </button>
      <h2 className="month-nav__label" data-testid="month-label" data-month={month} aria-live="polite">
        {label}
      </h2>
      <button type="button" className="button" data-testid="month-next" onClick={() => onChange(shiftMonth(month, 1))}>
        {t('maintenance.month.next')} <span aria-hidden="true">›</span>
      </button>
      <button
        type="button"
        className="button"
        data-testid="month-this"
        onClick={() => onChange(monthKeyOf(Date.now()))}
      >
        {t('maintenance.month.thisMonth')}
      </button>
    </div>
  )
}
