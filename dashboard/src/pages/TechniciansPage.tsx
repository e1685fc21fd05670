import { WORK_ORDER_CATEGORIES, type WorkOrderCategory } from '@fm/protocol'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { attempt } from '../api.ts'
import type { Notice } from '../components/admin/AdminLayout.tsx'
import { AdminPanelRow } from '../components/admin/AdminPanelRow.tsx'
import { AdminTableHead } from '../components/admin/AdminTableHead.tsx'
import { FormError, requestError, type ShownError } from '../components/forms/FormError.tsx'
import { useAdminList } from '../useAdminList.ts'
import { SettingsPage } from '../workorders/SettingsPage.tsx'
import { saveTechnicianTrades } from '../workorders/settings-api.ts'
import { sameTrades, toggleTrade } from '../workorders/trades.ts'
import { WithSite } from '../workorders/WithSite.tsx'
import { fetchTechnicians, type Technician } from '../workorders/work-order-api.ts'
import './TechniciansPage.css'

/** The columns before the button, by their key under `technicians.columns`. */
const COLUMNS = ['name', 'open', 'trades'] as const

type ListedTechnician = Technician & { id: string }

const listed = (technician: Technician): ListedTechnician => ({ ...technician, id: technician.username })
const byName = (a: Technician, b: Technician) => a.displayName.localeCompare(b.displayName, 'zh-CN')

interface TechnicianRowProps {
  technician: Technician
  onSaved: (technician: Technician) => void
}

/** One technician, their trades as toggles; Save sends them all. */
function TechnicianRow({ technician, onSaved }: TechnicianRowProps) {
  const { t } = useTranslation()
  const [trades, setTrades] = useState<WorkOrderCategory[]>(technician.trades)
  const [error, setError] = useState<ShownError>()
  const [pending, setPending] = useState(false)
  const dirty = !sameTrades(trades, technician.trades)
  const label = (column: (typeof COLUMNS)[number]) => t(`technicians.columns.${column}`)

  const save = async () => {
    setPending(true)
    setError(undefined)
    const result = await attempt(() => saveTechnicianTrades(technician.username, trades))
    setPending(false)
    if (!result.ok) {
      setError(requestError(result.failure))
      return
    }
    onSaved({ ...technician, trades: result.value.trades })
  }

  return (
    <>
      <tr className="admin-table__row" data-testid="technician-row" data-username={technician.username}>
        <td data-label={label('name')}>
          <span className="admin-table__strong">{technician.displayName}</span>
          <span className="admin-table__mono technicians__username">{technician.username}</span>
        </td>
        <td data-label={label('open')}>{t('technicians.open', { count: technician.open })}</td>
        <td data-label={label('trades')} className="technicians__trades">
          <fieldset className="trade-chips">
            <legend className="visually-hidden">{t('technicians.tradesOf', { name: technician.displayName })}</legend>
            {WORK_ORDER_CATEGORIES.map((category) => (
              <button
                key={category}
                type="button"
                className="trade-chip"
                data-testid="trade-toggle"
                data-category={category}
                aria-pressed={trades.includes(category)}
                onClick={() => setTrades((previous) => toggleTrade(previous, category))}
              >
                {t(`workOrders.categories.${category}`)}
              </button>
            ))}
          </fieldset>
        </td>
        <td className="admin-table__actions">
          <button
            type="button"
            className="button button--small button--primary"
            data-testid="technician-save"
            aria-label={t('technicians.saveLabel', { name: technician.displayName })}
            disabled={!dirty || pending}
            onClick={() => void save()}
          >
            {t('technicians.save')}
          </button>
        </td>
      </tr>
      {error && (
        <AdminPanelRow columns={COLUMNS.length + 1}>
          <FormError error={error} testId="technician-error" showDetail />
        </AdminPanelRow>
      )}
    </>
  )
}

function TechniciansTable({ siteId }: { siteId: string }) {
  const { t } = useTranslation()
  const list = useAdminList<ListedTechnician>(
    async (signal) => (await fetchTechnicians(siteId, signal)).map(listed),
    byName,
  )
  const [notice, setNotice] = useState<Notice>()

  return (
    <SettingsPage
      name="technicians"
      section="technicians"
      list={list}
      count={t('technicians.count', { count: list.items.length })}
      notice={notice}
    >
      <div className="panel admin-table__frame">
        <table className="admin-table technicians-table">
          <AdminTableHead
            columns={COLUMNS.map((column) => t(`technicians.columns.${column}`))}
            actions={t('technicians.actions')}
          />
          <tbody>
            {list.items.map((technician) => (
              <TechnicianRow
                key={`${technician.username}|${technician.trades.join(',')}`}
                technician={technician}
                onSaved={(saved) => {
                  list.put(listed(saved))
                  setNotice({ key: 'technicians.saved', values: { name: saved.displayName } })
                }}
              />
            ))}
          </tbody>
        </table>
      </div>
    </SettingsPage>
  )
}

/**
 * `/admin/technicians`, for `workorders.manage`: the site's technicians, how many open work orders each has, and
 * their trades, which the dispatch dialog ranks them by.
 */
export function TechniciansPage() {
  const { t } = useTranslation()
  return <WithSite loading={t('technicians.loading')}>{(site) => <TechniciansTable siteId={site.id} />}</WithSite>
}
