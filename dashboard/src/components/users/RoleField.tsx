import { ROLE_PERMISSIONS, USER_ROLES, type UserRole } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { Field } from '../forms/Field.tsx'
import { Select } from '../forms/Select.tsx'

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
    <Field htmlFor={id} label={t('users.fields.role')}>
      <Select
        id={id}
        testId="user-form-role"
        value={value}
        disabled={disabled}
        onChange={onChange}
        options={USER_ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
      />
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
    </Field>
  )
}
