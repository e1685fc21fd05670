import type { Site } from '@fm/protocol'
import { type FormEvent, useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ACTION_PREFIXES,
  AUDIT_OUTCOMES,
  type AuditFilters,
  type AuditOutcome,
  isActionPrefix,
} from '../../audit/audit-filters.ts'
import { toDateTimeLocal } from '../../charts/ranges.ts'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { checkError, FormError, type ShownError } from '../forms/FormError.tsx'

/** The action select: every action, one of the common prefixes, or a prefix typed by hand. */
const OTHER_ACTION = 'other'

interface Draft {
  from: string
  to: string
  actor: string
  actionChoice: string
  actionText: string
  outcome: '' | AuditOutcome
  site: string
  target: string
}

function draftOf(filters: AuditFilters): Draft {
  const action = filters.action ?? ''
  const common = action === '' || (ACTION_PREFIXES as readonly string[]).includes(action)
  return {
    from: filters.from === undefined ? '' : toDateTimeLocal(filters.from),
    to: filters.to === undefined ? '' : toDateTimeLocal(filters.to),
    actor: filters.actor ?? '',
    actionChoice: common ? action : OTHER_ACTION,
    actionText: common ? '' : action,
    outcome: filters.outcome ?? '',
    site: filters.site ?? '',
    target: filters.target ?? '',
  }
}

/** The filters of a draft, or the first problem with it. */
function filtersOf(draft: Draft): { filters: AuditFilters } | { problem: 'time' | 'order' | 'action' } {
  const filters: AuditFilters = {}
  const from = draft.from ? new Date(draft.from).getTime() : undefined
  const to = draft.to ? new Date(draft.to).getTime() : undefined
  if (Number.isNaN(from) || Number.isNaN(to)) return { problem: 'time' }
  if (from !== undefined && to !== undefined && from >= to) return { problem: 'order' }
  const action = (draft.actionChoice === OTHER_ACTION ? draft.actionText : draft.actionChoice).trim()
  if (action && !isActionPrefix(action)) return { problem: 'action' }
  if (from !== undefined) filters.from = from
  if (to !== undefined) filters.to = to
  if (draft.actor.trim()) filters.actor = draft.actor.trim()
  if (action) filters.action = action
  if (draft.outcome) filters.outcome = draft.outcome
  if (draft.site) filters.site = draft.site
  if (draft.target.trim()) filters.target = draft.target.trim()
  return { filters }
}

interface AuditFilterFormProps {
  /** The filters in the URL; the form starts from them (remount it when they change). */
  filters: AuditFilters
  sites: Site[] | undefined
  onApply: (filters: AuditFilters) => void
}

/**
 * Time range, who, what, how it ended, where and to what. Nothing is asked until "Apply", so that typing an id does
 * not send a request per key; Enter in any field applies too.
 */
export function AuditFilterForm({ filters, sites, onApply }: AuditFilterFormProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const id = useId()
  const [draft, setDraft] = useState(() => draftOf(filters))
  const [error, setError] = useState<ShownError>()
  const change = (patch: Partial<Draft>) => setDraft((previous) => ({ ...previous, ...patch }))

  function submit(event: FormEvent) {
    event.preventDefault()
    const result = filtersOf(draft)
    if ('problem' in result) return setError(checkError(result.problem, t(`audit.problems.${result.problem}`)))
    setError(undefined)
    onApply(result.filters)
  }

  const text = (name: 'actor' | 'target') => (
    <div className="field">
      <label className="field__label field__label--minor" htmlFor={`${id}-${name}`}>
        {t(`audit.filters.${name}`)}
      </label>
      <input
        id={`${id}-${name}`}
        className="input input--mono"
        data-testid={`audit-filter-${name}`}
        value={draft[name]}
        placeholder={t(`audit.filters.${name}Placeholder`)}
        onChange={(event) => change({ [name]: event.target.value })}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
      />
    </div>
  )
  const time = (name: 'from' | 'to') => (
    <div className="field">
      <label className="field__label field__label--minor" htmlFor={`${id}-${name}`}>
        {t(`audit.filters.${name}`)}
      </label>
      <input
        id={`${id}-${name}`}
        type="datetime-local"
        className="input"
        data-testid={`audit-filter-${name}`}
        value={draft[name]}
        onChange={(event) => change({ [name]: event.target.value })}
        aria-invalid={error?.failure.code === 'order' || error?.failure.code === 'time' || undefined}
      />
    </div>
  )

  return (
    <form className="audit-filters" data-testid="audit-filters" noValidate onSubmit={submit}>
      <div className="audit-filters__grid">
        {time('from')}
        {time('to')}
        <div className="field">
          <label className="field__label field__label--minor" htmlFor={`${id}-action`}>
            {t('audit.filters.action')}
          </label>
          <select
            id={`${id}-action`}
            className="select"
            data-testid="audit-filter-action"
            value={draft.actionChoice}
            onChange={(event) => change({ actionChoice: event.target.value })}
          >
            <option value="">{t('audit.filters.anyAction')}</option>
            {ACTION_PREFIXES.map((prefix) => (
              <option key={prefix} value={prefix}>
                {t(`audit.prefixes.${prefix.slice(0, -1)}`)}
              </option>
            ))}
            <option value={OTHER_ACTION}>{t('audit.filters.otherAction')}</option>
          </select>
          {draft.actionChoice === OTHER_ACTION && (
            <input
              className="input input--mono"
              data-testid="audit-filter-action-text"
              aria-label={t('audit.filters.actionText')}
              placeholder="auth.login"
              value={draft.actionText}
              onChange={(event) => change({ actionText: event.target.value })}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              aria-invalid={error?.failure.code === 'action' || undefined}
            />
          )}
        </div>
        <div className="field">
          <label className="field__label field__label--minor" htmlFor={`${id}-outcome`}>
            {t('audit.filters.outcome')}
          </label>
          <select
            id={`${id}-outcome`}
            className="select"
            data-testid="audit-filter-outcome"
            value={draft.outcome}
            onChange={(event) => change({ outcome: event.target.value as Draft['outcome'] })}
          >
            <option value="">{t('audit.filters.anyOutcome')}</option>
            {AUDIT_OUTCOMES.map((outcome) => (
              <option key={outcome} value={outcome}>
                {t(`audit.outcomes.${outcome}`)}
              </option>
            ))}
          </select>
        </div>
        {text('actor')}
        {text('target')}
        <div className="field">
          <label className="field__label field__label--minor" htmlFor={`${id}-site`}>
            {t('audit.filters.site')}
          </label>
          <select
            id={`${id}-site`}
            className="select"
            data-testid="audit-filter-site"
            value={draft.site}
            onChange={(event) => change({ site: event.target.value })}
          >
            <option value="">{t('audit.filters.anySite')}</option>
            {/* A shared link may name a site this list does not have (yet): it stays selectable. */}
            {draft.site && !sites?.some((site) => site.id === draft.site) && (
              <option value={draft.site}>{draft.site}</option>
            )}
            {sites?.map((site) => (
              <option key={site.id} value={site.id}>
                {localName(site, language)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <FormError error={error} testId="audit-filter-error" />
      <div className="form-actions">
        <button type="submit" className="button button--primary" data-testid="audit-apply">
          {t('audit.filters.apply')}
        </button>
        <button type="button" className="button" data-testid="audit-clear" onClick={() => onApply({})}>
          {t('audit.filters.clear')}
        </button>
      </div>
    </form>
  )
}
