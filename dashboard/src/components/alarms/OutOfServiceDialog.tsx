import { type AlarmView, MAX_OUT_OF_SERVICE_MS, type OutOfServiceInput } from '@fm/protocol'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Failure } from '../../api.ts'
import { toDateTimeLocal } from '../../charts/ranges.ts'
import { Field } from '../forms/Field.tsx'
import { checkError } from '../forms/FormError.tsx'
import { AlarmDialog } from './AlarmDialog.tsx'
import { ReasonField, reasonProblem } from './ShelveDialog.tsx'

/** What the form proposes: two hours, a typical fire-zone test. */
const DEFAULT_OUT_OF_SERVICE_MS = 2 * 60 * 60 * 1000

export type UntilResult =
  | { ok: true; until: number }
  | { ok: false; code: 'until-missing' | 'until-past' | 'until-too-far' }

/** The end typed into a `datetime-local` field (local time), or why it cannot be sent. */
export function outOfServiceUntil(text: string, now: number): UntilResult {
  const until = new Date(text).getTime()
  if (!text || Number.isNaN(until)) return { ok: false, code: 'until-missing' }
  if (until <= now) return { ok: false, code: 'until-past' }
  if (until - now > MAX_OUT_OF_SERVICE_MS) return { ok: false, code: 'until-too-far' }
  return { ok: true, until }
}

interface OutOfServiceDialogProps {
  alarm: AlarmView
  onSubmit: (input: OutOfServiceInput) => Promise<Failure | undefined>
  onCancel: () => void
}

/**
 * Takes the alarm's point (this rule on this device) out of service until a time, for maintenance or a test: it
 * keeps being evaluated and journaled, does not sound, and comes back by itself at the end (at most a week).
 */
export function OutOfServiceDialog({ alarm, onSubmit, onCancel }: OutOfServiceDialogProps) {
  const { t } = useTranslation()
  const untilId = useId()
  const [until, setUntil] = useState(() => toDateTimeLocal(Date.now() + DEFAULT_OUT_OF_SERVICE_MS))
  const [reason, setReason] = useState('')
  const end = () => outOfServiceUntil(until, Date.now())
  return (
    <AlarmDialog
      alarm={alarm}
      title={t('alarms.dialog.outOfServiceTitle')}
      testId="oos-dialog"
      submitLabel={t('alarms.actions.outOfService')}
      check={() => {
        const result = end()
        if (!result.ok) return checkError(result.code, t(`alarms.dialog.problems.${result.code}`))
        return reasonProblem(reason, t('alarms.dialog.reasonMissing'))
      }}
      send={() => {
        const result = end()
        return onSubmit({ until: result.ok ? result.until : 0, reason: reason.trim() })
      }}
      onCancel={onCancel}
    >
      <Field htmlFor={untilId} label={t('alarms.dialog.until')}>
        <input
          id={untilId}
          type="datetime-local"
          className="input"
          data-testid="oos-until"
          value={until}
          onChange={(event) => setUntil(event.target.value)}
        />
        <p className="field__hint">{t('alarms.dialog.untilHint')}</p>
      </Field>
      <ReasonField testId="oos-reason" value={reason} onChange={setReason} />
    </AlarmDialog>
  )
}
