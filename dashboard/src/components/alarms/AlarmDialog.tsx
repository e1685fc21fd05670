import type { AlarmView } from '@fm/protocol'
import { useTranslation } from 'react-i18next'
import { ruleName } from '../../alarms/rules.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { FormDialog, type FormDialogProps } from '../forms/FormDialog.tsx'
import { PrioritySubject } from './PriorityBadge.tsx'
import { useAlarmPlace } from './useAlarmPlace.ts'

type AlarmDialogProps = Omit<FormDialogProps, 'cancelLabel' | 'subject' | 'danger'> & { alarm: AlarmView }

/** A modal form about one alarm (shelve it, take it out of service), the alarm it is about on top. */
export function AlarmDialog({ alarm, children, ...form }: AlarmDialogProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const { deviceName, place } = useAlarmPlace(alarm)
  return (
    <FormDialog
      {...form}
      cancelLabel={t('alarms.dialog.cancel')}
      subject={
        <PrioritySubject
          priority={alarm.priority}
          title={ruleName(alarm.ruleId, language, t)}
          detail={place ? `${deviceName} · ${place}` : deviceName}
        />
      }
    >
      {children}
    </FormDialog>
  )
}
