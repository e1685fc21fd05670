import { type FormEvent, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { attempt } from '../../api.ts'
import { PASSWORD_MIN_CHARS, passwordProblem } from '../../session/password-policy.ts'
import { type ListedUser, setUserPassword } from '../../users/users-api.ts'
import { Field } from '../forms/Field.tsx'
import { checkError, requestError, type ShownError } from '../forms/FormError.tsx'
import { FormFooter } from '../forms/FormFooter.tsx'
import { PasswordInput } from '../forms/PasswordInput.tsx'
import { PasswordRules } from '../forms/PasswordRules.tsx'

/**
 * Sets a password for someone who forgot theirs. The api ends their sessions and asks them to choose their own at
 * the next login, so the administrator never keeps a working password of another person.
 */
export function ResetPasswordForm({
  user,
  onDone,
  onCancel,
}: {
  user: ListedUser
  onDone: () => void
  onCancel: () => void
}) {
  const { t } = useTranslation()
  const id = useId()
  const [password, setPassword] = useState('')
  const [error, setError] = useState<ShownError>()
  const [pending, setPending] = useState(false)
  const inputRef = useRef<HTMLInputElement>(null)

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (pending) return
    const problem = passwordProblem(password, user.username)
    if (problem) {
      setError(checkError(problem, t(`users.problems.${problem}`, { min: PASSWORD_MIN_CHARS })))
      inputRef.current?.focus()
      return
    }
    setPending(true)
    const result = await attempt(() => setUserPassword(user.id, password))
    setPending(false)
    if (result.ok) return onDone()
    setError(requestError(result.failure))
    inputRef.current?.focus()
  }

  return (
    <form className="user-form" data-testid="user-password-form" noValidate onSubmit={(event) => void submit(event)}>
      <Field
        htmlFor={`${id}-password`}
        label={t('users.newPasswordFor', { name: user.displayName })}
        className="user-form__password"
      >
        <PasswordInput
          id={`${id}-password`}
          testId="user-password-input"
          inputRef={inputRef}
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          describedBy={`${id}-rules`}
          invalid={error !== undefined}
        />
        <PasswordRules id={`${id}-rules`} password={password} username={user.username} />
        <p className="field__hint">{t('users.resetHint')}</p>
      </Field>
      <FormFooter
        testId="user-password"
        error={error}
        submitLabel={t('users.setPassword')}
        cancelLabel={t('users.cancel')}
        pending={pending}
        onCancel={onCancel}
      />
    </form>
  )
}
