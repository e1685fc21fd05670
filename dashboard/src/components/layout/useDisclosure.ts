import { useEffect, useId, useRef, useState } from 'react'
import { useLocation } from 'react-router'

/**
 * A button that shows a panel of the header: closed by a click elsewhere, by Escape (focus goes back to the button,
 * where the keyboard user was) and by a change of page. A disclosure, not an ARIA menu: ordinary links and buttons
 * need no arrow-key navigation.
 */
export function useDisclosure() {
  const [open, setOpen] = useState(false)
  const panelId = useId()
  const root = useRef<HTMLDivElement>(null)
  const toggle = useRef<HTMLButtonElement>(null)
  const location = useLocation()

  useEffect(() => {
    if (!open) return
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      setOpen(false)
      toggle.current?.focus()
    }
    document.addEventListener('pointerdown', onPointer)
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('pointerdown', onPointer)
      document.removeEventListener('keydown', onKey)
    }
  }, [open])
  // biome-ignore lint/correctness/useExhaustiveDependencies: the page changing is the event that closes the panel
  useEffect(() => setOpen(false), [location.pathname])

  return { open, setOpen, panelId, root, toggle }
}
