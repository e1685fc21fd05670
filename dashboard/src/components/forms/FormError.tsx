import { useTranslation } from 'react-i18next'
import type { Failure } from '../../api.ts'
import { describeFailure } from '../../i18n/failure.ts'
import { useLanguage } from '../../i18n/i18n.ts'

/**
 * What a form shows under its fields: a request's failure, described from its code, or a check the form made before
 * asking (then `code` names the check, e.g. `too-short`, and `text` says it).
 */
export interface ShownError {
  failure: Failure
  /** When it failed, so that "try again at 14:35" is computed from then, not on each render. */
  at: number
  text?: string
}

/** A request's failure, as a form shows it. */
export function requestError(failure: Failure): ShownError {
  return { failure, at: Date.now() }
}

/** A check the form made itself. */
export function checkError(code: string, text: string): ShownError {
  return { failure: { code }, at: Date.now(), text }
}

/** Codes whose api message says which value to fix: an administrator sees it under the translated sentence. */
const DETAILED_CODES = new Set(['FM_ERR_USER_INVALID', 'FM_ERR_DEVICE_INVALID', 'FM_ERR_VALIDATION'])

interface FormErrorProps {
  error: ShownError | undefined
  testId: string
  showDetail?: boolean
}

export function FormError({ error, testId, showDetail = false }: FormErrorProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  if (!error) return null
  const { failure, at, text } = error
  const detail = showDetail && DETAILED_CODES.has(failure.code) ? failure.detail : undefined
  return (
    <div className="form-error" role="alert" data-testid={testId} data-code={failure.code}>
      <p>{text ?? describeFailure(failure, t, language, at)}</p>
      {detail && (
        <p className="form-error__detail" lang="en">
          {detail}
        </p>
      )}
    </div>
  )
}
