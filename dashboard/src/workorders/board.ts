/**
 * The dispatch board: the open work orders in four columns by what they wait for, each column most urgent first,
 * narrowed by the filters kept in the page's address (so that a supervisor can bookmark "P1 lifts in 3栋").
 */
import {
  ALARM_PRIORITIES,
  type AlarmPriority,
  WORK_ORDER_CATEGORIES,
  type WorkOrderCategory,
  type WorkOrderState,
  type WorkOrderView,
} from '@fm/protocol'

export const BOARD_COLUMNS = [
  /** 待受理/待派单: nobody is on it yet */
  { key: 'intake', states: ['new', 'triaged'] },
  /** 待接单/已接单: a technician has it, not yet on site */
  { key: 'dispatched', states: ['assigned', 'accepted'] },
  /** 处理中/挂起 */
  { key: 'working', states: ['in_progress', 'on_hold'] },
  /** 待验收: the technician says it is done */
  { key: 'review', states: ['resolved'] },
] as const satisfies readonly { key: string; states: readonly WorkOrderState[] }[]
export type BoardColumnKey = (typeof BOARD_COLUMNS)[number]['key']

export interface BoardColumn {
  key: BoardColumnKey
  orders: WorkOrderView[]
}

export interface BoardFilters {
  priority?: AlarmPriority
  category?: WorkOrderCategory
  /** a building id of the site */
  building?: string
}

const FILTER_KEYS = ['priority', 'category', 'building'] as const

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : undefined
}

/** The filters of a board address; a value that is not one of ours is ignored, not an error. */
export function readBoardFilters(params: URLSearchParams): BoardFilters {
  const filters: BoardFilters = {}
  const priority = oneOf(ALARM_PRIORITIES, params.get('priority'))
  const category = oneOf(WORK_ORDER_CATEGORIES, params.get('category'))
  const building = params.get('building')
  if (priority) filters.priority = priority
  if (category) filters.category = category
  if (building) filters.building = building
  return filters
}

/** `params` with `key` set to `value`, or removed for '' (any); other parameters are kept. */
export function withBoardFilter(
  params: URLSearchParams,
  key: (typeof FILTER_KEYS)[number],
  value: string,
): URLSearchParams {
  const next = new URLSearchParams(params)
  if (value) next.set(key, value)
  else next.delete(key)
  return next
}

export function matchesFilters(order: WorkOrderView, filters: BoardFilters): boolean {
  return (
    (filters.priority === undefined || order.priority === filters.priority) &&
    (filters.category === undefined || order.category === filters.category) &&
    (filters.building === undefined || order.buildingId === filters.building)
  )
}

/** When the first clock still running ends (a breached one ended in the past); never for one with all clocks met. */
export function nextDueAt(order: Pick<WorkOrderView, 'clocks'>): number {
  let due = Number.POSITIVE_INFINITY
  for (const clock of order.clocks) if (clock.metAt === undefined) due = Math.min(due, clock.dueAt)
  return due
}

/** Most urgent first: the earliest due, then the higher priority, then the oldest. */
export function compareByDue(a: WorkOrderView, b: WorkOrderView): number {
  const due = nextDueAt(a) - nextDueAt(b)
  if (due !== 0 && !Number.isNaN(due)) return due
  return a.priority.localeCompare(b.priority) || a.createdAt - b.createdAt || a.id - b.id
}

/** The columns of the board, each sorted by `compareByDue`; work orders in no column's state are left out. */
export function boardColumns(orders: readonly WorkOrderView[], filters: BoardFilters = {}): BoardColumn[] {
  return BOARD_COLUMNS.map(({ key, states }) => ({
    key,
    orders: orders
      .filter((order) => (states as readonly WorkOrderState[]).includes(order.state) && matchesFilters(order, filters))
      .sort(compareByDue),
  }))
}
