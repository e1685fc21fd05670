import type { AlarmView, FireStep, OutOfServiceInput, ShelveInput } from '@fm/protocol'
import { type ReactNode, useCallback, useMemo, useState } from 'react'
import {
  acknowledgeAlarm,
  recordFireStep,
  resetAlarm,
  returnToService,
  shelveAlarm,
  takeOutOfService,
  unshelveAlarm,
} from '../../alarms/alarm-api.ts'
import { attempt, type Failure, type Result } from '../../api.ts'
import { applyAlarms, useLiveStore } from '../../live/store.ts'
import { useSession } from '../../session/SessionContext.ts'
import { FormError, requestError, type ShownError } from '../forms/FormError.tsx'
import { OutOfServiceDialog } from './OutOfServiceDialog.tsx'
import { ShelveDialog } from './ShelveDialog.tsx'

/** What the rows and details of a page may do with an alarm, each as the user's role allows. */
export interface AlarmResponder {
  /** `alarms.respond`: acknowledge, shelve, reset, record fire steps. */
  canRespond: boolean
  /** `alarms.suppress`: take out of service, and back. */
  canSuppress: boolean
  /** Alarms with a request under way: their buttons wait. */
  pending: ReadonlySet<number>
  acknowledge(alarm: AlarmView): Promise<boolean>
  reset(alarm: AlarmView): Promise<boolean>
  unshelve(alarm: AlarmView): Promise<boolean>
  returnToService(alarm: AlarmView): Promise<boolean>
  fireStep(alarm: AlarmView, step: FireStep, note?: string): Promise<boolean>
  openShelve(alarm: AlarmView): void
  openOutOfService(alarm: AlarmView): void
  /** A dialog is open: the console's keys wait. */
  dialogOpen: boolean
}

type Dialog = { kind: 'shelve' | 'out-of-service'; alarm: AlarmView }

/**
 * The actions on alarms, for the console and the device page: each request's answer (the alarm in its new state)
 * goes into the live store at once; a refusal is shown in words from its code (`error`), never the api's message.
 * `dialogs` holds the shelve and out-of-service forms while one is open.
 */
export function useAlarmResponder(): { responder: AlarmResponder; error: ReactNode; dialogs: ReactNode } {
  const { can } = useSession()
  const store = useLiveStore()
  const [pending, setPending] = useState<ReadonlySet<number>>(new Set())
  const [shown, setShown] = useState<ShownError>()
  const [dialog, setDialog] = useState<Dialog>()

  /** Sends `request` for `alarm`; its answer updates the store. Resolves the result, and remembers a failure. */
  const send = useCallback(
    async (alarm: AlarmView, request: () => Promise<AlarmView>): Promise<Result<AlarmView>> => {
      setPending((previous) => new Set(previous).add(alarm.id))
      const result = await attempt(request)
      setPending((previous) => {
        const next = new Set(previous)
        next.delete(alarm.id)
        return next
      })
      if (result.ok) store.update((state) => applyAlarms(state, [result.value]))
      return result
    },
    [store],
  )
  /** `send` for a button: a failure is shown on the page. */
  const act = useCallback(
    async (alarm: AlarmView, request: () => Promise<AlarmView>): Promise<boolean> => {
      setShown(undefined)
      const result = await send(alarm, request)
      if (!result.ok) setShown(requestError(result.failure))
      return result.ok
    },
    [send],
  )

  const responder = useMemo<AlarmResponder>(
    () => ({
      canRespond: can('alarms.respond'),
      canSuppress: can('alarms.suppress'),
      pending,
      acknowledge: (alarm) => act(alarm, () => acknowledgeAlarm(alarm.id)),
      reset: (alarm) => act(alarm, () => resetAlarm(alarm.id)),
      unshelve: (alarm) => act(alarm, () => unshelveAlarm(alarm.id)),
      returnToService: (alarm) => act(alarm, () => returnToService(alarm.deviceId, alarm.ruleId)),
      fireStep: (alarm, step, note) => act(alarm, () => recordFireStep(alarm.id, step, note)),
      openShelve: (alarm) => setDialog({ kind: 'shelve', alarm }),
      openOutOfService: (alarm) => setDialog({ kind: 'out-of-service', alarm }),
      dialogOpen: dialog !== undefined,
    }),
    [can, pending, act, dialog],
  )

  const close = () => setDialog(undefined)
  /** A dialog's request: on success the dialog closes, on failure it stays open and says why. */
  const submit = async (alarm: AlarmView, request: () => Promise<AlarmView>): Promise<Failure | undefined> => {
    const result = await send(alarm, request)
    if (result.ok) close()
    return result.ok ? undefined : result.failure
  }
  const dialogs =
    dialog?.kind === 'shelve' ? (
      <ShelveDialog
        alarm={dialog.alarm}
        onSubmit={(input: ShelveInput) => submit(dialog.alarm, () => shelveAlarm(dialog.alarm.id, input))}
        onCancel={close}
      />
    ) : dialog?.kind === 'out-of-service' ? (
      <OutOfServiceDialog
        alarm={dialog.alarm}
        onSubmit={(input: OutOfServiceInput) =>
          submit(dialog.alarm, () => takeOutOfService(dialog.alarm.deviceId, dialog.alarm.ruleId, input))
        }
        onCancel={close}
      />
    ) : null
  return { responder, error: <FormError error={shown} testId="alarm-action-error" />, dialogs }
}
