/**
 * Work orders at the compound of fixtures.ts, typed with the protocol so that a contract change breaks the tests at
 * compile time. Clocks are computed by the protocol's own `slaClocks`, as the api does.
 */
import {
  defaultSlaTargets,
  type PmPlan,
  type SlaStep,
  slaClocks,
  type WorkOrderEvent,
  type WorkOrderView,
} from '@fm/protocol'
import type { Technician } from '../src/workorders/work-order-api.ts'
import { NOW } from './fixtures.ts'

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE

type WorkOrderInput = Pick<WorkOrderView, 'id'> & Partial<WorkOrderView> & { steps?: SlaStep[] }

/** A work order reported `age` ago (10 min unless given), with the clocks of its category and priority as of NOW. */
export function workOrder({ steps = [], ...partial }: WorkOrderInput, age = 10 * MINUTE): WorkOrderView {
  const category = partial.category ?? 'water-power'
  const priority = partial.priority ?? 'P2'
  const createdAt = partial.createdAt ?? NOW - age
  return {
    number: `WO-20260514-${String(partial.id).padStart(3, '0')}`,
    siteId: 'cuihu',
    origin: 'guard',
    category,
    priority,
    state: 'new',
    title: '水泵房漏水',
    createdBy: { username: 'guard.zhang', displayName: '张伟' },
    createdAt,
    updatedAt: createdAt,
    firstTimePass: true,
    rework: false,
    clocks: slaClocks(createdAt, defaultSlaTargets(category, priority), steps, NOW),
    ...partial,
  }
}

export const WANG = { username: 'wang.gong', displayName: '王工' }
export const LI = { username: 'li.gong', displayName: '李工' }

export const TECHNICIANS: Technician[] = [
  { ...LI, trades: ['civil'], open: 1 },
  { ...WANG, trades: ['water-power', 'fire'], open: 3 },
  { username: 'zhao.gong', displayName: '赵工', trades: ['water-power'], open: 1 },
]

export function event(partial: Pick<WorkOrderEvent, 'id' | 'type'> & Partial<WorkOrderEvent>): WorkOrderEvent {
  return { workOrderId: 1, at: NOW - 5 * MINUTE, by: '陈静', ...partial }
}

/** A PM plan of the site: the monthly fire-pump run (mandatory) unless `partial` says otherwise. */
export function pmPlan(partial: Pick<PmPlan, 'id'> & Partial<PmPlan>): PmPlan {
  return {
    siteId: 'cuihu',
    title: { 'zh-CN': '消防水泵月度试运行', en: 'Monthly fire pump run' },
    category: 'fire',
    priority: 'P2',
    trigger: { everyDays: 30, calendar: 'fixed' },
    checklist: [],
    mandatory: true,
    enabled: true,
    ...partial,
  }
}
