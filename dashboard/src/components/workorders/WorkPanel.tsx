import type { WorkOrderEvent, WorkOrderView } from '@fm/protocol'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { attempt, type Failure } from '../../api.ts'
import { PhotoReadError, preparePhoto } from '../../workorders/photo.ts'
import { type KnownPhoto, photosOf } from '../../workorders/photos-of.ts'
import { type PhotoStage, photoPath, uploadPhoto } from '../../workorders/work-order-api.ts'
import { ChecklistEditor } from './ChecklistEditor.tsx'
import { PhotoButton } from './PhotoButton.tsx'

interface WorkPanelProps {
  order: WorkOrderView
  /** The timeline, which names the photos taken so far; the phone's queue has none and shows this session's. */
  events?: readonly WorkOrderEvent[]
  /** The user works this work order now: the checklist and the cameras are theirs. */
  editable: boolean
  onChange: (order: WorkOrderView) => void
}

/** The evidence of a repair: the checklist, and photos before and after, taken with the phone's camera. */
export function WorkPanel({ order, events = [], editable, onChange }: WorkPanelProps) {
  const { t } = useTranslation()
  const [uploaded, setUploaded] = useState<KnownPhoto[]>([])

  /** Scales the picture down in the browser and uploads it. */
  const upload = async (file: File, stage: PhotoStage): Promise<{ id: number } | { failure: Failure | string }> => {
    let photo: Blob
    try {
      photo = await preparePhoto(file)
    } catch (error) {
      if (!(error instanceof PhotoReadError)) console.error('preparing a photo failed', error)
      return { failure: t('workOrders.photos.unreadable') }
    }
    const result = await attempt(() => uploadPhoto(order.id, photo, stage))
    if (!result.ok) return { failure: result.failure }
    setUploaded((list) => [...list, { id: result.value, stage }])
    return { id: result.value }
  }
  const take = (stage: PhotoStage) => async (file: File) => {
    const taken = await upload(file, stage)
    return 'failure' in taken ? taken.failure : undefined
  }

  const photos = photosOf(order, events, uploaded)
  return (
    <>
      <ChecklistEditor
        order={order}
        editable={editable}
        onChange={onChange}
        takePhoto={(file) => upload(file, 'checklist')}
      />
      <section className="panel wo-section" aria-labelledby={`wo-photos-${order.id}`} data-testid="wo-photos">
        <h2 className="panel__title" id={`wo-photos-${order.id}`}>
          {t('workOrders.photos.title')}
        </h2>
        {editable && (
          <div className="wo-photos__take">
            <PhotoButton label={t('workOrders.photos.before')} testId="wo-photo-before" onPhoto={take('before')} />
            <PhotoButton label={t('workOrders.photos.after')} testId="wo-photo-after" onPhoto={take('after')} />
          </div>
        )}
        {photos.length === 0 ? (
          <p className="wo-section__empty">{t('workOrders.photos.none')}</p>
        ) : (
          <ul className="wo-photos">
            {photos.map((photo) => (
              <li key={photo.id} data-testid="wo-photo" data-photo-id={photo.id} data-stage={photo.stage ?? ''}>
                <a href={photoPath(order.id, photo.id)} target="_blank" rel="noreferrer">
                  <img
                    className="wo-photo"
                    src={photoPath(order.id, photo.id)}
                    alt={t(`workOrders.photos.stages.${photo.stage ?? 'unknown'}`)}
                    width="120"
                    height="120"
                    loading="lazy"
                  />
                </a>
                <span className="wo-photos__stage">{t(`workOrders.photos.stages.${photo.stage ?? 'unknown'}`)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  )
}
