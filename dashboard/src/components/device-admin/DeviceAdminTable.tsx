import type { Site } from '@fm/protocol'
import { Fragment, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { attempt, type Failure } from '../../api.ts'
import { type AdminDevice, revokeDevice, rotateDeviceCredentials } from '../../devices/device-admin-api.ts'
import { deviceLocation } from '../../devices/grouping.ts'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { ConfirmDialog } from '../forms/ConfirmDialog.tsx'
import { FormError, requestError, type ShownError } from '../forms/FormError.tsx'
import { KindIcon } from '../value/KindIcon.tsx'

type DeviceState = 'online' | 'offline' | 'revoked'

/** A revoked device may still show online for the moment the broker takes to drop it: revoked is what matters. */
function stateOf(device: AdminDevice): DeviceState {
  if (device.revokedAt !== undefined) return 'revoked'
  return device.online ? 'online' : 'offline'
}

interface DeviceAdminTableProps {
  devices: AdminDevice[]
  sites: Site[] | undefined
  onRotated: (device: AdminDevice, password: string) => void
  onRevoked: (device: AdminDevice) => void
}

type Asking = { device: AdminDevice; action: 'rotate' | 'revoke' } | undefined

const COLUMNS = 7

/**
 * Every device with where it is and whether it is connected, and the two things an admin does to one: new
 * credentials, or shutting it out. Both cut the device off at once, so both are confirmed first.
 */
export function DeviceAdminTable({ devices, sites, onRotated, onRevoked }: DeviceAdminTableProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const [asking, setAsking] = useState<Asking>()
  const [pending, setPending] = useState(false)
  const [rowError, setRowError] = useState<{ id: string; error: ShownError }>()

  const siteOf = (device: AdminDevice) => sites?.find((site) => site.id === device.siteId)
  /** "3栋 · 生活水泵房": the building, then the room, by name where the site is known, else by id. */
  const placeText = (device: AdminDevice) => {
    const { building, room } = deviceLocation(device, siteOf(device))
    const names = [
      building ? localName(building, language) : device.buildingId,
      room ? localName(room, language) : device.roomId,
    ]
    return names.filter(Boolean).join(' · ') || t('deviceAdmin.noPlace')
  }

  /** Runs the confirmed action; the failure, if any, shows under the device's row. */
  async function confirm() {
    if (!asking) return
    const { device, action } = asking
    setPending(true)
    setRowError(undefined)
    const failure = action === 'rotate' ? await rotate(device) : await revoke(device)
    setPending(false)
    setAsking(undefined)
    if (failure) setRowError({ id: device.id, error: requestError(failure) })
  }

  async function rotate(device: AdminDevice): Promise<Failure | undefined> {
    const result = await attempt(() => rotateDeviceCredentials(device.id))
    if (!result.ok) return result.failure
    onRotated(device, result.value.password)
    return undefined
  }

  async function revoke(device: AdminDevice): Promise<Failure | undefined> {
    const result = await attempt(() => revokeDevice(device.id))
    if (!result.ok) return result.failure
    onRevoked(device)
    return undefined
  }

  return (
    <>
      <table className="admin-table device-admin-table" data-testid="device-admin-table">
        <thead>
          <tr>
            <th scope="col">{t('deviceAdmin.fields.id')}</th>
            <th scope="col">{t('deviceAdmin.fields.name')}</th>
            <th scope="col">{t('deviceAdmin.fields.kind')}</th>
            <th scope="col">{t('deviceAdmin.fields.site')}</th>
            <th scope="col">{t('deviceAdmin.fields.place')}</th>
            <th scope="col">{t('deviceAdmin.fields.status')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('deviceAdmin.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {devices.map((device) => {
            const state = stateOf(device)
            const site = siteOf(device)
            return (
              <Fragment key={device.id}>
                <tr
                  className="admin-table__row"
                  data-testid="device-admin-row"
                  data-device-id={device.id}
                  data-state={state}
                >
                  <td data-label={t('deviceAdmin.fields.id')} className="admin-table__mono">
                    {device.id}
                  </td>
                  <td data-label={t('deviceAdmin.fields.name')} className="admin-table__strong">
                    {localName(device, language)}
                  </td>
                  <td data-label={t('deviceAdmin.fields.kind')}>
                    <span className="device-admin-table__kind">
                      <KindIcon kind={device.kind} size={18} />
                      {t(`kinds.${device.kind}`)}
                    </span>
                  </td>
                  <td data-label={t('deviceAdmin.fields.site')}>{site ? localName(site, language) : device.siteId}</td>
                  <td data-label={t('deviceAdmin.fields.place')}>{placeText(device)}</td>
                  <td data-label={t('deviceAdmin.fields.status')}>
                    <span className="device-state" data-state={state} data-testid="device-admin-state">
                      {t(`deviceAdmin.states.${state}`)}
                    </span>
                  </td>
                  <td className="admin-table__actions">
                    <button
                      type="button"
                      className="button button--small"
                      data-testid="device-rotate"
                      onClick={() => setAsking({ device, action: 'rotate' })}
                    >
                      {t('deviceAdmin.rotate')}
                    </button>
                    {state !== 'revoked' && (
                      <button
                        type="button"
                        className="button button--small button--danger-quiet"
                        data-testid="device-revoke"
                        onClick={() => setAsking({ device, action: 'revoke' })}
                      >
                        {t('deviceAdmin.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
                {rowError?.id === device.id && (
                  <tr className="admin-table__panel">
                    <td colSpan={COLUMNS}>
                      <FormError error={rowError.error} testId="device-row-error" />
                    </td>
                  </tr>
                )}
              </Fragment>
            )
          })}
        </tbody>
      </table>
      {asking && (
        <ConfirmDialog
          testId={`confirm-${asking.action}`}
          title={t(`deviceAdmin.confirm.${asking.action}Title`, { name: localName(asking.device, language) })}
          confirmLabel={t(`deviceAdmin.confirm.${asking.action}`)}
          cancelLabel={t('deviceAdmin.cancel')}
          danger
          pending={pending}
          onConfirm={() => void confirm()}
          onCancel={() => setAsking(undefined)}
        >
          <p>{t(`deviceAdmin.confirm.${asking.action}Body`, { id: asking.device.id })}</p>
        </ConfirmDialog>
      )}
    </>
  )
}
