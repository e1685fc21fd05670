import {
  ALARM_PRIORITIES,
  type AlarmPriority,
  defaultSlaTargets,
  SLA_CLOCKS,
  type SlaPolicy,
  type SlaTargets,
  WORK_ORDER_CATEGORIES,
  type WorkOrderCategory,
} from '@fm/protocol'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { attempt } from '../api.ts'
import type { Notice } from '../components/admin/AdminLayout.tsx'
import { PrioritySubject } from '../components/alarms/PriorityBadge.tsx'
import { Field } from '../components/forms/Field.tsx'
import { FormDialog } from '../components/forms/FormDialog.tsx'
import { checkError } from '../components/forms/FormError.tsx'
import { formatNumber } from '../i18n/format.ts'
import { useLanguage } from '../i18n/i18n.ts'
import { useAdminList } from '../useAdminList.ts'
import { SettingsPage } from '../workorders/SettingsPage.tsx'
import { saveSlaTargets } from '../workorders/settings-api.ts'
import {
  bySlaCell,
  checkTargets,
  draftOfTargets,
  formatTargetMin,
  MAX_TARGET_MIN,
  TARGET_KEYS,
  type TargetsDraft,
} from '../workorders/sla-policy.ts'
import { WithSite } from '../workorders/WithSite.tsx'
import { fetchSlaPolicies } from '../workorders/work-order-api.ts'
import './SlaPoliciesPage.css'

type ListedPolicy = SlaPolicy & { id: string }

const cellId = (category: WorkOrderCategory, priority: AlarmPriority) => `${category}|${priority}`
const listed = (policy: SlaPolicy): ListedPolicy => ({ ...policy, id: cellId(policy.category, policy.priority) })

/** The three clocks of one cell, each in words. */
function TargetList({ targets }: { targets: SlaTargets }) {
  const { t } = useTranslation()
  const language = useLanguage()
  return (
    <dl className="sla-targets">
      {SLA_CLOCKS.map((clock) => (
        <div key={clock} className="sla-targets__item">
          <dt>{t(`workOrders.clocks.${clock}`)}</dt>
          <dd>{formatTargetMin(targets[TARGET_KEYS[clock]], language, t)}</dd>
        </div>
      ))}
    </dl>
  )
}

interface SlaDialogProps {
  policy: SlaPolicy
  onSaved: (policy: SlaPolicy) => void
  onCancel: () => void
}

/** The three targets of one category and priority, in minutes, next to the seed's. */
function SlaDialog({ policy, onSaved, onCancel }: SlaDialogProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const ids = useId()
  const seed = defaultSlaTargets(policy.category, policy.priority)
  const [draft, setDraft] = useState<TargetsDraft>(() => draftOfTargets(policy.targets))
  const [invalid, setInvalid] = useState<string>()
  const checked = checkTargets(draft)
  const category = t(`workOrders.categories.${policy.category}`)

  return (
    <FormDialog
      title={t('slaPolicies.dialog.title')}
      subject={
        <PrioritySubject
          priority={policy.priority}
          title={`${category} · ${policy.priority} ${t(`alarms.priorities.${policy.priority}`)}`}
          detail={policy.custom ? t('slaPolicies.custom') : t('slaPolicies.seed')}
        />
      }
      testId="sla-dialog"
      submitLabel={t('slaPolicies.dialog.save')}
      cancelLabel={t('slaPolicies.dialog.cancel')}
      check={() => {
        setInvalid(checked.ok ? undefined : checked.clock)
        if (checked.ok) return undefined
        const values = { clock: t(`workOrders.clocks.${checked.clock}`), max: formatNumber(checked.max, language, 0) }
        return checkError('sla-range', t('slaPolicies.dialog.range', values))
      }}
      send={async () => {
        if (!checked.ok) return undefined
        const { category: c, priority: p, siteId } = policy
        const result = await attempt(() => saveSlaTargets(siteId, c, p, checked.targets))
        if (!result.ok) return result.failure
        onSaved(result.value)
        return undefined
      }}
      onCancel={onCancel}
    >
      <p className="sla-dialog__note" data-testid="sla-dialog-note">
        {t('slaPolicies.dialog.note')}
      </p>
      {SLA_CLOCKS.map((clock, index) => {
        const id = `${ids}-${clock}`
        const minutes = Number(draft[clock])
        const readable = Number.isInteger(minutes) && minutes > 0 ? formatTargetMin(minutes, language, t) : '—'
        return (
          <Field
            key={clock}
            htmlFor={id}
            label={t('slaPolicies.dialog.minutes', { clock: t(`workOrders.clocks.${clock}`) })}
          >
            <input
              id={id}
              type="number"
              inputMode="numeric"
              className="input sla-dialog__input"
              data-testid={`sla-${clock}`}
              data-autofocus={index === 0 || undefined}
              min={1}
              max={MAX_TARGET_MIN[clock]}
              step={1}
              required
              value={draft[clock]}
              aria-invalid={invalid === clock || undefined}
              aria-describedby={`${id}-hint`}
              onChange={(event) => setDraft((previous) => ({ ...previous, [clock]: event.target.value }))}
            />
            <p className="field__hint" id={`${id}-hint`}>
              {t('slaPolicies.dialog.hint', {
                value: readable,
                seed: formatTargetMin(seed[TARGET_KEYS[clock]], language, t),
              })}
            </p>
          </Field>
        )
      })}
      <div>
        <button
          type="button"
          className="button button--small"
          data-testid="sla-dialog-seed"
          onClick={() => {
            setInvalid(undefined)
            setDraft(draftOfTargets(seed))
          }}
        >
          {t('slaPolicies.dialog.useSeed')}
        </button>
      </div>
    </FormDialog>
  )
}

