import './LevelBar.css'

/** Below these, a tank is low (amber) or low-low (red): DOMAIN.md §b, same as `devices/status.ts`. */
const LOW_PCT = 30
const LOW_LOW_PCT = 15

/**
 * A small tank drawing filled to `pct`; the fill turns amber and red as the level falls. Decorative: the number
 * beside it is what assistive technology reads.
 */
export function LevelBar({ pct }: { pct: number | undefined }) {
  const level = pct === undefined ? 0 : Math.min(100, Math.max(0, pct))
  const tone = pct === undefined ? 'unknown' : level < LOW_LOW_PCT ? 'fault' : level < LOW_PCT ? 'attention' : 'ok'
  return (
    <div className="level-bar" data-tone={tone} aria-hidden="true">
      <div className="level-bar__fill" style={{ height: `${level}%` }} />
      <div className="level-bar__mark" style={{ bottom: `${LOW_PCT}%` }} />
    </div>
  )
}
