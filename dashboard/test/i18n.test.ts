import {
  ALARM_PRIORITIES,
  ALARM_RULES,
  ALARM_STATES,
  ALARM_TRANSITIONS,
  AuditEntryView,
  BROKER_DROP_REASONS,
  DEVICE_KINDS,
  FIRE_POINT_STATES,
  FIRE_STEPS,
  HOLD_REASONS,
  IngestTimeSeriesStatus,
  PartHealth,
  PERMISSIONS,
  PLATE_COLORS,
  PlateEvent,
  ROOM_TYPES,
  ScanEvent,
  SLA_CLOCKS,
  telemetryFields,
  USER_ROLES,
  WORK_ORDER_ACTION_NAMES,
  WORK_ORDER_CATEGORIES,
  WORK_ORDER_ORIGINS,
  WORK_ORDER_STATES,
} from '@fm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { kpiFigures } from '../src/alarms/kpi-targets.ts'
import { KNOWN_AUDIT_ACTIONS } from '../src/audit/actions.ts'
import { ACTION_PREFIXES, AUDIT_OUTCOMES } from '../src/audit/audit-filters.ts'
import { SHELVE_CHOICES } from '../src/components/alarms/ShelveDialog.tsx'
import { PROVISION_PROBLEMS } from '../src/devices/provisioning.ts'
import { KNOWN_PARTS } from '../src/health/parts.ts'
import { describeFailure } from '../src/i18n/failure.ts'
import {
  formatAgo,
  formatBytes,
  formatElapsed,
  formatFieldValue,
  formatFill,
  formatMiB,
  formatRate,
  localName,
  withUnit,
} from '../src/i18n/format.ts'
import { createI18n, LANGUAGE_STORAGE_KEY, LANGUAGES, storedLanguage } from '../src/i18n/i18n.ts'
import { actionForm } from '../src/workorders/actions.ts'
import { BOARD_COLUMNS } from '../src/workorders/board.ts'
import { MEAN_KPIS, RATE_KPIS } from '../src/workorders/maintenance-kpis.ts'
import { KPIS } from './alarm-fixtures.ts'

/** Every label a language must have, derived from the protocol so that a new field or kind fails here first. */
function requiredKeys(): string[] {
  const keys: string[] = []
  for (const kind of DEVICE_KINDS) {
    keys.push(`kinds.${kind}`)
    for (const field of telemetryFields(kind)) {
      keys.push(`fields.${kind}.${field.key}`)
      if (field.type === 'boolean') keys.push(`booleans.${field.key}.true`, `booleans.${field.key}.false`)
      for (const value of field.values ?? []) keys.push(`enums.${field.key}.${value}`)
    }
  }
  for (const type of ROOM_TYPES) keys.push(`rooms.${type}`)
  for (const type of ['point', 'reset', 'plate', 'scan']) keys.push(`events.types.${type}`)
  for (const state of FIRE_POINT_STATES) keys.push(`events.pointStates.${state}`)
  for (const color of PLATE_COLORS) keys.push(`events.plateColors.${color}`)
  for (const direction of PlateEvent.properties.direction.enum) keys.push(`events.directions.${direction}`)
  for (const method of ScanEvent.properties.method.enum) keys.push(`events.scanMethods.${method}`)
  for (const level of ['normal', 'attention', 'fault', 'offline']) keys.push(`status.${level}`)
  for (const reason of BROKER_DROP_REASONS) keys.push(`system.dropReasons.${reason}`)
  for (const state of PartHealth.properties.status.enum) keys.push(`system.states.${state}`)
  for (const name of IngestTimeSeriesStatus.properties.name.enum) keys.push(`system.ingest.backends.${name}`)
  for (const part of KNOWN_PARTS) keys.push(`system.parts.${part}`, `system.partHints.${part}`)
  for (const role of USER_ROLES) keys.push(`roles.${role}`, `roleHints.${role}`)
  for (const permission of PERMISSIONS) keys.push(`permissions.${permission}`)
  for (const code of API_ERRORS) keys.push(`errors.codes.${code}`)
  for (const problem of PROVISION_PROBLEMS) keys.push(`deviceAdmin.problems.${problem}`)
  for (const state of ['online', 'offline', 'revoked']) keys.push(`deviceAdmin.states.${state}`)
  for (const action of KNOWN_AUDIT_ACTIONS) keys.push(`audit.actions.${action}`)
  for (const prefix of ACTION_PREFIXES) keys.push(`audit.prefixes.${prefix.slice(0, -1)}`)
  for (const outcome of AUDIT_OUTCOMES) keys.push(`audit.outcomes.${outcome}`)
  for (const type of AuditEntryView.properties.actor.properties.type.enum) keys.push(`audit.actorTypes.${type}`)
  for (const priority of ALARM_PRIORITIES) keys.push(`alarms.priorities.${priority}`)
  for (const state of ALARM_STATES) keys.push(`alarms.states.${state}`)
  for (const transition of ALARM_TRANSITIONS) keys.push(`alarms.transitions.${transition}`)
  for (const step of FIRE_STEPS) keys.push(`alarms.fireSteps.${step}.label`, `alarms.fireSteps.${step}.hint`)
  for (const choice of SHELVE_CHOICES) keys.push(`alarms.dialog.durations.${choice}`)
  for (const problem of ['until-missing', 'until-past', 'until-too-far']) keys.push(`alarms.dialog.problems.${problem}`)
  for (const { key } of kpiFigures(KPIS)) keys.push(`alarmReport.kpis.${key}`, `alarmReport.hints.${key}`)
  for (const type of new Set(ALARM_RULES.map((rule) => rule.condition.type))) keys.push(`alarmRules.conditions.${type}`)
  for (const problem of ['threshold', 'deadband', 'delay']) keys.push(`alarmRules.problems.${problem}`)
  return [...keys, ...workOrderKeys()]
}

