import { useEffect, useRef } from 'react'

/**
 * Shows a `<dialog>` as a modal while mounted: the page behind it is inert, and Escape calls `onCancel` rather than
 * letting the browser close the dialog behind React's back. `focus` picks what gets the focus when it opens.
 */
export function useModalDialog(onCancel: () => void, focus: (dialog: HTMLDialogElement) => void) {
  const ref = useRef<HTMLDialogElement>(null)
  const latest = useRef({ onCancel, focus })
  latest.current = { onCancel, focus }

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (!dialog.open) dialog.showModal()
    latest.current.focus(dialog)
    const cancel = (event: Event) => {
      event.preventDefault()
      latest.current.onCancel()
    }
    dialog.addEventListener('cancel', cancel)
    return () => {
      dialog.removeEventListener('cancel', cancel)
      if (dialog.open) dialog.close()
    }
  }, [])

  return ref
}
