/**
 * The work-order routes of the api. Acting on a work order answers it in its new state, which the caller puts on
 * screen at once rather than waiting for the `workOrder` broadcast of the change.
 */
import type {
  ChecklistResult,
  CreateWorkOrderInput,
  MaintenanceKpis,
  PmPlan,
  PmSchedule,
  SlaPolicy,
  WorkOrderActionInput,
  WorkOrderCategory,
  WorkOrderEvent,
  WorkOrderState,
  WorkOrderView,
} from '@fm/protocol'
import { getJson, sendBlob, sendJson } from '../api.ts'

const enc = encodeURIComponent

export interface WorkOrderQuery {
  siteId?: string
  state?: readonly WorkOrderState[]
  /** a username, or `me` */
  assignee?: string
  deviceId?: string
  /** a household (房号): its repair history */
  unit?: string
  open?: boolean
}

export interface WorkOrderPage {
  items: WorkOrderView[]
  nextCursor?: string
}

/** Work orders per page: a board of a compound fits in one or two. */
export const WORK_ORDER_PAGE_SIZE = 200
/** Pages the dashboard follows at most: a board with more open work orders has other problems. */
export const MAX_WORK_ORDER_PAGES = 10

export function workOrdersPath(query: WorkOrderQuery, cursor?: string): string {
  const params = new URLSearchParams()
  if (query.siteId) params.set('siteId', query.siteId)
  if (query.state?.length) params.set('state', query.state.join(','))
  if (query.assignee) params.set('assignee', query.assignee)
  if (query.deviceId) params.set('deviceId', query.deviceId)
  if (query.unit) params.set('unit', query.unit)
  if (query.open) params.set('open', 'true')
  params.set('limit', String(WORK_ORDER_PAGE_SIZE))
  if (cursor) params.set('cursor', cursor)
  return `/api/work-orders?${params}`
}

/** Every work order of `query`, following the cursor. */
export async function fetchWorkOrders(query: WorkOrderQuery, signal?: AbortSignal): Promise<WorkOrderView[]> {
  const items: WorkOrderView[] = []
  let cursor: string | undefined
  for (let page = 0; page < MAX_WORK_ORDER_PAGES; page += 1) {
    const answer = await getJson<WorkOrderPage>(workOrdersPath(query, cursor), signal)
    items.push(...answer.items)
    cursor = answer.nextCursor
    if (!cursor) break
  }
  return items
}

export function fetchWorkOrder(id: number, signal?: AbortSignal): Promise<WorkOrderView> {
  return getJson<WorkOrderView>(`/api/work-orders/${id}`, signal)
}

export async function fetchWorkOrderEvents(id: number, signal?: AbortSignal): Promise<WorkOrderEvent[]> {
  return (await getJson<{ items: WorkOrderEvent[] }>(`/api/work-orders/${id}/events`, signal)).items
}

export function createWorkOrder(input: CreateWorkOrderInput): Promise<WorkOrderView> {
  return sendJson<WorkOrderView>('POST', '/api/work-orders', input)
}

/**
 * 409 `FM_ERR_WO_TRANSITION`, 403 `FM_ERR_WO_FORBIDDEN`, 400 `FM_ERR_WO_INVALID`, 409 `FM_ERR_WO_ALARM_ACTIVE` (verify:
 * send again with `override` and a reason), 409 `FM_ERR_WO_REOPEN_EXPIRED`, 400 `FM_ERR_WO_CHECKLIST_INCOMPLETE`.
 */
export function actOnWorkOrder(id: number, input: WorkOrderActionInput): Promise<WorkOrderView> {
  return sendJson<WorkOrderView>('POST', `/api/work-orders/${id}/actions`, input)
}

export function saveChecklist(id: number, results: readonly ChecklistResult[]): Promise<WorkOrderView> {
  return sendJson<WorkOrderView>('PUT', `/api/work-orders/${id}/checklist`, { results })
}

/** Before the repair, after it, or for a checklist item. */
export type PhotoStage = 'before' | 'after' | 'checklist'

/** Answers the photo's id. `stage` goes as a query parameter, which an api that does not know it ignores. */
export async function uploadPhoto(id: number, photo: Blob, stage: PhotoStage): Promise<number> {
  const answer = await sendBlob<{ id: number }>('POST', `/api/work-orders/${id}/photos?stage=${stage}`, photo)
  return answer.id
}

/** The photo itself, for `<img src>`. */
export function photoPath(id: number, photoId: number): string {
  return `/api/work-orders/${id}/photos/${photoId}`
}

export interface Technician {
  username: string
  displayName: string
  trades: WorkOrderCategory[]
  /** their open work orders now */
  open: number
}

export async function fetchTechnicians(siteId: string, signal?: AbortSignal): Promise<Technician[]> {
  return (await getJson<{ items: Technician[] }>(`/api/technicians?siteId=${enc(siteId)}`, signal)).items
}

export async function fetchSlaPolicies(siteId: string, signal?: AbortSignal): Promise<SlaPolicy[]> {
  return (await getJson<{ items: SlaPolicy[] }>(`/api/sla-policies?siteId=${enc(siteId)}`, signal)).items
}

export interface PmPlans {
  items: PmPlan[]
  schedules: PmSchedule[]
}

export function fetchPmPlans(siteId: string, signal?: AbortSignal): Promise<PmPlans> {
  return getJson<PmPlans>(`/api/pm-plans?siteId=${enc(siteId)}`, signal)
}

/** A month's KPIs, narrowed to a building, a category or a technician when given. */
export interface KpiQuery {
  siteId: string
  /** `YYYY-MM` */
  month: string
  buildingId?: string | undefined
  category?: WorkOrderCategory | undefined
  technician?: string | undefined
}

export function maintenanceKpisPath(query: KpiQuery, format: 'json' | 'csv' = 'json'): string {
  const params = new URLSearchParams({ siteId: query.siteId, month: query.month })
  if (query.buildingId) params.set('buildingId', query.buildingId)
  if (query.category) params.set('category', query.category)
  if (query.technician) params.set('technician', query.technician)
  if (format === 'csv') params.set('format', 'csv')
  return `/api/maintenance-kpis?${params}`
}

export function fetchMaintenanceKpis(query: KpiQuery, signal?: AbortSignal): Promise<MaintenanceKpis> {
  return getJson<MaintenanceKpis>(maintenanceKpisPath(query), signal)
}

/** The months of the trend charts. */
export const KPI_TREND_MONTHS = 6

/** One month's KPIs each, oldest first. */
export async function fetchKpiTrend(siteId: string, signal?: AbortSignal): Promise<MaintenanceKpis[]> {
  const path = `/api/maintenance-kpis/trend?siteId=${enc(siteId)}&months=${KPI_TREND_MONTHS}`
  return (await getJson<{ items: MaintenanceKpis[] }>(path, signal)).items
}
