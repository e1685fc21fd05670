import { useId, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { fetchSites, isForbidden } from '../api.ts'
import { CredentialsPanel, type ShownCredentials } from '../components/device-admin/CredentialsPanel.tsx'
import { DeviceAdminTable } from '../components/device-admin/DeviceAdminTable.tsx'
import { ProvisionForm } from '../components/device-admin/ProvisionForm.tsx'
import { FormError, requestError } from '../components/forms/FormError.tsx'
import { NotAllowed } from '../components/layout/NotAllowed.tsx'
import type { AdminDevice } from '../devices/device-admin-api.ts'
import { useAdminDevices } from '../devices/useAdminDevices.ts'
import { localName } from '../i18n/format.ts'
import { useLanguage } from '../i18n/i18n.ts'
import { useApi } from '../useApi.ts'
import '../components/forms/forms.css'
import '../styles/admin-table.css'
import '../components/device-admin/DeviceAdmin.css'

/** Whether `device` matches what was typed into the search: its id or either of its names, ignoring case. */
function matches(device: AdminDevice, query: string): boolean {
  const needle = query.trim().toLowerCase()
  if (!needle) return true
  return [device.id, device.name, device.nameEn ?? ''].some((text) => text.toLowerCase().includes(needle))
}

/**
 * `/admin/devices`, for `devices.manage`: the devices within the admin's scope, a form to provision one, and new
 * credentials or revocation for each. Credentials the api makes are shown once, on top, until the admin says they
 * saved them; several can wait there, so that no password is lost to the next action. The api enforces the
 * permission; the route and the header link only keep others from a page of refusals.
 */
export function DeviceAdminPage() {
  const { t } = useTranslation()
  const language = useLanguage()
  const searchId = useId()
  const list = useAdminDevices()
  const sites = useApi('sites', fetchSites)
  const [provisioning, setProvisioning] = useState(false)
  const [shown, setShown] = useState<ShownCredentials[]>([])
  const [query, setQuery] = useState('')
  // Kept as a key and its values, so that a change of language translates it too.
  const [notice, setNotice] = useState<{ key: string; values: Record<string, string> }>()
  const visible = useMemo(() => list.devices.filter((device) => matches(device, query)), [list.devices, query])

  const showCredentials = (credentials: ShownCredentials) => {
    setNotice(undefined)
    setShown((previous) => [credentials, ...previous.filter((c) => c.deviceId !== credentials.deviceId)])
  }

  if (list.status === 'error' && list.failure && isForbidden(list.failure)) return <NotAllowed failure={list.failure} />
  return (
    <div className="page device-admin-page" data-testid="device-admin-page">
      <title>{`${t('deviceAdmin.title')} · ${t('app.name')}`}</title>
      <div className="admin-page__head">
        <div>
          <h1 className="admin-page__title">{t('deviceAdmin.title')}</h1>
          {list.status === 'ok' && (
            <p className="admin-page__count">{t('deviceAdmin.count', { count: list.devices.length })}</p>
          )}
        </div>
        <button
          type="button"
          className="button button--primary"
          data-testid="device-provision"
          aria-expanded={provisioning}
          onClick={() => setProvisioning((value) => !value)}
        >
          {t('deviceAdmin.new')}
        </button>
      </div>
      {shown.map((credentials) => (
        <CredentialsPanel
          key={credentials.deviceId}
          credentials={credentials}
          onDone={() => setShown((previous) => previous.filter((c) => c !== credentials))}
        />
      ))}
      {notice && (
        <p className="notice notice--ok admin-page__notice" role="status" data-testid="device-admin-notice">
          {t(notice.key, notice.values)}
        </p>
      )}
      {provisioning && (
        <section className="panel admin-page__form" aria-labelledby="device-provision-title">
          <h2 className="admin-page__form-title" id="device-provision-title">
            {t('deviceAdmin.new')}
          </h2>
          <ProvisionForm
            sites={sites.data}
            onDone={({ device, password }) => {
              list.put(device)
              setProvisioning(false)
              showCredentials({
                deviceId: device.id,
                deviceName: localName(device, language),
                password,
                reason: 'created',
              })
            }}
            onCancel={() => setProvisioning(false)}
          />
        </section>
      )}
      {list.status === 'error' && list.failure && (
        <div className="admin-page__failed">
          <FormError error={requestError(list.failure)} testId="device-admin-error" />
          <button type="button" className="button" onClick={list.reload}>
            {t('auth.retry')}
          </button>
        </div>
      )}
      {list.devices.length > 0 && (
        <div className="field admin-page__search">
          <label className="field__label field__label--minor" htmlFor={searchId}>
            {t('deviceAdmin.search')}
          </label>
          <input
            id={searchId}
            type="search"
            className="input"
            data-testid="device-admin-search"
            value={query}
            placeholder={t('deviceAdmin.searchPlaceholder')}
            onChange={(event) => setQuery(event.target.value)}
            autoComplete="off"
          />
        </div>
      )}
      {list.status === 'loading' && list.devices.length === 0 ? (
        <div className="empty-state" role="status">
          <span className="spinner" aria-hidden="true" />
          <p>{t('deviceAdmin.loading')}</p>
        </div>
      ) : list.status === 'ok' && visible.length === 0 ? (
        <p className="admin-page__empty" data-testid="device-admin-empty">
          {list.devices.length === 0 ? t('deviceAdmin.empty') : t('deviceAdmin.noMatch')}
        </p>
      ) : (
        visible.length > 0 && (
          <div className="panel admin-table__frame">
            <DeviceAdminTable
              devices={visible}
              sites={sites.data}
              onRotated={(device, password) => {
                list.put({ ...device, revokedAt: undefined })
                showCredentials({
                  deviceId: device.id,
                  deviceName: localName(device, language),
                  password,
                  reason: 'rotated',
                })
              }}
              onRevoked={(device) => {
                list.put({ ...device, revokedAt: Date.now() })
                setNotice({ key: 'deviceAdmin.notices.revoked', values: { name: localName(device, language) } })
              }}
            />
          </div>
        )
      )}
    </div>
  )
}
