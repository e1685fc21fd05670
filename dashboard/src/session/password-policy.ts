/**
 * The store's password policy, checked before a request so that the form can say what is wrong in the reader's
 * language. Mirrors `store/src/user-policy.ts` (`checkPassword`), which the dashboard may not import; the api checks
 * again and also refuses the most common passwords (`FM_ERR_PASSWORD_WEAK`).
 */
export const PASSWORD_MIN_CHARS = 10
export const PASSWORD_MAX_CHARS = 256

export type PasswordProblem = 'too-short' | 'too-long' | 'is-username' | 'repeat-differs'

/** Characters as the store counts them: code points, so "密码" is two. */
function charCount(text: string): number {
  return [...text].length
}

/** The first rule a new password breaks, or undefined; `repeat` is checked when given. */
export function passwordProblem(password: string, username: string, repeat?: string): PasswordProblem | undefined {
  const length = charCount(password)
  if (length < PASSWORD_MIN_CHARS) return 'too-short'
  if (length > PASSWORD_MAX_CHARS) return 'too-long'
  if (username !== '' && password.toLowerCase() === username.toLowerCase()) return 'is-username'
  if (repeat !== undefined && repeat !== password) return 'repeat-differs'
  return undefined
}

/** The rules shown next to a password field, each with whether `password` keeps it yet. */
export function passwordRules(password: string, username: string): { rule: 'length' | 'username'; ok: boolean }[] {
  return [
    { rule: 'length', ok: charCount(password) >= PASSWORD_MIN_CHARS },
    { rule: 'username', ok: password !== '' && password.toLowerCase() !== username.toLowerCase() },
  ]
}
