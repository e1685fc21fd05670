import type { Site } from '@fm/protocol'
import { Fragment, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { attempt } from '../../api.ts'
import { type AdminDevice, revokeDevice, rotateDeviceCredentials } from '../../devices/device-admin-api.ts'
import { deviceLocation } from '../../devices/grouping.ts'
import { localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { AdminPanelRow } from '../admin/AdminPanelRow.tsx'
import { AdminTableHead } from '../admin/AdminTableHead.tsx'
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

type Action = 'rotate' | 'revoke'

/** New credentials also let a revoked device back in; revoking it again would do nothing. */
const actionsFor = (state: DeviceState): Action[] => (state === 'revoked' ? ['rotate'] : ['rotate', 'revoke'])

/** Revoking is red: it shuts the device out. */
const ACTION_CLASS: Record<Action, string> = {
  rotate: 'button button--small',
  revoke: 'button button--small button--danger-quiet',
}

type Asking = { device: AdminDevice; action: Action } | undefined

/** The columns before the buttons, by their key under `deviceAdmin.fields`. */
const FIELDS = ['id', 'name', 'kind', 'site', 'place', 'status'] as const

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

  /** Each action's request; it answers with how to tell the page, which happens only once the api agreed. */
  const perform: Record<Action, (device: AdminDevice) => Promise<() => void>> = {
    rotate: async (device) => {
      const { password } = await rotateDeviceCredentials(device.id)
      return () => onRotated(device, password)
    },
    revoke: async (device) => {
      await revokeDevice(device.id)
      return () => onRevoked(device)
    },
  }

  /** Runs the confirmed action; the failure, if any, shows under the device's row. */
  async function confirm() {
    if (!asking) return
    const { device, action } = asking
    setPending(true)
    setRowError(undefined)
    const result = await attempt(() => perform[action](device))
    setPending(false)
    setAsking(undefined)
    if (result.ok) result.value()
    else setRowError({ id: device.id, error: requestError(result.failure) })
  }

  return (
    <>
      <table className="admin-table device-admin-table" data-testid="device-admin-table">
        <AdminTableHead
          columns={FIELDS.map((key) => t(`deviceAdmin.fields.${key}`))}
          actions={t('deviceAdmin.actions')}
        />
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
                    <span
                      className="admin-table__badge device-state"
                      data-state={state}
                      data-testid="device-admin-state"
                    >
                      {t(`deviceAdmin.states.${state}`)}
                    </span>
                  </td>
                  <td className="admin-table__actions">
                    {actionsFor(state).map((action) => (
                      <button
                        key={action}
                        type="button"
                        className={ACTION_CLASS[action]}
                        data-testid={`device-${action}`}
                        onClick={() => setAsking({ device, action })}
                      >
                        {t(`deviceAdmin.${action}`)}
                      </button>
                    ))}
                  </td>
                </tr>
                {rowError?.id === device.id && (
                  <AdminPanelRow columns={FIELDS.length + 1}>
                    <FormError error={rowError.error} testId="device-row-error" />
                  </AdminPanelRow>
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