function SlaTable({ siteId }: { siteId: string }) {
  const { t } = useTranslation()
  const list = useAdminList<ListedPolicy>(
    async (signal) => (await fetchSlaPolicies(siteId, signal)).map(listed),
    bySlaCell,
  )
  const [editing, setEditing] = useState<SlaPolicy>()
  const [notice, setNotice] = useState<Notice>()
  const byCell = new Map(list.items.map((policy) => [policy.id, policy]))
  const priorityLabel = (priority: AlarmPriority) => `${priority} ${t(`alarms.priorities.${priority}`)}`
  const customCount = list.items.filter((policy) => policy.custom).length

  return (
    <SettingsPage
      name="sla"
      section="slaPolicies"
      list={list}
      count={t('slaPolicies.count', { count: customCount })}
      notice={notice}
    >
      <div className="panel admin-table__frame sla-table__frame">
        <table className="admin-table sla-table" data-testid="sla-table">
          <caption className="visually-hidden">{t('slaPolicies.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('slaPolicies.category')}</th>
              {ALARM_PRIORITIES.map((priority) => (
                <th key={priority} scope="col">
                  {priorityLabel(priority)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {WORK_ORDER_CATEGORIES.map((category) => {
              const name = t(`workOrders.categories.${category}`)
              return (
                <tr key={category} className="admin-table__row" data-testid="sla-row" data-category={category}>
                  <th scope="row" className="sla-table__category">
                    {name}
                  </th>
                  {ALARM_PRIORITIES.map((priority) => {
                    const policy = byCell.get(cellId(category, priority))
                    if (!policy) {
                      return (
                        <td key={priority} data-label={priorityLabel(priority)}>
                          —
                        </td>
                      )
                    }
                    return (
                      <td
                        key={priority}
                        data-label={priorityLabel(priority)}
                        data-testid="sla-cell"
                        data-category={category}
                        data-priority={priority}
                        data-custom={policy.custom}
                        className="sla-cell"
                      >
                        <div className="sla-cell__body">
                          <TargetList targets={policy.targets} />
                          <span className="sla-cell__foot">
                            {policy.custom && <span className="sla-cell__custom">{t('slaPolicies.custom')}</span>}
                            <button
                              type="button"
                              className="button button--small"
                              data-testid="sla-edit"
                              aria-label={t('slaPolicies.editLabel', { category: name, priority })}
                              onClick={() => {
                                setNotice(undefined)
                                setEditing(policy)
                              }}
                            >
                              {t('slaPolicies.edit')}
                            </button>
                          </span>
                        </div>
                      </td>
                    )
                  })}
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      {editing && (
        <SlaDialog
          policy={editing}
          onCancel={() => setEditing(undefined)}
          onSaved={(saved) => {
            list.put(listed(saved))
            setEditing(undefined)
            const values = { category: t(`workOrders.categories.${saved.category}`), priority: saved.priority }
            setNotice({ key: 'slaPolicies.saved', values })
          }}
        />
      )}
    </SettingsPage>
  )
}

/**
 * `/admin/sla-policies`, for `rules.manage`: the response, arrival and resolution targets of the site on screen, per
 * category and priority, each editable in a dialog next to the seed. A new work order takes the targets in force when
 * it opens; those already open keep theirs.
 */
export function SlaPoliciesPage() {
  const { t } = useTranslation()
  return <WithSite loading={t('slaPolicies.loading')}>{(site) => <SlaTable siteId={site.id} />}</WithSite>
}
