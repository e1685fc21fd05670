/**
 * The "report a fault" form as typed, checked against the api's rules (`CreateWorkOrderInput`) before it is sent,
 * and turned into the request: empty fields left out, text trimmed.
 */
import type { AlarmPriority, CreateWorkOrderInput, WorkOrderCategory } from '@fm/protocol'

export type ReportOrigin = CreateWorkOrderInput['origin']

export interface ReportDraft {
  origin: ReportOrigin
  category: WorkOrderCategory | ''
  priority: AlarmPriority
  title: string
  description: string
  buildingId: string
  roomId: string
  deviceId: string
  unit: string
  residentName: string
  residentPhone: string
}

export const EMPTY_REPORT: ReportDraft = {
  origin: 'guard',
  category: '',
  priority: 'P2',
  title: '',
  description: '',
  buildingId: '',
  roomId: '',
  deviceId: '',
  unit: '',
  residentName: '',
  residentPhone: '',
}

export const TITLE_MIN_CHARS = 2
export const TITLE_MAX_CHARS = 200
export const DESCRIPTION_MAX_CHARS = 2000
export const UNIT_MAX_CHARS = 64
export const RESIDENT_NAME_MAX_CHARS = 64
export const PHONE_MAX_CHARS = 32

export type ReportProblem = 'category-missing' | 'title-short' | 'place-missing' | 'resident-name-missing'

/**
 * The first thing the api would refuse, or that leaves the technician without a place to go: a category, a title, a
 * place (a building, a room, a device or a unit), and a name with a phone number.
 */
export function reportProblem(draft: ReportDraft): ReportProblem | undefined {
  if (draft.category === '') return 'category-missing'
  if ([...draft.title.trim()].length < TITLE_MIN_CHARS) return 'title-short'
  if (!draft.buildingId && !draft.roomId && !draft.deviceId && !draft.unit.trim()) return 'place-missing'
  if (draft.residentPhone.trim() && !draft.residentName.trim()) return 'resident-name-missing'
  return undefined
}

/** The request for a draft without problems. */
export function createInput(draft: ReportDraft, siteId: string): CreateWorkOrderInput {
  const input: CreateWorkOrderInput = {
    siteId,
    origin: draft.origin,
    category: draft.category || 'public-facilities',
    priority: draft.priority,
    title: draft.title.trim(),
  }
  const description = draft.description.trim()
  const unit = draft.unit.trim()
  const name = draft.residentName.trim()
  const phone = draft.residentPhone.trim()
  if (description) input.description = description
  if (draft.buildingId) input.buildingId = draft.buildingId
  if (draft.roomId) input.roomId = draft.roomId
  if (draft.deviceId) input.deviceId = draft.deviceId
  if (unit) input.unit = unit
  if (name) input.resident = phone ? { name, phone } : { name }
  return input
}
