import { type Ref, useState } from 'react'
import { useTranslation } from 'react-i18next'

interface PasswordInputProps {
  id: string
  testId: string
  value: string
  onChange: (value: string) => void
  autoComplete: 'current-password' | 'new-password'
  enterKeyHint?: 'next' | 'go' | 'done'
  invalid?: boolean
  describedBy?: string | undefined
  inputRef?: Ref<HTMLInputElement>
}

/**
 * A password field with a button that shows what was typed: on a phone keyboard a typo is easy and invisible, and a
 * locked account costs a technician fifteen minutes.
 */
export function PasswordInput(props: PasswordInputProps) {
  const { t } = useTranslation()
  const [shown, setShown] = useState(false)
  return (
    <div className="password-input">
      <input
        id={props.id}
        ref={props.inputRef}
        className="input"
        data-testid={props.testId}
        type={shown ? 'text' : 'password'}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        autoComplete={props.autoComplete}
        autoCapitalize="none"
        autoCorrect="off"
        spellCheck={false}
        enterKeyHint={props.enterKeyHint}
        aria-invalid={props.invalid || undefined}
        aria-describedby={props.describedBy}
      />
      <button
        type="button"
        className="password-input__toggle"
        aria-pressed={shown}
        aria-label={t('auth.showPassword')}
        title={t('auth.showPassword')}
        onClick={() => setShown((value) => !value)}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path
            d="M2.5 12S6 5.5 12 5.5 21.5 12 21.5 12 18 18.5 12 18.5 2.5 12 2.5 12Z"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.6"
          />
          <circle cx="12" cy="12" r="3" fill="none" stroke="currentColor" strokeWidth="1.6" />
          {shown && <path d="M4 20 20 4" stroke="currentColor" strokeWidth="1.6" />}
        </svg>
      </button>
    </div>
  )
}
