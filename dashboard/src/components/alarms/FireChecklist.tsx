import { type AlarmView, FIRE_STEPS, type FireStep } from '@fm/protocol'
import { useId, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { formatTime } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { Field } from '../forms/Field.tsx'
import type { AlarmResponder } from './useAlarmResponder.tsx'

type Branch = 'first' | 'real' | 'false'

/** GB 25201 §5.3: verify first; then either the steps of a real fire, or the record of a false alarm. */
const BRANCH_OF: Readonly<Record<FireStep, Branch>> = {
  verify: 'first',
  'linkage-auto': 'real',
  'call-119': 'real',
  'plan-started': 'real',
  'false-alarm-recorded': 'false',
}
const BRANCHES: readonly Branch[] = ['first', 'real', 'false']

/**
 * The fire procedure of GB 25201 §5.3 as a checklist, the legally required record: each press records the step, the
 * api stamps it with the time and the operator, and a done step shows both. A false alarm needs its cause.
 */
export function FireChecklist({ alarm, responder }: { alarm: AlarmView; responder: AlarmResponder }) {
  const { t } = useTranslation()
  const language = useLanguage()
  const causeId = useId()
  const [cause, setCause] = useState('')
  const [causeMissing, setCauseMissing] = useState(false)
  const done = new Map((alarm.fireSteps ?? []).map((record) => [record.step, record]))
  const pending = responder.pending.has(alarm.id)

  const record = async (step: FireStep) => {
    const note = step === 'false-alarm-recorded' ? cause.trim() : undefined
    if (step === 'false-alarm-recorded' && !note) {
      setCauseMissing(true)
      return
    }
    setCauseMissing(false)
    if (await responder.fireStep(alarm, step, note)) setCause('')
  }

  const stepItem = (step: FireStep) => {
    const recorded = done.get(step)
    return (
      <li key={step} className="fire-step" data-done={recorded !== undefined}>
        <button
          type="button"
          className="fire-step__button"
          data-testid="fire-step"
          data-step={step}
          data-done={recorded !== undefined}
          disabled={recorded !== undefined || pending || !responder.canRespond}
          onClick={() => void record(step)}
        >
          <span className="fire-step__mark" aria-hidden="true">
            {recorded ? '✓' : ''}
          </span>
          <span className="fire-step__text">
            <span className="fire-step__label">{t(`alarms.fireSteps.${step}.label`)}</span>
            <span className="fire-step__hint">{t(`alarms.fireSteps.${step}.hint`)}</span>
          </span>
        </button>
        {recorded && (
          <p className="fire-step__done" data-testid="fire-step-done" data-step={step}>
            {t('alarms.fire.doneBy', { time: formatTime(recorded.at, language, 'stamp'), by: recorded.by })}
            {recorded.note && ` · ${recorded.note}`}
          </p>
        )}
      </li>
    )
  }

  return (
    <section
      className="fire-checklist"
      data-testid="fire-checklist"
      data-alarm-id={alarm.id}
      aria-label={t('alarms.fire.title')}
    >
      <h3 className="fire-checklist__title">{t('alarms.fire.title')}</h3>
      <p className="fire-checklist__lead">{t('alarms.fire.lead')}</p>
      {BRANCHES.map((branch) => (
        <div key={branch} className="fire-checklist__branch" data-branch={branch}>
          {branch !== 'first' && <h4>{t(`alarms.fire.branches.${branch}`)}</h4>}
          <ol>{FIRE_STEPS.filter((step) => BRANCH_OF[step] === branch).map(stepItem)}</ol>
          {branch === 'false' && !done.has('false-alarm-recorded') && responder.canRespond && (
            <Field htmlFor={causeId} label={t('alarms.fire.cause')} className="fire-checklist__cause">
              <input
                id={causeId}
                className="input"
                data-testid="fire-step-note"
                value={cause}
                maxLength={500}
                placeholder={t('alarms.fire.causePlaceholder')}
                aria-invalid={causeMissing || undefined}
                onChange={(event) => setCause(event.target.value)}
              />
              {causeMissing && (
                <p className="form-error" role="alert" data-testid="fire-step-note-missing">
                  {t('alarms.fire.causeMissing')}
                </p>
              )}
            </Field>
          )}
        </div>
      ))}
    </section>
  )
}
