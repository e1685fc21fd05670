import { type FormEvent, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, Navigate, useSearchParams } from 'react-router'
import { Field } from '../components/forms/Field.tsx'
import { checkError, FormError, requestError, type ShownError } from '../components/forms/FormError.tsx'
import { PasswordInput } from '../components/forms/PasswordInput.tsx'
import { LanguageToggle } from '../components/layout/LanguageToggle.tsx'
import { Loading } from '../components/layout/Loading.tsx'
import { safeNext } from '../session/paths.ts'
import { useSession } from '../session/SessionContext.ts'
import '../components/forms/forms.css'
import '../components/layout/AppHeader.css'

/**
 * `/login`: a screen of its own, without the live header, so that a phone shows the form above the keyboard. After
 * signing in the user goes back to `next`, the page that sent them here. Wrong credentials, a locked account and too
 * many attempts each get their own sentence, from the api's code. Someone whose session ended on the server is told
 * so, rather than wondering why they see this page.
 */
export function LoginPage() {
  const { t } = useTranslation()
  const { status, user } = useSession()
  const [params] = useSearchParams()
  const next = safeNext(params.get('next'))

  if (user) return <Navigate to={next} replace />
  // Until the api said who this is, a spinner: a signed-in user goes on at once, and the form would only flash past.
  const checking = status === 'loading'
  return (
    <div className="auth-screen" data-testid={checking ? 'session-checking' : 'login-page'}>
      <title>{`${t('login.title')} · ${t('app.name')}`}</title>
      <div className="auth-screen__top">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width="32" height="32" className="brand__logo" />
          <span className="brand__name">{t('app.name')}</span>
        </Link>
        <LanguageToggle />
      </div>
      <main id="main" className="auth-screen__main">
        {checking ? <Loading text={t('auth.checking')} /> : <LoginForm />}
      </main>
    </div>
  )
}

function LoginForm() {
  const { t } = useTranslation()
  const { ended, login } = useSession()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<ShownError>()
  const [pending, setPending] = useState(false)
  const usernameRef = useRef<HTMLInputElement>(null)
  const passwordRef = useRef<HTMLInputElement>(null)

  // The one thing to do here is type a name; a focused field also brings up the phone's keyboard.
  useEffect(() => usernameRef.current?.focus(), [])

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (pending) return
    const name = username.trim()
    if (!name) {
      setError(checkError('username-missing', t('login.usernameMissing')))
      usernameRef.current?.focus()
      return
    }
    if (!password) {
      setError(checkError('password-missing', t('login.passwordMissing')))
      passwordRef.current?.focus()
      return
    }
    setPending(true)
    const result = await login(name, password)
    setPending(false)
    // On success the session has the user and this page redirects on its next render.
    if (result.ok) return
    setError(requestError(result.failure))
    if (result.failure.code === 'FM_ERR_AUTH_FAILED') {
      setPassword('')
      passwordRef.current?.focus()
    }
  }

  // Which field to mark: a lock, a rate limit or the network are not the fault of what was typed.
  const code = error?.failure.code
  const wrong = code === 'FM_ERR_AUTH_FAILED'
  return (
    <form className="auth-card" method="post" noValidate onSubmit={(event) => void submit(event)}>
      <h1 className="auth-card__title">{t('login.title')}</h1>
      <p className="auth-card__lead">{t('login.lead')}</p>
      {ended === 'expired' && !error && (
        <p className="notice" role="status" data-testid="login-expired">
          {t('login.expired')}
        </p>
      )}
      <Field htmlFor="login-username" label={t('login.username')}>
        <input
          id="login-username"
          ref={usernameRef}
          className="input"
          data-testid="login-username"
          name="username"
          value={username}
          onChange={(event) => setUsername(event.target.value)}
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          enterKeyHint="next"
          aria-invalid={wrong || code === 'username-missing' || undefined}
        />
      </Field>
      <Field htmlFor="login-password" label={t('login.password')}>
        <PasswordInput
          id="login-password"
          testId="login-password"
          inputRef={passwordRef}
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          enterKeyHint="go"
          invalid={wrong || code === 'password-missing'}
        />
      </Field>
      <FormError error={error} testId="login-error" />
      <button
        type="submit"
        className="button button--primary button--block"
        data-testid="login-submit"
        disabled={pending}
      >
        {pending ? t('login.submitting') : t('login.submit')}
      </button>
      <p className="auth-card__help">{t('login.forgot')}</p>
    </form>
  )
}
