import { useId, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { fetchSites, isForbidden } from '../api.ts'
import {
  AdminFormPanel,
  AdminHead,
  AdminNotice,
  LoadFailed,
  type Notice,
  OpenFormButton,
} from '../components/admin/AdminLayout.tsx'
import { CredentialsPanel, type ShownCredentials } from '../components/device-admin/CredentialsPanel.tsx'
import { DeviceAdminTable } from '../components/device-admin/DeviceAdminTable.tsx'
import { ProvisionForm } from '../components/device-admin/ProvisionForm.tsx'
import { Field } from '../components/forms/Field.tsx'
import { Loading } from '../components/layout/Loading.tsx'
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
  const [notice, setNotice] = useState<Notice>()
  const visible = useMemo(() => list.items.filter((device) => matches(device, query)), [list.items, query])

  const showCredentials = (credentials: ShownCredentials) => {
    setNotice(undefined)
    setShown((previous) => [credentials, ...previous.filter((c) => c.deviceId !== credentials.deviceId)])
  }

  if (list.status === 'error' && list.failure && isForbidden(list.failure)) return <NotAllowed failure={list.failure} />
  return (
    <div className="page device-admin-page" data-testid="device-admin-page">
      <AdminHead
        title={t('deviceAdmin.title')}
        count={list.status === 'ok' ? t('deviceAdmin.count', { count: list.items.length }) : undefined}
      >
        <OpenFormButton
          testId="device-provision"
          open={provisioning}
          onClick={() => setProvisioning((value) => !value)}
        >
          {t('deviceAdmin.new')}
        </OpenFormButton>
      </AdminHead>
      {shown.map((credentials) => (
        <CredentialsPanel
          key={credentials.deviceId}
          credentials={credentials}
          onDone={() => setShown((previous) => previous.filter((c) => c !== credentials))}
        />
      ))}
      <AdminNotice notice={notice} testId="device-admin-notice" />
      {provisioning && (
        <AdminFormPanel titleId="device-provision-title" title={t('deviceAdmin.new')}>
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
        </AdminFormPanel>
      )}
      {list.status === 'error' && list.failure && (
        <LoadFailed failure={list.failure} testId="device-admin-error" onRetry={list.reload} />
      )}
      {list.items.length > 0 && (
        <Field htmlFor={searchId} label={t('deviceAdmin.search')} minor className="admin-page__search">
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
        </Field>
      )}
      {list.status === 'loading' && list.items.length === 0 ? (
        <Loading text={t('deviceAdmin.loading')} />
      ) : list.status === 'ok' && visible.length === 0 ? (
        <p className="admin-page__empty" data-testid="device-admin-empty">
          {list.items.length === 0 ? t('deviceAdmin.empty') : t('deviceAdmin.noMatch')}
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