/** The work-order and maintenance labels, from the protocol's lists and the pages' own. */
function workOrderKeys(): string[] {
  const keys: string[] = []
  for (const state of WORK_ORDER_STATES) keys.push(`workOrders.states.${state}`)
  for (const origin of WORK_ORDER_ORIGINS) keys.push(`workOrders.origins.${origin}`)
  for (const category of WORK_ORDER_CATEGORIES) keys.push(`workOrders.categories.${category}`)
  for (const reason of HOLD_REASONS) keys.push(`workOrders.holdReasons.${reason}`)
  for (const clock of SLA_CLOCKS) keys.push(`workOrders.clocks.${clock}`)
  for (const action of WORK_ORDER_ACTION_NAMES) {
    keys.push(`workOrders.actions.${action}`, `workOrders.events.${action}`)
    if (actionForm(action) !== 'none') keys.push(`workOrders.dialog.titles.${action}`)
    if (actionForm(action) === 'reason') keys.push(`workOrders.dialog.reasonLabels.${action}`)
  }
  for (const type of ['created', 'retriggered', 'escalated', 'breached', 'checklist', 'photo']) {
    keys.push(`workOrders.events.${type}`)
  }
  keys.push('workOrders.dialog.titles.override', 'workOrders.dialog.reasonLabels.override')
  for (const { key } of BOARD_COLUMNS) keys.push(`workOrders.board.columns.${key}`)
  for (const stage of ['before', 'after', 'checklist', 'unknown']) keys.push(`workOrders.photos.stages.${stage}`)
  for (const problem of ['category-missing', 'title-short', 'place-missing', 'resident-name-missing']) {
    keys.push(`workOrders.report.problems.${problem}`)
  }
  for (const { key } of RATE_KPIS) {
    keys.push(`maintenance.kpis.names.${key}`, `maintenance.kpis.ratios.${key}`, `maintenance.kpis.hints.${key}`)
  }
  for (const key of [...MEAN_KPIS, 'backlog'])
    keys.push(`maintenance.kpis.names.${key}`, `maintenance.kpis.hints.${key}`)
  for (const dimension of ['building', 'category', 'technician']) keys.push(`maintenance.kpis.dimensions.${dimension}`)
  for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) keys.push(`maintenance.pm.weekdays.${day}`)
  return keys
}

/**
 * The api's codes that the sign-in, password, administration, alarm and work-order pages can meet (api/src/errors.ts, which the
 * dashboard may not import; docs/protocol.md lists them). Each must be a sentence, never the api's English message.
 */
