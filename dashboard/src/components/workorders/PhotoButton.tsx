import { type ChangeEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Failure } from '../../api.ts'
import { describeFailure } from '../../i18n/failure.ts'
import { useLanguage } from '../../i18n/i18n.ts'

interface PhotoButtonProps {
  label: string
  testId: string
  /** Prepares and uploads the picture; resolves the failure, if any, in words or as the api's. */
  onPhoto: (file: File) => Promise<Failure | string | undefined>
  disabled?: boolean
}

/**
 * Takes a photo: on a phone the camera opens at once (`capture="environment"`, the back camera), on a desk the file
 * picker. The input stays in the Tab order, visually hidden inside its label, so it works from the keyboard.
 */
export function PhotoButton({ label, testId, onPhoto, disabled = false }: PhotoButtonProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const [state, setState] = useState<'idle' | 'sending'>('idle')
  const [problem, setProblem] = useState<string>()

  const change = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0]
    // The same photo may be taken again after a failure: the input must change again.
    event.target.value = ''
    if (!file) return
    setState('sending')
    setProblem(undefined)
    const failure = await onPhoto(file)
    setState('idle')
    if (failure !== undefined) {
      setProblem(typeof failure === 'string' ? failure : describeFailure(failure, t, language, Date.now()))
    }
  }

  const busy = disabled || state === 'sending'
  return (
    <span className="photo-button">
      <label className="button" data-disabled={busy || undefined} data-state={state}>
        <input
          type="file"
          accept="image/*"
          capture="environment"
          className="visually-hidden"
          data-testid={testId}
          disabled={busy}
          onChange={(event) => void change(event)}
        />
        {state === 'sending' ? t('workOrders.photos.sending') : label}
      </label>
      {problem && (
        <span className="photo-button__problem" role="alert" data-testid={`${testId}-error`}>
          {problem}
        </span>
      )}
    </span>
  )
}
