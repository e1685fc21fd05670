import { ALARM_PRIORITIES, type AlarmPriority, type DeviceKind } from '@fm/protocol'
import { useId, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { draftOf, draftSettings, hasThreshold, type RuleDraft } from '../alarms/rule-draft.ts'
import { fetchSiteAlarmRules, removeRuleOverride, type SiteAlarmRule, saveRuleOverride } from '../alarms/rules-api.ts'
import { attempt, isForbidden } from '../api.ts'
import { AdminHead, AdminNotice, LoadFailed, type Notice } from '../components/admin/AdminLayout.tsx'
import { AdminPanelRow } from '../components/admin/AdminPanelRow.tsx'
import { AdminTableHead } from '../components/admin/AdminTableHead.tsx'
import { Field } from '../components/forms/Field.tsx'
import { checkError, FormError, requestError, type ShownError } from '../components/forms/FormError.tsx'
import { Select } from '../components/forms/Select.tsx'
import { Loading } from '../components/layout/Loading.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import { useLanguage } from '../i18n/i18n.ts'
import { useSite } from '../site/SiteContext.ts'
import { useAdminList } from '../useAdminList.ts'
import '../components/forms/forms.css'
import '../styles/admin-table.css'
import '../components/alarms/Alarms.css'

/** The columns before the buttons, by their key under `alarmRules.columns`. */
const COLUMNS = ['rule', 'condition', 'priority', 'threshold', 'deadband', 'onDelay', 'offDelay', 'enabled'] as const

const byKindAndId = (a: SiteAlarmRule, b: SiteAlarmRule) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id)

interface RuleRowProps {
  siteId: string
  rule: SiteAlarmRule
  onSaved: (rule: SiteAlarmRule, notice: Notice) => void
}

/** One rule with its numbers editable in place; Save sets the site's override, Default removes it. */
function RuleRow({ siteId, rule, onSaved }: RuleRowProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const [draft, setDraft] = useState<RuleDraft>(() => draftOf(rule))
  const [error, setError] = useState<ShownError>()
  const [pending, setPending] = useState(false)
  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(rule))
  const threshold = hasThreshold(rule)
  const name = rule.name[language]
  const label = (column: (typeof COLUMNS)[number]) => `${t(`alarmRules.columns.${column}`)} · ${name}`
  const set = (patch: Partial<RuleDraft>) => setDraft((previous) => ({ ...previous, ...patch }))

  const send = async (request: () => Promise<SiteAlarmRule>, notice: string) => {
    setPending(true)
    setError(undefined)
    const result = await attempt(request)
    setPending(false)
    if (!result.ok) {
      setError(requestError(result.failure))
      return
    }
    setDraft(draftOf(result.value))
    onSaved(result.value, { key: notice, values: { name } })
  }
  const save = () => {
    const result = draftSettings(rule, draft)
    if (!result.ok) {
      setError(checkError(result.problem, t(`alarmRules.problems.${result.problem}`)))
      return
    }
    // Nothing differs from the catalog: the override goes.
    if (Object.keys(result.settings).length === 0) {
      void send(() => removeRuleOverride(siteId, rule.id), 'alarmRules.notices.reset')
      return
    }
    void send(() => saveRuleOverride(siteId, rule.id, result.settings), 'alarmRules.notices.saved')
  }
  const number = (key: 'threshold' | 'deadband' | 'onDelaySec' | 'offDelaySec', column: (typeof COLUMNS)[number]) => (
    <td data-label={t(`alarmRules.columns.${column}`)}>
      <input
        type="number"
        className="input alarm-rules__number"
        data-testid={`rule-${column}`}
        step="any"
        min={0}
        value={draft[key]}
        aria-label={label(column)}
        onChange={(event) => set({ [key]: event.target.value })}
      />
    </td>
  )

  return (
    <>
      <tr
        className="admin-table__row"
        data-testid="rule-row"
        data-rule-id={rule.id}
        data-overridden={rule.override !== undefined}
        data-enabled={rule.enabled}
      >
        <td data-label={t('alarmRules.columns.rule')}>
          <span className="admin-table__strong">{name}</span>
          <span className="admin-table__mono alarm-rules__id">{rule.id}</span>
          {rule.devices.length > 0 && (
            <span className="alarm-rules__devices">
              {t('alarmRules.deviceOverrides', { count: rule.devices.length })}
            </span>
          )}
        </td>
        <td data-label={t('alarmRules.columns.condition')}>
          {t(`alarmRules.conditions.${rule.condition.type}`, {
            field: rule.condition.field ? t(`fields.${rule.kind}.${rule.condition.field}`) : '',
          })}
        </td>
        <td data-label={t('alarmRules.columns.priority')}>
          <Select<AlarmPriority>
            id={`${rule.id}-priority`}
            testId="rule-priority"
            value={draft.priority}
            onChange={(priority) => set({ priority })}
            options={ALARM_PRIORITIES.map((value) => ({ value, label: `${value} ${t(`alarms.priorities.${value}`)}` }))}
          />
        </td>
        {threshold ? number('threshold', 'threshold') : <td data-label={t('alarmRules.columns.threshold')}>—</td>}
        {threshold ? number('deadband', 'deadband') : <td data-label={t('alarmRules.columns.deadband')}>—</td>}
        {number('onDelaySec', 'onDelay')}
        {number('offDelaySec', 'offDelay')}
        <td data-label={t('alarmRules.columns.enabled')}>
          <input
            type="checkbox"
            data-testid="rule-enabled"
            checked={draft.enabled}
            aria-label={label('enabled')}
            onChange={(event) => set({ enabled: event.target.checked })}
          />
        </td>
        <td className="admin-table__actions">
          <button
            type="button"
            className="button button--small button--primary"
            data-testid="rule-save"
            disabled={!dirty || pending}
            onClick={save}
          >
            {t('alarmRules.save')}
          </button>
          {rule.override && (
            <button
              type="button"
              className="button button--small"
              data-testid="rule-reset"
              disabled={pending}
              onClick={() => void send(() => removeRuleOverride(siteId, rule.id), 'alarmRules.notices.reset')}
            >
              {t('alarmRules.reset')}
            </button>
          )}
        </td>
      </tr>
      {error && (
        <AdminPanelRow columns={COLUMNS.length + 1}>
          <FormError error={error} testId="rule-row-error" showDetail />
        </AdminPanelRow>
      )}
    </>
  )
}

