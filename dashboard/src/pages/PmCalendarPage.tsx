import type { Site } from '@fm/protocol'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { ApiError, failureOf, isForbidden } from '../api.ts'
import { FormError, requestError } from '../components/forms/FormError.tsx'
import { Loading } from '../components/layout/Loading.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import { MaintenanceFrame } from '../components/workorders/MaintenanceFrame.tsx'
import { formatTime, localName } from '../i18n/format.ts'
import { type Language, useLanguage } from '../i18n/i18n.ts'
import { useRoster } from '../live/store.ts'
import { useApi } from '../useApi.ts'
import {
  dayKeyOf,
  duesByDay,
  monthBounds,
  monthWeeks,
  overdueDues,
  type PmDue,
  pmDues,
} from '../workorders/pm-calendar.ts'
import { fetchPmPlans } from '../workorders/work-order-api.ts'
import '../components/alarms/Alarms.css'
import '../components/workorders/WorkOrders.css'

/** Monday first, as a Chinese wall calendar. */
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const

function useDeviceName() {
  const language = useLanguage()
  const roster = useRoster()
  return (deviceId: string) => {
    const device = roster.find((candidate) => candidate.id === deviceId)
    return device ? localName(device, language) : deviceId
  }
}

/** One due: the plan, the device, 法定 when mandatory; to its work order when one is open. */
function Due({ due, language }: { due: PmDue; language: Language }) {
  const { t } = useTranslation()
  const deviceName = useDeviceName()
  const body = (
    <>
      {due.plan.mandatory && <span className="pm-due__mandatory">{t('maintenance.pm.mandatory')}</span>}
      <span className="pm-due__title">{due.plan.title[language]}</span>
      <span className="pm-due__device">{deviceName(due.schedule.deviceId)}</span>
      {due.overdue && <span className="pm-due__overdue">{t('maintenance.pm.overdue')}</span>}
      {due.projected && <span className="pm-due__projected">{t('maintenance.pm.projected')}</span>}
    </>
  )
  const attributes = {
    className: 'pm-due',
    'data-testid': 'pm-due',
    'data-plan-id': due.plan.id,
    'data-device-id': due.schedule.deviceId,
    'data-mandatory': due.plan.mandatory,
    'data-overdue': due.overdue,
    'data-projected': due.projected,
    title: [due.plan.basis, formatTime(due.at, language, 'dateTime')].filter(Boolean).join(' · '),
  }
  const workOrderId = due.projected ? undefined : due.schedule.openWorkOrderId
  return workOrderId === undefined ? (
    <span {...attributes}>{body}</span>
  ) : (
    <Link to={`/work-orders/${workOrderId}`} {...attributes} data-work-order-id={workOrderId}>
      {body}
    </Link>
  )
}

function Calendar({ site, month }: { site: Site; month: string }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const [now] = useState(() => Date.now())
  const plans = useApi(`pm|${site.id}`, (signal) => fetchPmPlans(site.id, signal))
  const { start, end } = monthBounds(month)
  const weeks = useMemo(() => monthWeeks(month), [month])
  const days = useMemo(
    () => duesByDay(pmDues(plans.data?.items ?? [], plans.data?.schedules ?? [], start, end, now)),
    [plans.data, start, end, now],
  )
  const overdue = useMemo(
    () => overdueDues(plans.data?.items ?? [], plans.data?.schedules ?? [], now),
    [plans.data, now],
  )
  const failure = plans.status === 'error' && plans.error instanceof ApiError ? failureOf(plans.error) : undefined
  if (failure && isForbidden(failure)) return <NotAllowed failure={failure} />
  if (plans.status === 'error') return <FormError error={requestError(failureOf(plans.error))} testId="pm-error" />
  if (plans.status === 'loading') return <Loading text={t('maintenance.pm.loading')} />
  const today = dayKeyOf(now)
  return (
    <>
      {overdue.length > 0 && (
        <section className="panel wo-section pm-overdue" data-testid="pm-overdue" aria-labelledby="pm-overdue-title">
          <h2 className="panel__title" id="pm-overdue-title">
            {t('maintenance.pm.overdueTitle', { count: overdue.length })}
          </h2>
          <ul className="pm-overdue__list">
            {overdue.map((due) => (
              <li key={`${due.plan.id}|${due.schedule.deviceId}`}>
                <span className="tabular">{formatTime(due.at, language, 'dateTime')}</span>{' '}
                <Due due={due} language={language} />
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="pm-month" data-testid="pm-month" data-month={month}>
        {WEEKDAYS.map((day) => (
          <span key={day} className="pm-month__weekday" aria-hidden="true">
            {t(`maintenance.pm.weekdays.${day}`)}
          </span>
        ))}
        {weeks.flat().map((day, index) => {
          if (day === null) {
            // biome-ignore lint/suspicious/noArrayIndexKey: blank cells have no identity but their place
            return <span key={`blank-${index}`} className="pm-day pm-day--blank" aria-hidden="true" />
          }
          const dues = days.get(day) ?? []
          return (
            <section
              key={day}
              className="pm-day"
              data-testid="pm-day"
              data-day={day}
              data-empty={dues.length === 0}
              data-today={day === today || undefined}
              aria-label={formatTime(new Date(`${day}T00:00`).getTime(), language, 'day')}
            >
              <h3 className="pm-day__date">
                <span className="pm-day__number">{Number(day.slice(8))}</span>
                <span className="pm-day__full">{formatTime(new Date(`${day}T00:00`).getTime(), language, 'day')}</span>
              </h3>
              {dues.length > 0 && (
                <ul className="pm-day__dues">
                  {dues.map((due) => (
                    <li key={`${due.plan.id}|${due.schedule.deviceId}|${due.at}`}>
                      <Due due={due} language={language} />
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )
        })}
      </div>
      {days.size === 0 && (
        <p className="wo-page__empty" data-testid="pm-empty">
          {t('maintenance.pm.empty')}
        </p>
      )}
    </>
  )
}

/**
 * `/maintenance/pm`: the preventive-maintenance calendar. A month of due dates from the plans' schedules (a list of
 * the days with dues on a phone), mandatory (法定) plans marked, overdue ones in red and listed on top; a due with
 * an open work order leads to it. `?month=YYYY-MM`.
 */
export function PmCalendarPage() {
  return (
    <MaintenanceFrame
      testId="pm-page"
      title="maintenance.pm.title"
      lead="maintenance.pm.lead"
      loading="maintenance.pm.loading"
    >
      {(site, month) => <Calendar key={site.id} site={site} month={month} />}
    </MaintenanceFrame>
  )
}
