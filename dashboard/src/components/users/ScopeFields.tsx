import type { Site, UserScope } from '@fm/protocol'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { parseSiteIds } from '../../users/user-policy.ts'
import { Field } from '../forms/Field.tsx'

interface ScopeFieldsProps {
  id: string
  scope: UserScope
  onChange: (scope: UserScope) => void
  /** The provisioned sites to pick from; undefined or empty when the api did not list any, then ids are typed. */
  sites: Site[] | undefined
  invalid?: boolean
}

/**
 * Where a user may look: all sites (including later ones), or some of them. A restriction to buildings is kept as it
 * is and shown; it cannot be edited here yet.
 */
export function ScopeFields({ id, scope, onChange, sites, invalid = false }: ScopeFieldsProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const [typed, setTyped] = useState(scope.siteIds.join(', '))
  const known = sites ?? []
  // Sites of the scope that the api no longer lists stay visible, so that saving does not drop them silently.
  const choices = [
    ...known.map((site) => ({ id: site.id, name: localName(site, language) })),
    ...scope.siteIds
      .filter((siteId) => !known.some((site) => site.id === siteId))
      .map((siteId) => ({ id: siteId, name: siteId })),
  ]

  const setAllSites = (allSites: boolean) =>
    onChange(
      allSites
        ? { allSites: true, siteIds: [], buildingIds: [] }
        : { allSites: false, siteIds: known.length === 1 && known[0] ? [known[0].id] : [], buildingIds: [] },
    )
  const toggleSite = (siteId: string, checked: boolean) =>
    onChange({
      ...scope,
      siteIds: checked ? [...scope.siteIds, siteId] : scope.siteIds.filter((other) => other !== siteId),
    })

  return (
    <fieldset className="field scope-fields" aria-invalid={invalid || undefined}>
      <legend className="field__label">{t('users.fields.scope')}</legend>
      <label className="check">
        <input
          type="checkbox"
          data-testid="user-form-all-sites"
          checked={scope.allSites}
          onChange={(event) => setAllSites(event.target.checked)}
        />
        <span>{t('users.scope.allSitesOption')}</span>
      </label>
      {!scope.allSites &&
        (known.length > 0 ? (
          <div className="scope-fields__sites">
            {choices.map((site) => (
              <label key={site.id} className="check">
                <input
                  type="checkbox"
                  data-testid="user-form-site"
                  data-site-id={site.id}
                  checked={scope.siteIds.includes(site.id)}
                  onChange={(event) => toggleSite(site.id, event.target.checked)}
                />
                <span>{site.name}</span>
              </label>
            ))}
          </div>
        ) : (
          <Field htmlFor={`${id}-site-ids`} label={t('users.scope.siteIds')} minor>
            <input
              id={`${id}-site-ids`}
              className="input"
              data-testid="user-form-site-ids"
              value={typed}
              placeholder={t('users.scope.siteIdsPlaceholder')}
              autoCapitalize="none"
              spellCheck={false}
              onChange={(event) => {
                setTyped(event.target.value)
                onChange({ ...scope, siteIds: parseSiteIds(event.target.value) })
              }}
            />
          </Field>
        ))}
      {scope.buildingIds.length > 0 && (
        <p className="field__hint">{t('users.scope.buildingsKept', { buildings: scope.buildingIds.join(', ') })}</p>
      )}
    </fieldset>
  )
}
