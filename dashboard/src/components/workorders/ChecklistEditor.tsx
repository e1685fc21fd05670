import type { ChecklistItem, ChecklistResult, WorkOrderView } from '@fm/protocol'
import { useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { attempt, type Failure } from '../../api.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { isComplete, withinRange, withResult } from '../../workorders/checklist.ts'
import { photoPath, saveChecklist } from '../../workorders/work-order-api.ts'
import { FormError, requestError, type ShownError } from '../forms/FormError.tsx'
import { PhotoButton } from './PhotoButton.tsx'

interface ItemProps {
  item: ChecklistItem
  result: ChecklistResult | undefined
  editable: boolean
  orderId: number
  change: (change: Omit<Partial<ChecklistResult>, 'itemId'>) => void
  /** Uploads a photo for a photo item; resolves its id, or why not. */
  takePhoto: (file: File) => Promise<{ id: number } | { failure: Failure | string }>
}

/** 合格 / 不合格 as two large toggles. */
function PassFail({ item, result, editable, change }: ItemProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  return (
    <fieldset className="checklist__toggles">
      <legend className="visually-hidden">{item.label[language]}</legend>
      {([true, false] as const).map((pass) => (
        <button
          key={String(pass)}
          type="button"
          className="button checklist__toggle"
          data-testid={pass ? 'wo-check-pass' : 'wo-check-fail'}
          data-verdict={pass ? 'pass' : 'fail'}
          aria-pressed={result?.pass === pass}
          disabled={!editable}
          onClick={() => change({ pass })}
        >
          {t(pass ? 'workOrders.checklist.pass' : 'workOrders.checklist.fail')}
        </button>
      ))}
    </fieldset>
  )
}

/** A limit of a range as written in the plan: 0.3, 1,200, 0.125; no padding zeros. */
function bound(value: number, language: string): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 3 }).format(value)
}

/** A reading, with its unit and the range it should lie in; saved when the field is left or Enter is pressed. */
function NumberReading({ item, result, editable, change }: ItemProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const [text, setText] = useState(result?.value === undefined ? '' : String(result.value))
  // A reading once taken is corrected, never taken back: the api keeps one result per item.
  const commit = () => {
    const value = Number(text.trim())
    if (text.trim() === '' || !Number.isFinite(value)) {
      setText(result?.value === undefined ? '' : String(result.value))
      return
    }
    if (value !== result?.value) change({ value })
  }
  const unit = item.unit ?? ''
  // a range open at one end reads "at least" or "at most", not "0 to —"
  const range =
    item.min !== undefined && item.max !== undefined
      ? t('workOrders.checklist.range', { min: bound(item.min, language), max: bound(item.max, language), unit })
      : item.min !== undefined
        ? t('workOrders.checklist.rangeMin', { min: bound(item.min, language), unit })
        : item.max !== undefined
          ? t('workOrders.checklist.rangeMax', { max: bound(item.max, language), unit })
          : ''
  const outOfRange = result?.value !== undefined && !withinRange(item, result.value)
  return (
    <span className="checklist__reading">
      <span className="checklist__input">
        <input
          className="input wo-number"
          type="number"
          inputMode="decimal"
          step="any"
          data-testid="wo-check-value"
          aria-label={`${item.label[language]}${item.unit ? ` (${item.unit})` : ''}`}
          aria-invalid={outOfRange || undefined}
          disabled={!editable}
          value={text}
          onChange={(event) => setText(event.target.value)}
          onBlur={commit}
          onKeyDown={(event) => {
            if (event.key === 'Enter') commit()
          }}
        />
        {item.unit && <span className="checklist__unit">{item.unit}</span>}
      </span>
      {range && <span className="field__hint">{range}</span>}
      {outOfRange && (
        <span className="checklist__out" data-testid="wo-check-out-of-range">
          {t('workOrders.checklist.outOfRange')}
        </span>
      )}
    </span>
  )
}

function PhotoItem({ item, result, editable, orderId, change, takePhoto }: ItemProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  return (
    <span className="checklist__photo">
      {result?.photoId !== undefined && (
        <a href={photoPath(orderId, result.photoId)} target="_blank" rel="noreferrer">
          <img
            className="wo-photo"
            src={photoPath(orderId, result.photoId)}
            alt={item.label[language]}
            width="96"
            height="96"
          />
        </a>
      )}
      {editable && (
        <PhotoButton
          label={t(result?.photoId === undefined ? 'workOrders.photos.take' : 'workOrders.photos.retake')}
          testId="wo-check-photo"
          onPhoto={async (file) => {
            const taken = await takePhoto(file)
            if ('failure' in taken) return taken.failure
            change({ photoId: taken.id })
            return undefined
          }}
        />
      )}
    </span>
  )
}

interface ChecklistEditorProps {
  order: WorkOrderView
  editable: boolean
  onChange: (order: WorkOrderView) => void
  takePhoto: ItemProps['takePhoto']
}

/**
 * The work order's checklist: pass/fail toggles, readings with unit and range (a reading out of range fails its
 * item), photo items with the camera. Each change is saved at once (`PUT …/checklist`), so that nothing is lost when a
 * phone sleeps in a basement; the answer of the latest save is what shows.
 */
export function ChecklistEditor({ order, editable, onChange, takePhoto }: ChecklistEditorProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const items = order.checklist ?? []
  const [draft, setDraft] = useState<ChecklistResult[]>()
  const [error, setError] = useState<ShownError>()
  const saves = useRef(0)
  const results = draft ?? order.checklistResults ?? []

  const change = async (item: ChecklistItem, patch: Omit<Partial<ChecklistResult>, 'itemId'>) => {
    const next = withResult(results, item, patch)
    setDraft(next)
    setError(undefined)
    const mine = ++saves.current
    const result = await attempt(() => saveChecklist(order.id, next))
    if (mine !== saves.current) return
    setDraft(undefined)
    if (result.ok) onChange(result.value)
    else setError(requestError(result.failure))
  }

  if (items.length === 0) return null
  const done = items.filter((item) =>
    isComplete(
      item,
      results.find((r) => r.itemId === item.id),
    ),
  ).length
  return (
    <section className="panel wo-section" aria-labelledby={`wo-checklist-${order.id}`} data-testid="wo-checklist">
      <h2 className="panel__title" id={`wo-checklist-${order.id}`}>
        {t('workOrders.checklist.title')}{' '}
        <span
          className="wo-section__count"
          data-testid="wo-checklist-progress"
          data-done={done}
          data-total={items.length}
        >
          {t('workOrders.checklist.progress', { done, total: items.length })}
        </span>
      </h2>
      <FormError error={error} testId="wo-checklist-error" />
      <ol className="checklist">
        {items.map((item) => {
          const result = results.find((r) => r.itemId === item.id)
          const props: ItemProps = {
            item,
            result,
            editable,
            orderId: order.id,
            change: (patch) => void change(item, patch),
            takePhoto,
          }
          return (
            <li
              key={item.id}
              className="checklist__item"
              data-testid="wo-checklist-item"
              data-item-id={item.id}
              data-type={item.type}
              data-complete={isComplete(item, result)}
              data-pass={result?.pass}
            >
              <span className="checklist__label">{item.label[language]}</span>
              {item.type === 'pass-fail' ? (
                <PassFail {...props} />
              ) : item.type === 'number' ? (
                <NumberReading {...props} />
              ) : (
                <PhotoItem {...props} />
              )}
            </li>
          )
        })}
      </ol>
      {draft && (
        <p className="wo-section__status" role="status">
          {t('workOrders.checklist.saving')}
        </p>
      )}
    </section>
  )
}
