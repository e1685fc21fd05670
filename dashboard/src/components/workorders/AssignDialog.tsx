import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { failureOf } from '../../api.ts'
import { useApi } from '../../useApi.ts'
import { rankTechnicians } from '../../workorders/technicians.ts'
import { fetchTechnicians } from '../../workorders/work-order-api.ts'
import { checkError, FormError, requestError } from '../forms/FormError.tsx'
import { Loading } from '../layout/Loading.tsx'
import type { ActionDialogProps } from './ActionDialogs.tsx'
import { WorkOrderDialog } from './WorkOrderDialog.tsx'

/**
 * Dispatch, or dispatch again: the site's technicians, those of the work order's trade first and then the least
 * busy, each with their trades and how many open work orders they have.
 */
export function AssignDialog({ order, onSubmit, onCancel }: ActionDialogProps) {
  const { t } = useTranslation()
  const technicians = useApi(`technicians|${order.siteId}`, (signal) => fetchTechnicians(order.siteId, signal))
  const ranked = useMemo(() => rankTechnicians(technicians.data ?? [], order.category), [technicians.data, order])
  const [assignee, setAssignee] = useState<string>()
  return (
    <WorkOrderDialog
      order={order}
      kind="assign"
      title={order.assignee ? t('workOrders.dialog.titles.reassign') : undefined}
      submitLabel={order.assignee ? t('workOrders.actions.reassign') : undefined}
      check={() =>
        assignee === undefined ? checkError('assignee-missing', t('workOrders.assign.missing')) : undefined
      }
      send={() => onSubmit({ action: 'assign', assignee })}
      onCancel={onCancel}
    >
      {technicians.status === 'error' ? (
        <FormError error={requestError(failureOf(technicians.error))} testId="wo-technicians-error" />
      ) : technicians.status === 'loading' ? (
        <Loading text={t('workOrders.assign.loading')} />
      ) : ranked.length === 0 ? (
        <p className="notice">{t('workOrders.assign.none')}</p>
      ) : (
        <fieldset className="field wo-choices" data-testid="wo-technicians">
          <legend className="field__label">{t('workOrders.assign.who')}</legend>
          {ranked.map((technician, index) => {
            const match = technician.trades.includes(order.category)
            const current = technician.username === order.assignee?.username
            return (
              <label key={technician.username} className="check wo-choice">
                <input
                  type="radio"
                  name="assignee"
                  data-testid="wo-technician"
                  data-username={technician.username}
                  data-trade-match={match}
                  data-autofocus={index === 0 || undefined}
                  checked={assignee === technician.username}
                  onChange={() => setAssignee(technician.username)}
                />
                <span>
                  <strong>{technician.displayName}</strong>
                  {current && <span className="wo-tag">{t('workOrders.assign.current')}</span>}
                  <span className="wo-choice__hint">
                    {match ? `✓ ${t('workOrders.assign.tradeMatch')}` : t('workOrders.assign.otherTrade')}
                    {technician.trades.length > 0 &&
                      ` (${technician.trades.map((trade) => t(`workOrders.categories.${trade}`)).join(t('workOrders.listSeparator'))})`}
                    {' · '}
                    {t('workOrders.assign.open', { count: technician.open })}
                  </span>
                </span>
              </label>
            )
          })}
        </fieldset>
      )}
    </WorkOrderDialog>
  )
}
