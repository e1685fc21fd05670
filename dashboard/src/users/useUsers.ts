import { useCallback, useEffect, useState } from 'react'
import { type Failure, failureOf } from '../api.ts'
import { fetchUsers, type ListedUser } from './users-api.ts'

export interface UserList {
  status: 'loading' | 'ok' | 'error'
  users: ListedUser[]
  failure: Failure | undefined
  reload: () => void
  /** Puts the api's answer to a create or change into the list, without asking for the whole list again. */
  put: (user: ListedUser) => void
}

const byUsername = (a: ListedUser, b: ListedUser) => a.username.localeCompare(b.username)

/** Every user, sorted by username as the store lists them; kept through a failed reload. */
export function useUsers(): UserList {
  const [attempt, setAttempt] = useState(0)
  const [state, setState] = useState<Pick<UserList, 'status' | 'users' | 'failure'>>({
    status: 'loading',
    users: [],
    failure: undefined,
  })

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt number is the request to ask again
  useEffect(() => {
    const controller = new AbortController()
    setState((previous) => ({ ...previous, status: 'loading' }))
    fetchUsers(controller.signal).then(
      (users) => setState({ status: 'ok', users: [...users].sort(byUsername), failure: undefined }),
      (error: unknown) => {
        if (controller.signal.aborted) return
        setState((previous) => ({ ...previous, status: 'error', failure: failureOf(error) }))
      },
    )
    return () => controller.abort()
  }, [attempt])

  const reload = useCallback(() => setAttempt((n) => n + 1), [])
  const put = useCallback((user: ListedUser) => {
    setState((previous) => {
      const others = previous.users.filter((existing) => existing.id !== user.id)
      return { ...previous, users: [...others, user].sort(byUsername) }
    })
  }, [])
  return { ...state, reload, put }
}
