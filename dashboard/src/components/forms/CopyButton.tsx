import { type RefObject, useState } from 'react'
import { useTranslation } from 'react-i18next'

type CopyState = 'idle' | 'copied' | 'manual'

/** Selects the text of `element`, so that the user can copy it with the keyboard or the phone's menu. */
function selectText(element: HTMLElement | null): void {
  const selection = window.getSelection()
  if (!element || !selection) return
  const range = document.createRange()
  range.selectNodeContents(element)
  selection.removeAllRanges()
  selection.addRange(range)
}

/**
 * Copies `value` to the clipboard. Browsers offer the clipboard only on HTTPS and localhost: a platform served over
 * plain HTTP on the compound's network gets the text selected instead, with a word on how to copy it.
 */
export function CopyButton({
  value,
  label,
  source,
  testId,
}: {
  value: string
  /** What is copied, for screen readers: "Copy MQTT password". */
  label: string
  /** The element that shows `value`, selected when the clipboard is out of reach. */
  source: RefObject<HTMLElement | null>
  testId: string
}) {
  const { t } = useTranslation()
  const [state, setState] = useState<CopyState>('idle')

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard in this context')
      await navigator.clipboard.writeText(value)
      setState('copied')
    } catch (error) {
      console.warn('copying to the clipboard failed; the text is selected instead', error)
      selectText(source.current)
      setState('manual')
    }
  }

  return (
    <span className="copy-button">
      <button
        type="button"
        className="button button--small"
        data-testid={testId}
        data-state={state}
        aria-label={label}
        onClick={() => void copy()}
      >
        {state === 'copied' ? t('copy.copied') : t('copy.copy')}
      </button>
      {state === 'manual' && (
        <span className="copy-button__hint" role="status">
          {t('copy.manual')}
        </span>
      )}
    </span>
  )
}
