import { type FormEvent, useEffect, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate, useSearchParams } from 'react-router'
import { Field } from '../components/forms/Field.tsx'
import { checkError, FormError, requestError, type ShownError } from '../components/forms/FormError.tsx'
import { PasswordInput } from '../components/forms/PasswordInput.tsx'
import { PasswordRules } from '../components/forms/PasswordRules.tsx'
import { PASSWORD_MIN_CHARS, passwordProblem } from '../session/password-policy.ts'
import { safeNext } from '../session/paths.ts'
import { useSession } from '../session/SessionContext.ts'
import '../components/forms/forms.css'

/**
 * `/account/password`: one's own password. A user who must choose a new one (the generated first admin, or one an
 * admin set) is sent here from every page and back to where they were going once it is done.
 */
export function PasswordPage() {
  const { t } = useTranslation()
  const { user, changePassword } = useSession()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const rulesId = useId()
  const [current, setCurrent] = useState('')
  const [fresh, setFresh] = useState('')
  const [repeat, setRepeat] = useState('')
  const [error, setError] = useState<ShownError>()
  const [pending, setPending] = useState(false)
  const [done, setDone] = useState(false)
  const currentRef = useRef<HTMLInputElement>(null)
  const freshRef = useRef<HTMLInputElement>(null)
  const repeatRef = useRef<HTMLInputElement>(null)
  // Sent here from another page, the user's next step is to type: the first field is ready for it.
  useEffect(() => currentRef.current?.focus(), [])
  // The route lets only signed-in users here.
  if (!user) return null
  const forced = user.mustChangePassword
  const username = user.username

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (pending) return
    setDone(false)
    if (!current) {
      setError(checkError('current-missing', t('password.currentMissing')))
      currentRef.current?.focus()
      return
    }
    const problem = passwordProblem(fresh, username, repeat)
    if (problem) {
      setError(checkError(problem, t(`password.problems.${problem}`, { min: PASSWORD_MIN_CHARS })))
      ;(problem === 'repeat-differs' ? repeatRef : freshRef).current?.focus()
      return
    }
    setPending(true)
    const result = await changePassword(current, fresh)
    setPending(false)
    if (!result.ok) {
      setError(requestError(result.failure))
      if (result.failure.code === 'FM_ERR_PASSWORD_CURRENT_INVALID') {
        setCurrent('')
        currentRef.current?.focus()
      } else freshRef.current?.focus()
      return
    }
    setError(undefined)
    setCurrent('')
    setFresh('')
    setRepeat('')
    const next = params.get('next')
    if (forced || next) void navigate(safeNext(next), { replace: true })
    else setDone(true)
  }

  const code = error?.failure.code
  return (
    <div className="page auth-page" data-testid="password-page">
      <title>{`${t('password.title')} · ${t('app.name')}`}</title>
      <form className="auth-card" method="post" noValidate onSubmit={(event) => void submit(event)}>
        <h1 className="auth-card__title">{t('password.title')}</h1>
        {forced ? (
          <p className="notice" data-testid="password-required">
            {t('password.required')}
          </p>
        ) : (
          <p className="auth-card__lead">{t('password.lead', { name: user.displayName })}</p>
        )}
        {/* For password managers: which account the new password belongs to. */}
        <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
        <Field htmlFor="password-current" label={t('password.current')}>
          <PasswordInput
            id="password-current"
            testId="password-current"
            inputRef={currentRef}
            value={current}
            onChange={setCurrent}
            autoComplete="current-password"
            enterKeyHint="next"
            invalid={code === 'current-missing' || code === 'FM_ERR_PASSWORD_CURRENT_INVALID'}
          />
        </Field>
        <Field htmlFor="password-new" label={t('password.new')}>
          <PasswordInput
            id="password-new"
            testId="password-new"
            inputRef={freshRef}
            value={fresh}
            onChange={setFresh}
            autoComplete="new-password"
            enterKeyHint="next"
            describedBy={rulesId}
            invalid={
              code === 'too-short' || code === 'too-long' || code === 'is-username' || code === 'FM_ERR_PASSWORD_WEAK'
            }
          />
          <PasswordRules id={rulesId} password={fresh} username={username} />
        </Field>
        <Field htmlFor="password-repeat" label={t('password.repeat')}>
          <PasswordInput
            id="password-repeat"
            testId="password-repeat"
            inputRef={repeatRef}
            value={repeat}
            onChange={setRepeat}
            autoComplete="new-password"
            enterKeyHint="go"
            invalid={code === 'repeat-differs'}
          />
        </Field>
        <FormError error={error} testId="password-error" />
        {done && (
          <p className="notice notice--ok" role="status" data-testid="password-done">
            {t('password.done')}
          </p>
        )}
        <button
          type="submit"
          className="button button--primary button--block"
          data-testid="password-submit"
          disabled={pending}
        >
          {pending ? t('password.submitting') : t('password.submit')}
        </button>
      </form>
    </div>
  )
}
