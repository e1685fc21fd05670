/** Where the sign-in pages are, and the `next` parameter that brings a user back to where they were. */
export const LOGIN_PATH = '/login'
export const PASSWORD_PATH = '/account/password'

/**
 * The page to go to after signing in: `next` when it is a path of this app, else the overview. A `next` that leads
 * elsewhere ("//evil.example", "https://…", "/\\evil") is ignored, so a link cannot send a user off-site.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/'
  if (next === LOGIN_PATH || next.startsWith(`${LOGIN_PATH}?`)) return '/'
  return next
}

/** `path` with `next` as its query, left out when it is the overview. */
export function withNext(path: string, next: string): string {
  const safe = safeNext(next)
  return safe === '/' ? path : `${path}?${new URLSearchParams({ next: safe })}`
}
