import { fillTone } from '../../health/fill.ts'

/** A thin gauge under a figure that has a limit; the figure itself says the numbers. */
export function FillBar({ value, limit }: { value: number; limit: number }) {
  const percent = limit > 0 ? Math.min(100, (value / limit) * 100) : 100
  return (
    <span className="fill-bar" data-tone={fillTone(value, limit)} aria-hidden="true">
      <span className="fill-bar__value" style={{ width: `${percent}%` }} />
    </span>
  )
}