function RulesTable({ siteId }: { siteId: string }) {
  const { t } = useTranslation()
  const filterId = useId()
  const list = useAdminList((signal) => fetchSiteAlarmRules(siteId, signal), byKindAndId)
  const [kind, setKind] = useState<DeviceKind | ''>('')
  const [notice, setNotice] = useState<Notice>()
  const kinds = useMemo(() => [...new Set(list.items.map((rule) => rule.kind))], [list.items])
  const shown = list.items.filter((rule) => kind === '' || rule.kind === kind)

  if (list.status === 'error' && list.failure && isForbidden(list.failure)) return <NotAllowed failure={list.failure} />
  return (
    <div className="page alarm-rules-page" data-testid="alarm-rules-page">
      <AdminHead
        title={t('alarmRules.title')}
        count={list.status === 'ok' ? t('alarmRules.count', { count: list.items.length }) : undefined}
      >
        {kinds.length > 1 && (
          <Field htmlFor={filterId} label={t('alarmRules.kindFilter')} minor>
            <Select<DeviceKind | ''>
              id={filterId}
              testId="rule-kind-filter"
              value={kind}
              onChange={setKind}
              none={t('alarmRules.allKinds')}
              options={kinds.map((value) => ({ value, label: t(`kinds.${value}`) }))}
            />
          </Field>
        )}
      </AdminHead>
      <p className="alarm-rules__lead">{t('alarmRules.lead')}</p>
      <AdminNotice notice={notice} testId="alarm-rules-notice" />
      {list.status === 'error' && list.failure && (
        <LoadFailed failure={list.failure} testId="alarm-rules-error" onRetry={list.reload} />
      )}
      {list.status === 'loading' && list.items.length === 0 ? (
        <Loading text={t('alarmRules.loading')} />
      ) : (
        <div className="panel admin-table__frame">
          <table className="admin-table alarm-rules-table" data-testid="alarm-rules-table">
            <AdminTableHead
              columns={COLUMNS.map((column) => t(`alarmRules.columns.${column}`))}
              actions={t('alarmRules.actions')}
            />
            <tbody>
              {shown.map((rule) => (
                <RuleRow
                  key={`${rule.id}|${rule.override?.updatedAt ?? 0}`}
                  siteId={siteId}
                  rule={rule}
                  onSaved={(saved, done) => {
                    list.put(saved)
                    setNotice(done)
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}

/**
 * `/admin/alarm-rules`, for `rules.manage`: the catalog's rules for the site's equipment, with the site's threshold,
 * deadband, delays, priority and whether each is on, editable in place. Every change is audited by the api, and
 * ingest applies it at once. Overrides of single devices are counted here; they are set through the api.
 */
export function AlarmRulesPage() {
  const { t } = useTranslation()
  const { site, status } = useSite()
  if (!site) {
    return (
      <div className="page">
        {status === 'error' ? (
          <p className="notice">{t('alarmReport.noSite')}</p>
        ) : (
          <Loading text={t('alarmRules.loading')} />
        )}
      </div>
    )
  }
  return <RulesTable siteId={site.id} />
}
