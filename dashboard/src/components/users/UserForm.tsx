import type { Site, UserRole, UserScope } from '@fm/protocol'
import { type FormEvent, useId, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { attempt } from '../../api.ts'
import { PASSWORD_MIN_CHARS, passwordProblem } from '../../session/password-policy.ts'
import { displayNameProblem, sameScope, scopeProblem, usernameProblem } from '../../users/user-policy.ts'
import { createUser, type ListedUser, type UserChange, updateUser } from '../../users/users-api.ts'
import { Field } from '../forms/Field.tsx'
import { checkError, requestError, type ShownError } from '../forms/FormError.tsx'
import { FormFooter } from '../forms/FormFooter.tsx'
import { PasswordInput } from '../forms/PasswordInput.tsx'
import { PasswordRules } from '../forms/PasswordRules.tsx'
import { RoleField } from './RoleField.tsx'
import { ScopeFields } from './ScopeFields.tsx'

type UserFormProps = {
  sites: Site[] | undefined
  onDone: (user: ListedUser) => void
  onCancel: () => void
} & ({ mode: 'create' } | { mode: 'edit'; user: ListedUser; self: boolean })

/** A new user: one compound's sites preselected, since most companies run one per api. */
function initialScope(sites: Site[] | undefined): UserScope {
  const only = sites?.length === 1 ? sites[0] : undefined
  return { allSites: false, siteIds: only ? [only.id] : [], buildingIds: [] }
}

/** Creates a user, or changes the name, role and scope of one. Checks what it can before asking the api. */
export function UserForm(props: UserFormProps) {
  const { t } = useTranslation()
  const id = useId()
  const editing = props.mode === 'edit' ? props.user : undefined
  const self = props.mode === 'edit' && props.self
  const [username, setUsername] = useState('')
  const [displayName, setDisplayName] = useState(editing?.displayName ?? '')
  const [role, setRole] = useState<UserRole>(editing?.role ?? 'technician')
  const [scope, setScope] = useState<UserScope>(editing?.scope ?? initialScope(props.sites))
  const [password, setPassword] = useState('')
  const [error, setError] = useState<ShownError>()
  const [pending, setPending] = useState(false)
  const usernameRef = useRef<HTMLInputElement>(null)
  const nameRef = useRef<HTMLInputElement>(null)
  const passwordRef = useRef<HTMLInputElement>(null)

  /** The first thing to fix, with the field to go to; undefined when the form may be sent. */
  function check(): { error: ShownError; field?: HTMLInputElement | null } | undefined {
    const problem = (code: string, field?: HTMLInputElement | null) => ({
      error: checkError(code, t(`users.problems.${code}`, { min: PASSWORD_MIN_CHARS })),
      field,
    })
    if (!editing && usernameProblem(username.trim())) return problem('username', usernameRef.current)
    if (displayNameProblem(displayName)) return problem('display-name', nameRef.current)
    const scopeIssue = scopeProblem(scope, role)
    if (scopeIssue) return problem(scopeIssue)
    const passwordIssue = editing ? undefined : passwordProblem(password, username.trim())
    if (passwordIssue) return problem(passwordIssue, passwordRef.current)
    return undefined
  }

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (pending) return
    const issue = check()
    if (issue) {
      setError(issue.error)
      issue.field?.focus()
      return
    }
    let request: () => Promise<ListedUser>
    if (editing) {
      const change: UserChange = {}
      if (displayName.trim() !== editing.displayName) change.displayName = displayName.trim()
      if (role !== editing.role) change.role = role
      if (!sameScope(scope, editing.scope)) change.scope = scope
      if (Object.keys(change).length === 0) return props.onCancel()
      request = () => updateUser(editing.id, change)
    } else {
      const input = { username: username.trim().toLowerCase(), displayName: displayName.trim(), role, scope, password }
      request = () => createUser(input)
    }
    setPending(true)
    const result = await attempt(request)
    setPending(false)
    if (result.ok) return props.onDone(result.value)
    setError(requestError(result.failure))
    if (result.failure.code === 'FM_ERR_USER_EXISTS') usernameRef.current?.focus()
    if (result.failure.code === 'FM_ERR_PASSWORD_WEAK') passwordRef.current?.focus()
  }

  const code = error?.failure.code
  return (
    <form className="user-form" data-testid="user-form" noValidate onSubmit={(event) => void submit(event)}>
      <div className="user-form__grid">
        {!editing && (
          <Field htmlFor={`${id}-username`} label={t('users.fields.username')}>
            <input
              id={`${id}-username`}
              ref={usernameRef}
              className="input"
              data-testid="user-form-username"
              value={username}
              onChange={(event) => setUsername(event.target.value)}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              aria-invalid={code === 'username' || code === 'FM_ERR_USER_EXISTS' || undefined}
            />
            <p className="field__hint">{t('users.usernameHint')}</p>
          </Field>
        )}
        <Field htmlFor={`${id}-name`} label={t('users.fields.displayName')}>
          <input
            id={`${id}-name`}
            ref={nameRef}
            className="input"
            data-testid="user-form-display-name"
            value={displayName}
            onChange={(event) => setDisplayName(event.target.value)}
            autoComplete="off"
            aria-invalid={code === 'display-name' || undefined}
          />
          <p className="field__hint">{t('users.displayNameHint')}</p>
        </Field>
        <RoleField
          id={`${id}-role`}
          value={role}
          onChange={setRole}
          disabled={self}
          hint={self ? t('users.ownRole') : undefined}
        />
        <ScopeFields
          id={`${id}-scope`}
          scope={scope}
          onChange={setScope}
          sites={props.sites}
          invalid={code === 'scope-empty' || code === 'site-id'}
        />
        {!editing && (
          <Field htmlFor={`${id}-password`} label={t('users.fields.password')}>
            <PasswordInput
              id={`${id}-password`}
              testId="user-form-password"
              inputRef={passwordRef}
              value={password}
              onChange={setPassword}
              autoComplete="new-password"
              describedBy={`${id}-rules`}
              invalid={
                code === 'too-short' || code === 'too-long' || code === 'is-username' || code === 'FM_ERR_PASSWORD_WEAK'
              }
            />
            <PasswordRules id={`${id}-rules`} password={password} username={username.trim()} />
            <p className="field__hint">{t('users.passwordHint')}</p>
          </Field>
        )}
      </div>
      <FormFooter
        testId="user-form"
        error={error}
        submitLabel={editing ? t('users.save') : t('users.create')}
        cancelLabel={t('users.cancel')}
        pending={pending}
        onCancel={props.onCancel}
      />
    </form>
  )
}