const API_ERRORS = [
  'FM_ERR_AUTH_REQUIRED',
  'FM_ERR_AUTH_FAILED',
  'FM_ERR_AUTH_LOCKED',
  'FM_ERR_RATE_LIMITED',
  'FM_ERR_FORBIDDEN',
  'FM_ERR_PASSWORD_CHANGE_REQUIRED',
  'FM_ERR_PASSWORD_CURRENT_INVALID',
  'FM_ERR_PASSWORD_WEAK',
  'FM_ERR_USER_EXISTS',
  'FM_ERR_USER_INVALID',
  'FM_ERR_USER_NOT_FOUND',
  'FM_ERR_USER_LAST_ADMIN',
  'FM_ERR_SCOPE_FORBIDDEN',
  'FM_ERR_DEVICE_EXISTS',
  'FM_ERR_DEVICE_INVALID',
  'FM_ERR_DEVICE_NOT_FOUND',
  'FM_ERR_SITE_NOT_FOUND',
  'FM_ERR_VALIDATION',
  'FM_ERR_ALARM_STATE',
  'FM_ERR_ALARM_INVALID',
  'FM_ERR_ALARM_NOT_FOUND',
  'FM_ERR_ALARM_RANGE_INVALID',
  'FM_ERR_RULE_NOT_FOUND',
  'FM_ERR_RULE_INVALID',
  'FM_ERR_WO_NOT_FOUND',
  'FM_ERR_WO_TRANSITION',
  'FM_ERR_WO_FORBIDDEN',
  'FM_ERR_WO_INVALID',
  'FM_ERR_WO_ALARM_ACTIVE',
  'FM_ERR_WO_REOPEN_EXPIRED',
  'FM_ERR_WO_CHECKLIST_INCOMPLETE',
  'FM_ERR_PHOTO_INVALID',
  'FM_ERR_NOT_FOUND',
  'FM_ERR_INTERNAL',
  'network',
  'unknown',
]

describe.each(LANGUAGES)('%s resources', (language) => {
  const i18n = createI18n(language)

  it('label every device kind, telemetry field, enum and boolean value, room type, event detail, health state, broker drop reason, user role, permission, api error, provisioning problem, audit action, outcome and actor, alarm priority, state, transition, fire step, shelve duration and KPI, and every work-order state, origin, category, hold reason, clock, action, board column and maintenance KPI', () => {
    const missing = requiredKeys().filter((key) => !i18n.exists(key, { lng: language, fallbackLng: false }))
    expect(missing).toEqual([])
    // The check itself must be able to fail: a key that no language has.
    expect(i18n.exists('fields.pump.no_such_field', { lng: language, fallbackLng: false })).toBe(false)
  })

  it('never show a raw key or an empty label', () => {
    for (const key of requiredKeys()) {
      const text = i18n.t(key, { lng: language })
      expect(text, key).not.toBe('')
      expect(text, key).not.toBe(key)
    }
  })
})

describe('language choice', () => {
  afterEach(() => localStorage.clear())

  it('defaults to zh-CN and sets <html lang>', () => {
    localStorage.clear()
    expect(storedLanguage()).toBe('zh-CN')
    createI18n()
    expect(document.documentElement.lang).toBe('zh-CN')
  })

  it('remembers a switch to English and sets <html lang>', async () => {
    const i18n = createI18n('zh-CN')
    await i18n.changeLanguage('en')
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('en')
    expect(document.documentElement.lang).toBe('en')
    expect(storedLanguage()).toBe('en')
  })

  it('ignores a stored value that is no language of ours', () => {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, 'fr')
    expect(storedLanguage()).toBe('zh-CN')
  })
})

