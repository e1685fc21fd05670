import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { CopyButton } from '../forms/CopyButton.tsx'

/** MQTT credentials the api just made: shown here once, and nowhere else, ever. */
export interface ShownCredentials {
  deviceId: string
  deviceName: string
  password: string
  /** A new device, or new credentials for one that has them already. */
  reason: 'created' | 'rotated'
}

/**
 * The username and password of a device, right after the api made them, with the warning that they cannot be shown
 * again: only a hash is kept. The device's MQTT username and client id are its id. The panel takes the focus, so a
 * screen reader reads the warning first, and stays until the admin says they saved the password.
 */
export function CredentialsPanel({ credentials, onDone }: { credentials: ShownCredentials; onDone: () => void }) {
  const { t } = useTranslation()
  const heading = useRef<HTMLHeadingElement>(null)
  const username = useRef<HTMLElement>(null)
  const password = useRef<HTMLElement>(null)
  const { deviceId, deviceName, reason } = credentials

  useEffect(() => heading.current?.focus(), [])

  return (
    <section
      className="panel credentials"
      data-testid="device-credentials"
      data-device-id={deviceId}
      data-reason={reason}
      aria-labelledby={`credentials-${deviceId}`}
    >
      <h2 className="credentials__title" id={`credentials-${deviceId}`} ref={heading} tabIndex={-1}>
        {t(`deviceAdmin.credentials.${reason}`, { name: deviceName })}
      </h2>
      <p className="notice credentials__warning" role="alert" data-testid="credentials-warning">
        {t('deviceAdmin.credentials.once')}
      </p>
      <dl className="credentials__values">
        <div className="credentials__value">
          <dt>{t('deviceAdmin.credentials.username')}</dt>
          <dd>
            <code ref={username} data-testid="credentials-username">
              {deviceId}
            </code>
            <CopyButton
              value={deviceId}
              label={t('deviceAdmin.credentials.copyUsername')}
              source={username}
              testId="copy-username"
            />
          </dd>
        </div>
        <div className="credentials__value">
          <dt>{t('deviceAdmin.credentials.password')}</dt>
          <dd>
            <code ref={password} data-testid="credentials-password">
              {credentials.password}
            </code>
            <CopyButton
              value={credentials.password}
              label={t('deviceAdmin.credentials.copyPassword')}
              source={password}
              testId="copy-password"
            />
          </dd>
        </div>
      </dl>
      <p className="field__hint">{t('deviceAdmin.credentials.hint')}</p>
      <div className="form-actions">
        <button type="button" className="button" data-testid="credentials-done" onClick={onDone}>
          {t('deviceAdmin.credentials.done')}
        </button>
      </div>
    </section>
  )
}
