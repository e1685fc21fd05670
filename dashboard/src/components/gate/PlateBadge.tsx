import { useTranslation } from 'react-i18next'
import type { PlatePayload } from '../../devices/events.ts'
import './PlateBadge.css'

/** A licence plate drawn in its own colours: guards recognise a yellow (large vehicle) or green (new-energy) plate at once. */
export function PlateBadge({ plate, color }: { plate: string; color: PlatePayload['plate_color'] }) {
  const { t } = useTranslation()
  return (
    <span className="plate" data-color={color} title={t(`events.plateColors.${color}`)}>
      {plate}
    </span>
  )
}

export function DirectionTag({ direction }: { direction: PlatePayload['direction'] }) {
  const { t } = useTranslation()
  return (
    <span className="direction" data-direction={direction}>
      <span aria-hidden="true">{direction === 'in' ? '↘' : '↗'}</span>
      {t(`events.directions.${direction}`)}
    </span>
  )
}
