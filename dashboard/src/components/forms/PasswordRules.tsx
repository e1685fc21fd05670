import { useTranslation } from 'react-i18next'
import { PASSWORD_MIN_CHARS, passwordRules } from '../../session/password-policy.ts'

/**
 * The password policy next to the field, each rule ticked as it is met, so nobody learns it from a refusal. The api
 * also refuses the most common passwords, which no list here can tick.
 */
export function PasswordRules({ id, password, username }: { id: string; password: string; username: string }) {
  const { t } = useTranslation()
  return (
    <ul className="password-rules" id={id} data-testid="password-rules">
      {passwordRules(password, username).map(({ rule, ok }) => (
        <li key={rule} data-rule={rule} data-ok={ok}>
          {t(`password.rules.${rule}`, { min: PASSWORD_MIN_CHARS })}
        </li>
      ))}
      <li data-rule="common">{t('password.rules.common')}</li>
    </ul>
  )
}
