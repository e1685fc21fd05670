import type { Site } from '@fm/protocol'
import { type FormEvent, type InputHTMLAttributes, useId, useState } from 'react'
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
import { Field } from '../forms/Field.tsx'
import { checkError, FormError, type ShownError } from '../forms/FormError.tsx'
import { Select } from '../forms/Select.tsx'

/** The action select: every action, one of the common prefixes, or a prefix typed by hand. */
const OTHER_ACTION = 'other'

/** An id or an action typed by hand: as typed, without a phone's corrections. */
const ID_INPUT = { className: 'input input--mono', autoComplete: 'off', autoCapitalize: 'none', spellCheck: false }

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
  const code = error?.failure.code

  function submit(event: FormEvent) {
    event.preventDefault()
    const result = filtersOf(draft)
    if ('problem' in result) return setError(checkError(result.problem, t(`audit.problems.${result.problem}`)))
    setError(undefined)
    onApply(result.filters)
  }

  /** A text or time filter of the draft, labelled from `audit.filters.<name>`. */
  const input = (name: 'from' | 'to' | 'actor' | 'target', props: InputHTMLAttributes<HTMLInputElement>) => (
    <Field htmlFor={`${id}-${name}`} label={t(`audit.filters.${name}`)} minor>
      <input
        id={`${id}-${name}`}
        data-testid={`audit-filter-${name}`}
        value={draft[name]}
        onChange={(event) => change({ [name]: event.target.value })}
        {...props}
      />
    </Field>
  )
  const time = {
    type: 'datetime-local',
    className: 'input',
    'aria-invalid': code === 'order' || code === 'time' || undefined,
  }
  const site = draft.site
  // A shared link may name a site this list does not have (yet): it stays selectable.
  const unknownSite = site && !sites?.some((candidate) => candidate.id === site) ? [{ value: site, label: site }] : []

  return (
    <form className="audit-filters" data-testid="audit-filters" noValidate onSubmit={submit}>
      <div className="audit-filters__grid">
        {input('from', time)}
        {input('to', time)}
        <Field htmlFor={`${id}-action`} label={t('audit.filters.action')} minor>
          <Select
            id={`${id}-action`}
            testId="audit-filter-action"
            value={draft.actionChoice}
            onChange={(actionChoice) => change({ actionChoice })}
            none={t('audit.filters.anyAction')}
            options={[
              ...ACTION_PREFIXES.map((prefix) => ({
                value: prefix,
                label: t(`audit.prefixes.${prefix.slice(0, -1)}`),
              })),
              { value: OTHER_ACTION, label: t('audit.filters.otherAction') },
            ]}
          />
          {draft.actionChoice === OTHER_ACTION && (
            <input
              data-testid="audit-filter-action-text"
              aria-label={t('audit.filters.actionText')}
              placeholder="auth.login"
              value={draft.actionText}
              onChange={(event) => change({ actionText: event.target.value })}
              aria-invalid={code === 'action' || undefined}
              {...ID_INPUT}
            />
          )}
        </Field>
        <Field htmlFor={`${id}-outcome`} label={t('audit.filters.outcome')} minor>
          <Select
            id={`${id}-outcome`}
            testId="audit-filter-outcome"
            value={draft.outcome}
            onChange={(outcome) => change({ outcome })}
            none={t('audit.filters.anyOutcome')}
            options={AUDIT_OUTCOMES.map((outcome) => ({ value: outcome, label: t(`audit.outcomes.${outcome}`) }))}
          />
        </Field>
        {input('actor', { ...ID_INPUT, placeholder: t('audit.filters.actorPlaceholder') })}
        {input('target', { ...ID_INPUT, placeholder: t('audit.filters.targetPlaceholder') })}
        <Field htmlFor={`${id}-site`} label={t('audit.filters.site')} minor>
          <Select
            id={`${id}-site`}
            testId="audit-filter-site"
            value={site}
            onChange={(siteId) => change({ site: siteId })}
            none={t('audit.filters.anySite')}
            options={[
              ...unknownSite,
              ...(sites ?? []).map((candidate) => ({ value: candidate.id, label: localName(candidate, language) })),
            ]}
          />
        </Field>
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
