import type { DeviceKind } from '@fm/protocol'

/** Simple line glyphs, one per kind, drawn in `currentColor` on a 24 px grid. */
const PATHS: Record<DeviceKind, string> = {
  'water-tank': 'M5 5h14v14a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2zM5 12c2.3-1.4 4.7 1.4 7 0s4.7 1.4 7 0M9 3h6',
  pump: 'M12 5a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM12 12l3-4M12 12l-4.5-1M12 12l1.5 4.5M19 12h3M2 12h3',
  'electrical-panel': 'M5 3h14v18H5zM13 6l-3.5 6h5L11 18',
  'fire-alarm-panel':
    'M12 3c.5 3.5 5 5.5 5 10a5 5 0 0 1-10 0c0-2.4 1.3-3.8 2.4-5 .3 1.6 1.1 2.6 2.1 3 .8-2.5-.2-5.3.5-8z',
  'fire-water': 'M12 3s6 6.5 6 11a6 6 0 0 1-12 0c0-4.5 6-11 6-11zM12 11v6M9 14h6',
  'room-environment': 'M10 4a2 2 0 0 1 4 0v9.5a4 4 0 1 1-4 0zM12 10v7M16.5 6h3M16.5 9h3',
  gate: 'M4 20V9h3v11M7 11h13v3H7M3 20h6',
  'patrol-checkpoint': 'M12 3l7 3v5c0 4.5-3 8.3-7 10-4-1.7-7-5.5-7-10V6zM8.8 12l2.2 2.2 4.2-4.4',
}

export function KindIcon({ kind, size = 24 }: { kind: DeviceKind; size?: number }) {
  return (
    <svg
      className="kind-icon"
      viewBox="0 0 24 24"
      width={size}
      height={size}
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.7"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={PATHS[kind]} />
    </svg>
  )
}
