import type { AuditEntryView, Site } from '@fm/protocol'
import { Fragment, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { AuditFilters } from '../../audit/audit-filters.ts'
import { formatTime, localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { AdminPanelRow } from '../admin/AdminPanelRow.tsx'
import { AdminTableHead } from '../admin/AdminTableHead.tsx'

interface AuditTableProps {
  entries: AuditEntryView[]
  sites: Site[] | undefined
  /** Narrows the filters to one actor or target, from a row. */
  onFilter: (filters: AuditFilters) => void
}

/** The columns before the buttons, by their key under `audit.fields`. */
const FIELDS = ['time', 'actor', 'action', 'outcome', 'target', 'site', 'ip'] as const

/** Who acted, in words: a username, the name an anonymous visitor typed, or the platform itself. */
function ActorText({ actor }: { actor: AuditEntryView['actor'] }) {
  const { t } = useTranslation()
  const who = actor.name ?? actor.id
  if (actor.type === 'user') return <>{who ?? t('audit.actorTypes.user')}</>
  if (actor.type === 'anonymous') return <>{t('audit.anonymous', { name: who ?? '?' })}</>
  const kind = t(`audit.actorTypes.${actor.type}`)
  return <>{who ? `${kind} ${who}` : kind}</>
}

/** The action by its label where this dashboard has one, always with its code, which is what the filter takes. */
function ActionText({ action }: { action: string }) {
  const { t } = useTranslation()
  const label = t(`audit.actions.${action}`, { defaultValue: '' })
  return (
    <span className="audit-action">
      {label && <span className="audit-action__label">{label}</span>}
      <code className="audit-action__code">{action}</code>
    </span>
  )
}

/** `before`, `after` and `detail` as the api sent them: the state of the target around a change, and the reason. */
function EntryDetails({ entry }: { entry: AuditEntryView }) {
  const { t } = useTranslation()
  const parts = (['detail', 'before', 'after'] as const).filter((key) => entry[key] !== undefined)
  return (
    <div className="audit-details" data-testid="audit-details">
      {parts.map((key) => (
        <section key={key} className="audit-details__part" data-part={key}>
          <h3 className="audit-details__title">{t(`audit.details.${key}`)}</h3>
          <pre className="audit-details__json">{JSON.stringify(entry[key], null, 2)}</pre>
        </section>
      ))}
    </div>
  )
}

const hasDetails = (entry: AuditEntryView) =>
  entry.detail !== undefined || entry.before !== undefined || entry.after !== undefined

/**
 * The audit log, newest first. What did not go through stands out: a refused or failed attempt has a coloured bar
 * and its outcome in a word and a shape. An actor or target can narrow the filters to itself, and an entry with a
 * before, after or detail opens under its row.
 */
export function AuditTable({ entries, sites, onFilter }: AuditTableProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const [open, setOpen] = useState<number>()
  const siteName = (siteId: string) => {
    const site = sites?.find((candidate) => candidate.id === siteId)
    return site ? localName(site, language) : siteId
  }

  return (
    <table className="admin-table audit-table" data-testid="audit-table">
      <AdminTableHead columns={FIELDS.map((key) => t(`audit.fields.${key}`))} actions={t('audit.fields.details')} />
      <tbody>
        {entries.map((entry) => {
          const opened = open === entry.id
          return (
            <Fragment key={entry.id}>
              <tr
                className="admin-table__row audit-table__row"
                data-testid="audit-row"
                data-entry-id={entry.id}
                data-action={entry.action}
                data-outcome={entry.outcome}
              >
                <td data-label={t('audit.fields.time')} className="tabular audit-table__time">
                  <time dateTime={new Date(entry.ts).toISOString()}>{formatTime(entry.ts, language, 'stamp')}</time>
                </td>
                <td data-label={t('audit.fields.actor')}>
                  <span className="audit-table__who">
                    <ActorText actor={entry.actor} />
                    {entry.actor.id && (
                      <NarrowButton
                        testId="audit-only-actor"
                        label={t('audit.onlyActor')}
                        onClick={() => onFilter({ actor: entry.actor.id })}
                      />
                    )}
                  </span>
                </td>
                <td data-label={t('audit.fields.action')}>
                  <ActionText action={entry.action} />
                </td>
                <td data-label={t('audit.fields.outcome')}>
                  <span
                    className="admin-table__badge audit-outcome"
                    data-outcome={entry.outcome}
                    data-testid="audit-outcome"
                  >
                    {t(`audit.outcomes.${entry.outcome}`)}
                  </span>
                </td>
                <td data-label={t('audit.fields.target')} className="admin-table__mono">
                  {entry.target ? (
                    <span className="audit-table__who">
                      <span>{`${t(`audit.targetTypes.${entry.target.type}`, { defaultValue: entry.target.type })} ${entry.target.id}`}</span>
                      <NarrowButton
                        testId="audit-only-target"
                        label={t('audit.onlyTarget')}
                        onClick={() => onFilter({ target: entry.target?.id })}
                      />
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
                <td data-label={t('audit.fields.site')}>{entry.siteId ? siteName(entry.siteId) : '—'}</td>
                <td data-label={t('audit.fields.ip')} className="admin-table__mono">
                  {entry.ip ?? '—'}
                </td>
                <td className="admin-table__actions">
                  {hasDetails(entry) && (
                    <button
                      type="button"
                      className="button button--small"
                      data-testid="audit-toggle-details"
                      aria-expanded={opened}
                      onClick={() => setOpen(opened ? undefined : entry.id)}
                    >
                      {t('audit.fields.details')}
                    </button>
                  )}
                </td>
              </tr>
              {opened && (
                <AdminPanelRow columns={FIELDS.length + 1}>
                  <EntryDetails entry={entry} />
                </AdminPanelRow>
              )}
            </Fragment>
          )
        })}
      </tbody>
    </table>
  )
}

/** A funnel that narrows the filters to what it stands next to. */
function NarrowButton({ testId, label, onClick }: { testId: string; label: string; onClick: () => void }) {
  return (
    <button
      type="button"
      className="audit-table__narrow"
      data-testid={testId}
      title={label}
      aria-label={label}
      onClick={onClick}
    >
      <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
        <path d="M2 3h12l-4.5 5.5V13l-3 1.5v-6z" fill="none" stroke="currentColor" strokeWidth="1.4" />
      </svg>
    </button>
  )
}
