import { CREATE_WORK_ORDER_PERMISSIONS } from '@fm/protocol'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate, useSearchParams } from 'react-router'
import { Loading } from '../components/layout/Loading.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import { ReportFaultForm } from '../components/workorders/ReportFaultForm.tsx'
import { useRoster } from '../live/store.ts'
import { useSession } from '../session/SessionContext.ts'
import { useSite } from '../site/SiteContext.ts'
import { EMPTY_REPORT, type ReportDraft } from '../workorders/report-draft.ts'
import '../components/alarms/Alarms.css'
import '../components/forms/forms.css'
import '../components/workorders/WorkOrders.css'

/**
 * `/work-orders/new`: report a fault or a resident's request. `?deviceId=` starts with that device and its place (a
 * link from a device or an alarm). The customer desk (a supervisor) reports requests, everyone else what they found.
 */
export function WorkOrderNewPage() {
  const { t } = useTranslation()
  const { can } = useSession()
  const { site, status } = useSite()
  const roster = useRoster()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const deviceId = params.get('deviceId')
  const device = roster.find((candidate) => candidate.id === deviceId)
  const initial = useMemo<ReportDraft>(
    () => ({
      ...EMPTY_REPORT,
      origin: can('workorders.manage') ? 'request' : 'guard',
      buildingId: device?.buildingId ?? '',
      roomId: device?.roomId ?? '',
      deviceId: device?.id ?? '',
    }),
    [can, device],
  )
  if (!CREATE_WORK_ORDER_PERMISSIONS.some(can)) return <NotAllowed />
  const back = () => void navigate(-1)
  return (
    <div className="page wo-page wo-page--narrow" data-testid="wo-new-page">
      <title>{`${t('workOrders.report.title')} · ${t('app.name')}`}</title>
      <div className="alarm-report__head">
        <div>
          <h1 className="alarm-console__title">{t('workOrders.report.title')}</h1>
          <p className="alarm-report__lead">{t('workOrders.report.lead')}</p>
        </div>
      </div>
      {site ? (
        <ReportFaultForm
          key={`${site.id}|${initial.deviceId}`}
          site={site}
          initial={initial}
          onCreated={(order) => void navigate(`/work-orders/${order.id}`, { replace: true })}
          onCancel={back}
        />
      ) : status === 'error' ? (
        <p className="notice">{t('workOrders.noSite')}</p>
      ) : (
        <Loading text={t('workOrders.loading')} />
      )}
    </div>
  )
}
