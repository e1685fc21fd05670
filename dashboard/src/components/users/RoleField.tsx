import { ROLE_PERMISSIONS, USER_ROLES, type UserRole } from '@fm/protocol'
import { useTranslation } from 'react-i18next'

interface RoleFieldProps {
  id: string
  value: UserRole
  onChange: (role: UserRole) => void
  disabled?: boolean
  hint?: string | undefined
}

/** The role, by its translated name, with who it is for and, on request, everything it allows (`ROLE_PERMISSIONS`). */
export function RoleField({ id, value, onChange, disabled = false, hint }: RoleFieldProps) {
  const { t } = useTranslation()
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {t('users.fields.role')}
      </label>
      <select
        id={id}
        className="select"
        data-testid="user-form-role"
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value as UserRole)}
      >
        {USER_ROLES.map((role) => (
          <option key={role} value={role}>
            {t(`roles.${role}`)}
          </option>
        ))}
      </select>
      <p className="field__hint">{hint ?? t(`roleHints.${value}`)}</p>
      <details className="role-permissions">
        <summary>{t('users.permissionsOf', { role: t(`roles.${value}`) })}</summary>
        <ul data-testid="role-permissions">
          {ROLE_PERMISSIONS[value].map((permission) => (
            <li key={permission} data-permission={permission}>
              {t(`permissions.${permission}`)}
            </li>
          ))}
        </ul>
      </details>
    </div>
  )
}
