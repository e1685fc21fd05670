import type { WorkOrderActionInput, WorkOrderActionName, WorkOrderView } from '@fm/protocol'
import { type ReactNode, useMemo, useState } from 'react'
import { attempt, type Failure } from '../../api.ts'
import { useSession } from '../../session/SessionContext.ts'
import { type Actor, actionForm } from '../../workorders/actions.ts'
import { actOnWorkOrder } from '../../workorders/work-order-api.ts'
import { FormError, requestError, type ShownError } from '../forms/FormError.tsx'
import { HoldDialog, ReasonDialog, ResolveDialog, TriageDialog } from './ActionDialogs.tsx'
import { AssignDialog } from './AssignDialog.tsx'

type Dialog = { order: WorkOrderView; action: WorkOrderActionName; override?: boolean }

export interface WorkOrderActions {
  /** The signed-in user, for `availableActions`. */
  actor: Actor | undefined
  /** Takes `action` on `order`: at once when it asks for nothing, else through its dialog. */
  start: (order: WorkOrderView, action: WorkOrderActionName) => void
  /** The work order with a request under way: its buttons wait. */
  pendingId: number | undefined
  /** Why the last action without a dialog was refused, in words. */
  error: ReactNode
  /** The open dialog, if any. */
  dialogs: ReactNode
}

/**
 * The actions on work orders, for the board, the technician's queue and the detail: each answer (the work order in
 * its new state) goes to `onChange` at once. A verification the api refuses because the alarm is still active
 * becomes the supervisor's override, with its mandatory reason.
 */
export function useWorkOrderActions(onChange: (order: WorkOrderView) => void): WorkOrderActions {
  const { user, can } = useSession()
  const actor = useMemo(() => (user ? { username: user.username, can } : undefined), [user, can])
  const [dialog, setDialog] = useState<Dialog>()
  const [pendingId, setPendingId] = useState<number>()
  const [shown, setShown] = useState<ShownError>()

  const send = async (order: WorkOrderView, input: WorkOrderActionInput) => {
    setPendingId(order.id)
    const result = await attempt(() => actOnWorkOrder(order.id, input))
    setPendingId(undefined)
    if (result.ok) onChange(result.value)
    return result
  }

  const start = (order: WorkOrderView, action: WorkOrderActionName) => {
    setShown(undefined)
    if (actionForm(action) !== 'none') {
      setDialog({ order, action })
      return
    }
    void send(order, { action }).then((result) => {
      if (result.ok) return
      if (action === 'verify' && result.failure.code === 'FM_ERR_WO_ALARM_ACTIVE' && can('workorders.manage')) {
        setDialog({ order, action, override: true })
      } else {
        setShown(requestError(result.failure))
      }
    })
  }

  const close = () => setDialog(undefined)
  const submit = async (input: WorkOrderActionInput): Promise<Failure | undefined> => {
    if (!dialog) return undefined
    const result = await send(dialog.order, input)
    if (result.ok) close()
    return result.ok ? undefined : result.failure
  }

  let dialogs: ReactNode = null
  if (dialog) {
    const props = { order: dialog.order, onSubmit: submit, onCancel: close }
    const form = dialog.override ? 'reason' : actionForm(dialog.action)
    dialogs =
      form === 'assign' ? (
        <AssignDialog {...props} />
      ) : form === 'hold' ? (
        <HoldDialog {...props} />
      ) : form === 'resolve' ? (
        <ResolveDialog {...props} />
      ) : form === 'triage' ? (
        <TriageDialog {...props} />
      ) : (
        <ReasonDialog {...props} action={dialog.action} override={dialog.override} />
      )
  }
  return { actor, start, pendingId, error: <FormError error={shown} testId="wo-action-error" />, dialogs }
}
