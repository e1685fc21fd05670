import { useCallback, useEffect, useState } from 'react'
import { type Failure, failureOf } from '../api.ts'
import { type AdminDevice, fetchAdminDevices } from './device-admin-api.ts'

export interface AdminDeviceList {
  status: 'loading' | 'ok' | 'error'
  devices: AdminDevice[]
  failure: Failure | undefined
  reload: () => void
  /** Puts a new or changed device into the list, without asking for the whole list again. */
  put: (device: AdminDevice) => void
}

/** By site, then by id: the order an admin reads a manifest in. */
const bySiteAndId = (a: AdminDevice, b: AdminDevice) => a.siteId.localeCompare(b.siteId) || a.id.localeCompare(b.id)

/** Every device within the user's scope; kept through a failed reload. */
export function useAdminDevices(): AdminDeviceList {
  const [attempt, setAttempt] = useState(0)
  const [state, setState] = useState<Pick<AdminDeviceList, 'status' | 'devices' | 'failure'>>({
    status: 'loading',
    devices: [],
    failure: undefined,
  })

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt number is the request to ask again
  useEffect(() => {
    const controller = new AbortController()
    setState((previous) => ({ ...previous, status: 'loading' }))
    fetchAdminDevices(controller.signal).then(
      (devices) => setState({ status: 'ok', devices: [...devices].sort(bySiteAndId), failure: undefined }),
      (error: unknown) => {
        if (controller.signal.aborted) return
        setState((previous) => ({ ...previous, status: 'error', failure: failureOf(error) }))
      },
    )
    return () => controller.abort()
  }, [attempt])

  const reload = useCallback(() => setAttempt((n) => n + 1), [])
  const put = useCallback((device: AdminDevice) => {
    setState((previous) => {
      const others = previous.devices.filter((existing) => existing.id !== device.id)
      return { ...previous, devices: [...others, device].sort(bySiteAndId) }
    })
  }, [])
  return { ...state, reload, put }
}
