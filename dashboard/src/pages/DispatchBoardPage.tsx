import { ALARM_PRIORITIES, isOpenWorkOrder, type Site, WORK_ORDER_CATEGORIES } from '@fm/protocol'
import { useId, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router'
import { isForbidden } from '../api.ts'
import { Field } from '../components/forms/Field.tsx'
import { FormError, requestError } from '../components/forms/FormError.tsx'
import { Select } from '../components/forms/Select.tsx'
import { Loading } from '../components/layout/Loading.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import { ActionButtons } from '../components/workorders/ActionButtons.tsx'
import { useWorkOrderActions } from '../components/workorders/useWorkOrderActions.tsx'
import { WorkOrderCard } from '../components/workorders/WorkOrderCard.tsx'
import { localName } from '../i18n/format.ts'
import { useLanguage } from '../i18n/i18n.ts'
import { useSite } from '../site/SiteContext.ts'
import { CARD_ACTIONS } from '../workorders/actions.ts'
import { type BoardFilters, boardColumns, readBoardFilters, withBoardFilter } from '../workorders/board.ts'
import { useWorkOrderList } from '../workorders/useWorkOrderList.ts'
import '../components/alarms/Alarms.css'
import '../components/workorders/WorkOrders.css'

/** Priority, category and building, each kept in the address. */
function BoardFilterBar({ filters, site }: { filters: BoardFilters; site: Site }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const [, setParams] = useSearchParams()
  const id = useId()
  const choices: Record<keyof BoardFilters, { value: string; label: string }[]> = {
    priority: ALARM_PRIORITIES.map((value) => ({ value, label: `${value} ${t(`alarms.priorities.${value}`)}` })),
    category: WORK_ORDER_CATEGORIES.map((value) => ({ value, label: t(`workOrders.categories.${value}`) })),
    building: site.buildings.map((building) => ({ value: building.id, label: localName(building, language) })),
  }
  return (
    <div className="wo-filters" data-testid="wo-filters">
      {(Object.keys(choices) as (keyof BoardFilters)[]).map((key) => (
        <Field key={key} htmlFor={`${id}-${key}`} label={t(`workOrders.fields.${key}`)} minor>
          <Select
            id={`${id}-${key}`}
            testId={`wo-filter-${key}`}
            value={filters[key] ?? ''}
            onChange={(value) => setParams((previous) => withBoardFilter(previous, key, value), { replace: true })}
            none={t('workOrders.filters.any')}
            options={choices[key]}
          />
        </Field>
      ))}
    </div>
  )
}

function Board({ site }: { site: Site }) {
  const { t } = useTranslation()
  const [params] = useSearchParams()
  const filters = useMemo(() => readBoardFilters(params), [params])
  const list = useWorkOrderList(
    { siteId: site.id, open: true },
    (order) => order.siteId === site.id && isOpenWorkOrder(order.state),
  )
  const columns = useMemo(() => boardColumns(list.orders, filters), [list.orders, filters])
  const actions = useWorkOrderActions(list.put)
  if (list.failure && isForbidden(list.failure)) return <NotAllowed failure={list.failure} />
  const shown = columns.reduce((sum, column) => sum + column.orders.length, 0)
  return (
    <>
      <BoardFilterBar filters={filters} site={site} />
      {list.status === 'error' && list.failure && (
        <FormError error={requestError(list.failure)} testId="wo-board-error" />
      )}
      {actions.error}
      {list.status === 'loading' && list.orders.length === 0 ? (
        <Loading text={t('workOrders.loading')} />
      ) : (
        <>
          <p className="wo-page__counts" data-testid="wo-board-counts" data-count={shown}>
            {t('workOrders.board.counts', { count: shown, total: list.orders.length })}
          </p>
          <div className="wo-board" data-testid="wo-board">
            {columns.map((column) => (
              <section
                key={column.key}
                className="wo-column"
                data-testid="wo-column"
                data-column={column.key}
                aria-labelledby={`wo-column-${column.key}`}
              >
                <h2 className="wo-column__title" id={`wo-column-${column.key}`}>
                  {t(`workOrders.board.columns.${column.key}`)}
                  <span className="wo-column__count" data-testid="wo-column-count">
                    {column.orders.length}
                  </span>
                </h2>
                {column.orders.length === 0 ? (
                  <p className="wo-column__empty">{t('workOrders.board.empty')}</p>
                ) : (
                  <ul className="wo-list">
                    {column.orders.map((order) => (
                      <WorkOrderCard key={order.id} order={order} receivedAt={list.receivedAt}>
                        <ActionButtons order={order} actions={actions} only={CARD_ACTIONS} />
                      </WorkOrderCard>
                    ))}
                  </ul>
                )}
              </section>
            ))}
          </div>
        </>
      )}
      {actions.dialogs}
    </>
  )
}

/**
 * `/work-orders`: the supervisor's dispatch board. The site's open work orders in four columns (待受理/待派单,
 * 待接单/已接单, 处理中/挂起, 待验收), on a phone one after another; each card with its most urgent clock ticking,
 * and the dispatcher's actions on it. Live: the link's changes come in as they happen.
 */
export function DispatchBoardPage() {
  const { t } = useTranslation()
  const { site, status } = useSite()
  return (
    <div className="page wo-page" data-testid="wo-board-page">
      <title>{`${t('workOrders.board.title')} · ${t('app.name')}`}</title>
      <div className="alarm-report__head">
        <div>
          <h1 className="alarm-console__title">{t('workOrders.board.title')}</h1>
          <p className="alarm-report__lead">{t('workOrders.board.lead')}</p>
        </div>
        <Link to="/work-orders/new" className="button button--primary" data-testid="wo-report-link">
          {t('workOrders.report.link')}
        </Link>
      </div>
      {site ? (
        <Board key={site.id} site={site} />
      ) : status === 'error' ? (
        <p className="notice">{t('workOrders.noSite')}</p>
      ) : (
        <Loading text={t('workOrders.loading')} />
      )}
    </div>
  )
}
