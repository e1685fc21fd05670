import type { WorkOrderView } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { PrioritySubject } from '../alarms/PriorityBadge.tsx'
import { FormDialog, type FormDialogProps } from '../forms/FormDialog.tsx'
import { useWorkOrderPlace } from './useWorkOrderPlace.ts'

type WorkOrderDialogProps = Omit<FormDialogProps, 'cancelLabel' | 'subject' | 'title' | 'testId' | 'submitLabel'> & {
  order: WorkOrderView
  /** The action, or `reassign`, `override`: names the title (`workOrders.dialog.titles.<kind>`) and `wo-dialog-<kind>`. */
  kind: string
  /** The title and the submit button, when not the kind's own (`workOrders.actions.<kind>`). */
  title?: string | undefined
  submitLabel?: string | undefined
}

/** A modal form about one work order, with its number, priority, title and place on top. */
export function WorkOrderDialog({ order, kind, title, submitLabel, children, ...form }: WorkOrderDialogProps) {
  const { t } = useTranslation()
  const { place } = useWorkOrderPlace(order)
  return (
    <FormDialog
      {...form}
      title={title ?? t(`workOrders.dialog.titles.${kind}`)}
      testId={`wo-dialog-${kind}`}
      submitLabel={submitLabel ?? t(`workOrders.actions.${kind}`)}
      cancelLabel={t('workOrders.dialog.cancel')}
      subject={
        <PrioritySubject
          priority={order.priority}
          title={`${order.number} · ${order.title}`}
          detail={[t(`workOrders.categories.${order.category}`), place].filter(Boolean).join(' · ')}
        />
      }
    >
      {children}
    </FormDialog>
  )
}
