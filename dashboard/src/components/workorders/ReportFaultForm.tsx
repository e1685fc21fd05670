import {
  ALARM_PRIORITIES,
  CreateWorkOrderInput,
  defaultSlaTargets,
  type Site,
  WORK_ORDER_CATEGORIES,
  type WorkOrderView,
} from '@fm/protocol'
import { type FormEvent, useId, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { attempt } from '../../api.ts'
import { formatDuration, localName } from '../../i18n/format.ts'
import { useLanguage } from '../../i18n/i18n.ts'
import { useRoster } from '../../live/store.ts'
import { useApi } from '../../useApi.ts'
import {
  createInput,
  DESCRIPTION_MAX_CHARS,
  PHONE_MAX_CHARS,
  RESIDENT_NAME_MAX_CHARS,
  type ReportDraft,
  type ReportOrigin,
  reportProblem,
  TITLE_MAX_CHARS,
  UNIT_MAX_CHARS,
} from '../../workorders/report-draft.ts'
import { createWorkOrder, fetchSlaPolicies } from '../../workorders/work-order-api.ts'
import { Field } from '../forms/Field.tsx'
import { checkError, requestError, type ShownError } from '../forms/FormError.tsx'
import { FormFooter } from '../forms/FormFooter.tsx'
import { Select } from '../forms/Select.tsx'

const ORIGINS = CreateWorkOrderInput.properties.origin.enum as readonly ReportOrigin[]

/** The clocks the work order will run on, from the site's policy (or the seed), so the reporter knows what to promise. */
function SlaHint({ site, draft }: { site: Site; draft: ReportDraft }) {
  const { t } = useTranslation()
  const policies = useApi(`sla|${site.id}`, (signal) => fetchSlaPolicies(site.id, signal))
  const category = draft.category
  if (category === '') return null
  const policy = policies.data?.find((p) => p.category === category && p.priority === draft.priority)
  const targets = policy?.targets ?? defaultSlaTargets(category, draft.priority)
  const minutes = (value: number) => formatDuration(value * 60_000, t)
  return (
    <p className="field__hint" data-testid="wo-report-sla">
      {t('workOrders.report.slaHint', {
        arrival: minutes(targets.arrivalMin),
        resolution: minutes(targets.resolutionMin),
      })}
    </p>
  )
}

interface ReportFaultFormProps {
  site: Site
  initial: ReportDraft
  onCreated: (order: WorkOrderView) => void
  onCancel: () => void
}

/**
 * Reports a fault (a guard, a technician, a supervisor) or a resident's request (the customer desk): what, where from
 * the site's buildings, rooms and devices, or the unit and the resident for a household repair.
 */
export function ReportFaultForm({ site, initial, onCreated, onCancel }: ReportFaultFormProps) {
  const { t } = useTranslation()
  const language = useLanguage()
  const roster = useRoster()
  const id = useId()
  const [draft, setDraft] = useState(initial)
  const [error, setError] = useState<ShownError>()
  const [pending, setPending] = useState(false)
  const set =
    <K extends keyof ReportDraft>(key: K) =>
    (value: ReportDraft[K]) =>
      setDraft((previous) => ({ ...previous, [key]: value }))

  const rooms = site.rooms.filter((room) => !draft.buildingId || room.buildingId === draft.buildingId)
  const devices = useMemo(
    () =>
      roster.filter(
        (device) =>
          device.siteId === site.id &&
          (!draft.roomId || device.roomId === draft.roomId) &&
          (!draft.buildingId || device.buildingId === draft.buildingId),
      ),
    [roster, site.id, draft.roomId, draft.buildingId],
  )
  const household = draft.origin !== 'guard' || draft.unit.trim() !== ''

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const problem = reportProblem(draft)
    if (problem) {
      setError(checkError(problem, t(`workOrders.report.problems.${problem}`)))
      return
    }
    setError(undefined)
    setPending(true)
    const result = await attempt(() => createWorkOrder(createInput(draft, site.id)))
    setPending(false)
    if (result.ok) onCreated(result.value)
    else setError(requestError(result.failure))
  }

  const text = (key: 'title' | 'unit' | 'residentName' | 'residentPhone', max: number, testId: string) => (
    <input
      id={`${id}-${key}`}
      className="input"
      data-testid={testId}
      maxLength={max}
      value={draft[key]}
      onChange={(event) => set(key)(event.target.value)}
      {...(key === 'residentPhone' ? { type: 'tel', inputMode: 'tel' as const, autoComplete: 'off' } : {})}
    />
  )

  return (
    <form className="panel wo-report" data-testid="wo-report-form" onSubmit={(event) => void submit(event)} noValidate>
      <div className="wo-report__grid">
        <Field htmlFor={`${id}-origin`} label={t('workOrders.fields.origin')}>
          <Select
            id={`${id}-origin`}
            testId="wo-report-origin"
            value={draft.origin}
            onChange={set('origin')}
            options={ORIGINS.map((value) => ({ value, label: t(`workOrders.origins.${value}`) }))}
          />
        </Field>
        <Field htmlFor={`${id}-category`} label={t('workOrders.fields.category')}>
          <Select
            id={`${id}-category`}
            testId="wo-report-category"
            value={draft.category}
            onChange={set('category')}
            none={t('workOrders.report.choose')}
            options={WORK_ORDER_CATEGORIES.map((value) => ({ value, label: t(`workOrders.categories.${value}`) }))}
          />
        </Field>
        <Field htmlFor={`${id}-priority`} label={t('workOrders.fields.priority')}>
          <Select
            id={`${id}-priority`}
            testId="wo-report-priority"
            value={draft.priority}
            onChange={set('priority')}
            options={ALARM_PRIORITIES.map((value) => ({ value, label: `${value} ${t(`alarms.priorities.${value}`)}` }))}
          />
          <SlaHint site={site} draft={draft} />
        </Field>
      </div>
      <Field htmlFor={`${id}-title`} label={t('workOrders.fields.title')}>
        {text('title', TITLE_MAX_CHARS, 'wo-report-title')}
        <p className="field__hint">{t('workOrders.report.titleHint')}</p>
      </Field>
      <Field htmlFor={`${id}-description`} label={t('workOrders.fields.description')}>
        <textarea
          id={`${id}-description`}
          className="input wo-report__description"
          data-testid="wo-report-description"
          rows={3}
          maxLength={DESCRIPTION_MAX_CHARS}
          value={draft.description}
          onChange={(event) => set('description')(event.target.value)}
        />
      </Field>
      <fieldset className="field wo-report__place">
        <legend className="field__label">{t('workOrders.report.where')}</legend>
        <div className="wo-report__grid">
          <Field htmlFor={`${id}-building`} label={t('workOrders.fields.building')} minor>
            <Select
              id={`${id}-building`}
              testId="wo-report-building"
              value={draft.buildingId}
              onChange={(value) =>
                setDraft((previous) => ({ ...previous, buildingId: value, roomId: '', deviceId: '' }))
              }
              none={t('workOrders.report.none')}
              options={site.buildings.map((building) => ({ value: building.id, label: localName(building, language) }))}
            />
          </Field>
          <Field htmlFor={`${id}-room`} label={t('workOrders.fields.room')} minor>
            <Select
              id={`${id}-room`}
              testId="wo-report-room"
              value={draft.roomId}
              onChange={(value) => setDraft((previous) => ({ ...previous, roomId: value, deviceId: '' }))}
              none={t('workOrders.report.none')}
              options={rooms.map((room) => ({ value: room.id, label: localName(room, language) }))}
            />
          </Field>
          <Field htmlFor={`${id}-device`} label={t('workOrders.fields.device')} minor>
            <Select
              id={`${id}-device`}
              testId="wo-report-device"
              value={draft.deviceId}
              onChange={set('deviceId')}
              none={t('workOrders.report.none')}
              options={devices.map((device) => ({ value: device.id, label: localName(device, language) }))}
            />
          </Field>
          <Field htmlFor={`${id}-unit`} label={t('workOrders.fields.unit')} minor>
            {text('unit', UNIT_MAX_CHARS, 'wo-report-unit')}
            <p className="field__hint">{t('workOrders.report.unitHint')}</p>
          </Field>
        </div>
      </fieldset>
      {household && (
        <fieldset className="field wo-report__place" data-testid="wo-report-resident">
          <legend className="field__label">{t('workOrders.fields.resident')}</legend>
          <div className="wo-report__grid">
            <Field htmlFor={`${id}-residentName`} label={t('workOrders.report.residentName')} minor>
              {text('residentName', RESIDENT_NAME_MAX_CHARS, 'wo-report-resident-name')}
            </Field>
            <Field htmlFor={`${id}-residentPhone`} label={t('workOrders.report.residentPhone')} minor>
              {text('residentPhone', PHONE_MAX_CHARS, 'wo-report-resident-phone')}
            </Field>
          </div>
        </fieldset>
      )}
      <FormFooter
        testId="wo-report"
        error={error}
        submitLabel={t('workOrders.report.submit')}
        cancelLabel={t('workOrders.dialog.cancel')}
        pending={pending}
        onCancel={onCancel}
      />
    </form>
  )
}
