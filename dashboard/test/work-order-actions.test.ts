import { type Permission, ROLE_PERMISSIONS, type UserRole } from '@fm/protocol'
import { describe, expect, it } from 'vitest'
import {
  type Actor,
  actionForm,
  availableActions,
  isAssignee,
  mayAct,
  mayRecordWork,
  orderActions,
} from '../src/workorders/actions.ts'
import { workOrderOfAlarm } from '../src/workorders/alarm-link.ts'
import { rankTechnicians } from '../src/workorders/technicians.ts'
import { TECHNICIANS, WANG, workOrder } from './work-order-fixtures.ts'

function actor(role: UserRole, username = 'someone'): Actor {
  const permissions = new Set<Permission>(ROLE_PERMISSIONS[role])
  return { username, can: (permission) => permissions.has(permission) }
}

const SUPERVISOR = actor('supervisor', 'chen.jing')
const WANG_TECH = actor('technician', WANG.username)
const OTHER_TECH = actor('technician', 'li.gong')
const GUARD = actor('guard', 'guard.zhang')

describe('the actions a user may take on a work order now', () => {
  it.each([
    ['new', ['triage', 'assign', 'cancel', 'reject']],
    ['triaged', ['assign', 'cancel', 'reject']],
    ['assigned', ['assign', 'accept', 'decline', 'cancel']],
    ['accepted', ['assign', 'decline', 'arrive', 'cancel']],
    ['in_progress', ['hold', 'resolve', 'cancel']],
    ['on_hold', ['resume', 'cancel']],
    ['resolved', ['verify', 'return']],
    ['verified', ['reopen']],
    ['cancelled', []],
    ['rejected', []],
  ] as const)('gives a supervisor in state %s: %j', (state, expected) => {
    expect(availableActions(workOrder({ id: 1, state, assignee: WANG }), SUPERVISOR)).toEqual(expected)
  })

  it.each([
    ['assigned', ['accept', 'decline']],
    ['accepted', ['decline', 'arrive']],
    ['in_progress', ['hold', 'resolve']],
    ['on_hold', ['resume']],
    ['resolved', []],
    ['new', []],
  ] as const)('gives the assigned technician in state %s only their own steps: %j', (state, expected) => {
    expect(availableActions(workOrder({ id: 1, state, assignee: WANG }), WANG_TECH)).toEqual(expected)
  })

  it('gives another technician, a guard and nobody nothing', () => {
    const order = workOrder({ id: 1, state: 'assigned', assignee: WANG })
    expect(availableActions(order, OTHER_TECH)).toEqual([])
    expect(availableActions(order, GUARD)).toEqual([])
    expect(availableActions(order, undefined)).toEqual([])
    expect(mayAct('accept', workOrder({ id: 2, state: 'assigned' }), WANG_TECH)).toBe(false)
  })

  it('knows the assignee by username', () => {
    expect(isAssignee(workOrder({ id: 1, assignee: WANG }), WANG_TECH)).toBe(true)
    expect(isAssignee(workOrder({ id: 1 }), WANG_TECH)).toBe(false)
  })

  it('lets the assignee, or a supervisor, record the checklist and photos only while the work is under way', () => {
    for (const state of ['accepted', 'in_progress', 'on_hold'] as const) {
      expect(mayRecordWork(workOrder({ id: 1, state, assignee: WANG }), WANG_TECH)).toBe(true)
      expect(mayRecordWork(workOrder({ id: 1, state, assignee: WANG }), SUPERVISOR)).toBe(true)
      expect(mayRecordWork(workOrder({ id: 1, state, assignee: WANG }), OTHER_TECH)).toBe(false)
    }
    expect(mayRecordWork(workOrder({ id: 1, state: 'resolved', assignee: WANG }), WANG_TECH)).toBe(false)
    expect(mayRecordWork(workOrder({ id: 1, state: 'assigned', assignee: WANG }), WANG_TECH)).toBe(false)
  })

  it.each([
    ['accept', 'none'],
    ['verify', 'none'],
    ['cancel', 'reason'],
    ['return', 'reason'],
    ['assign', 'assign'],
    ['hold', 'hold'],
    ['resolve', 'resolve'],
    ['triage', 'triage'],
  ] as const)('asks for %s: %s', (action, form) => {
    expect(actionForm(action)).toBe(form)
  })

  it('puts the next step first and what ends or undoes something last', () => {
    expect(orderActions(['assign', 'accept', 'decline', 'cancel'], 'assigned')).toEqual([
      'accept',
      'assign',
      'decline',
      'cancel',
    ])
    expect(orderActions(['hold', 'resolve', 'cancel'], 'in_progress')).toEqual(['resolve', 'hold', 'cancel'])
  })
})

describe('dispatch helpers', () => {
  it('offers the technicians of the trade first, then the least busy', () => {
    expect(rankTechnicians(TECHNICIANS, 'water-power').map((t) => t.username)).toEqual([
      'zhao.gong',
      'wang.gong',
      'li.gong',
    ])
    expect(rankTechnicians(TECHNICIANS, 'civil').map((t) => t.username)).toEqual(['li.gong', 'zhao.gong', 'wang.gong'])
  })

  it("finds an alarm's work order: the one it opened, else one of its rule, else any of the device", () => {
    const alarm = { id: 7, ruleId: 'pump.vibration_high', deviceId: 'pump-low-1' }
    const other = workOrder({ id: 1, deviceId: 'pump-low-1' })
    const sameRule = workOrder({ id: 2, deviceId: 'pump-low-1', alarm: { id: 3, ruleId: alarm.ruleId, retriggers: 0 } })
    const own = workOrder({ id: 3, deviceId: 'pump-low-1', alarm: { id: 7, ruleId: alarm.ruleId, retriggers: 2 } })
    expect(workOrderOfAlarm([other, sameRule, own], alarm)?.id).toBe(3)
    expect(workOrderOfAlarm([other, sameRule], alarm)?.id).toBe(2)
    expect(workOrderOfAlarm([other], alarm)?.id).toBe(1)
    expect(workOrderOfAlarm([workOrder({ id: 4, deviceId: 'tank-1' })], alarm)).toBeUndefined()
  })
})