describe('formatting', () => {
  const zh = createI18n('zh-CN')
  const en = createI18n('en')
  const field = (kind: 'pump' | 'electrical-panel' | 'water-tank', key: string) => {
    const spec = telemetryFields(kind).find((f) => f.key === key)
    if (!spec) throw new Error(key)
    return spec
  }

  it('prints numbers for the locale with the unit of the field', () => {
    expect(withUnit(formatFieldValue(field('pump', 'outlet_pressure_mpa'), 0.4521, 'zh-CN', zh.t))).toBe(
      '0.45\u2009MPa',
    )
    expect(withUnit(formatFieldValue(field('electrical-panel', 'energy_kwh'), 1234567.8, 'en', en.t))).toBe(
      '1,234,568\u2009kWh',
    )
    expect(withUnit(formatFieldValue(field('water-tank', 'level_pct'), 72.4, 'en', en.t))).toBe('72%')
  })

  it('prints enum and boolean states as words of the language', () => {
    expect(formatFieldValue(field('pump', 'mode'), 'auto', 'zh-CN', zh.t).text).toBe('自动')
    expect(formatFieldValue(field('pump', 'mode'), 'auto', 'en', en.t).text).toBe('Auto')
    expect(formatFieldValue(field('electrical-panel', 'breaker'), 'tripped', 'zh-CN', zh.t).text).toBe('跳闸')
    expect(formatFieldValue(field('pump', 'running'), true, 'en', en.t).text).toBe('Running')
    expect(formatFieldValue(field('pump', 'running'), undefined, 'en', en.t).text).toBe('—')
  })

  it('uses the English name only in English, and only when there is one', () => {
    expect(localName({ name: '1栋', nameEn: 'Building 1' }, 'en')).toBe('Building 1')
    expect(localName({ name: '1栋', nameEn: 'Building 1' }, 'zh-CN')).toBe('1栋')
    expect(localName({ name: '1栋' }, 'en')).toBe('1栋')
  })

  it('says how long ago in the largest whole unit', () => {
    expect(formatAgo(1_000, 4_000, 'en')).toBe('3 seconds ago')
    expect(formatAgo(0, 120_000, 'zh-CN')).toBe('2分钟前')
  })

  it('prints elapsed times in at most two units', () => {
    expect(formatElapsed(38, 'en', en.t)).toBe('38 ms')
    expect(formatElapsed(4_260, 'en', en.t)).toBe('4.2 s')
    expect(formatElapsed(42_900, 'en', en.t)).toBe('42 s')
    expect(formatElapsed(252_000, 'en', en.t)).toBe('4 min 12 s')
    expect(formatElapsed(2 * 3_600_000, 'en', en.t)).toBe('2 h')
    expect(formatElapsed((3 * 86_400 + 4 * 3600 + 120) * 1000, 'zh-CN', zh.t)).toBe('3 天 4 小时')
    expect(formatElapsed(-5, 'zh-CN', zh.t)).toBe('0 毫秒')
  })

  it('prints memory in MiB and queues in the largest binary unit they reach', () => {
    expect(formatMiB(327_576_371, 'en')).toBe('312.4\u2009MiB')
    expect(formatMiB(2_147_483_648, 'zh-CN')).toBe('2,048.0\u2009MiB')
    expect(formatBytes(0, 'en')).toBe('0\u2009B')
    expect(formatBytes(12_800, 'en')).toBe('12.5\u2009KiB')
    expect(formatBytes(8 * 1024 * 1024, 'en')).toBe('8.0\u2009MiB')
    expect(formatBytes(3 * 1024 ** 3, 'en')).toBe('3.0\u2009GiB')
  })

  it('prints a fill that is neither empty nor full as neither 0% nor 100%', () => {
    expect(formatFill(0, 100, 'en')).toBe('0%')
    expect(formatFill(1, 1000, 'en')).toBe('<1%')
    expect(formatFill(425, 500, 'en')).toBe('85%')
    expect(formatFill(999, 1000, 'en')).toBe('99%')
    expect(formatFill(1000, 1000, 'en')).toBe('100%')
    expect(formatFill(1200, 1000, 'en')).toBe('100%')
  })

  it('says how long a locked account waits, in minutes and on the clock, and how long a rate-limited client waits', () => {
    const at = Date.UTC(2026, 4, 14, 6, 0, 0)
    const locked = { code: 'FM_ERR_AUTH_LOCKED', status: 429, retryAfterSec: 14 * 60 + 5 }
    const clock = (ms: number) =>
      new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms)
    expect(describeFailure(locked, en.t, 'en', at)).toBe(
      `Too many wrong passwords: the account is locked for now. Try again in 15 minutes (after ${clock(at + 845_000)}).`,
    )
    expect(describeFailure({ ...locked, retryAfterSec: 30 }, en.t, 'en', at)).toContain('Try again in 1 minute (')
    expect(describeFailure(locked, zh.t, 'zh-CN', at)).toContain('请 15 分钟后')
    expect(describeFailure({ code: 'FM_ERR_RATE_LIMITED', retryAfterSec: 42 }, zh.t, 'zh-CN', at)).toBe(
      '尝试过于频繁，请 42 秒后再试。',
    )
    // Without Retry-After, and for codes this dashboard has no sentence for.
    expect(describeFailure({ code: 'FM_ERR_AUTH_LOCKED' }, en.t, 'en', at)).toBe(
      'Too many wrong passwords: the account is locked for now. Try again later.',
    )
    expect(describeFailure({ code: 'FM_ERR_SOMETHING_NEW', status: 409 }, en.t, 'en', at)).toBe(
      'The server answered error 409; try again later',
    )
    expect(describeFailure({ code: 'FM_ERR_SOMETHING_NEW' }, zh.t, 'zh-CN', at)).toBe('操作失败，请稍后重试')
  })

  it('prints rates with a decimal while they are small', () => {
    expect(formatRate(41.25, 'en')).toBe('41.3')
    expect(formatRate(1234.5, 'zh-CN')).toBe('1,235')
  })
})
