/**
 * The alarm rule catalog: for every device kind, the conditions that raise an alarm, with the default thresholds,
 * delays and priorities of DOMAIN.md §b. A site or a device may override a rule's numbers (`RuleOverride`); an
 * admin edits them in the dashboard, and every change is audited.
 *
 * How a rule is evaluated (ingest, `alarm-engine.ts`):
 * - **on-delay** (debounce): the condition must hold for `onDelaySec` before the alarm is raised; 0 for discrete fire
 *   and flood states;
 * - **deadband** (hysteresis): an `above` condition clears only at or below `threshold − deadband` (`below`: at or
 *   above `threshold + deadband`), so a value hovering at the threshold does not chatter;
 * - **off-delay**: the condition must stay clear for `offDelaySec` before the alarm returns to normal;
 * - **latch**: the alarm stays active after the condition clears, until reset (fire);
 * - **suppress by design**: while `suppressWhen` holds on the device's latest values, the alarm is flagged as
 *   suppressed (it still changes state, it does not sound);
 * - **liveness**: `comms-loss` rules are raised from the device's status (last will) or from silence for three report
 *   intervals, and grouped: when a whole gateway or room goes silent, one group alarm stands for its devices.
 */
import type { AlarmPriority } from './alarms.ts'
import type { DeviceKind } from './kinds.ts'
import type { FieldValue } from './telemetry.ts'

export type RuleCondition =
  /**
   * a number above `threshold`; clears at or below `threshold − deadband`. With `alsoFields`, the highest of them all
   * is judged (three phases: the worst one counts, one alarm for the panel).
   */
  | { type: 'above'; field: string; alsoFields?: readonly string[]; threshold: number; deadband: number }
  /** a number below `threshold`; clears at or above `threshold + deadband`; with `alsoFields`, the lowest counts */
  | { type: 'below'; field: string; alsoFields?: readonly string[]; threshold: number; deadband: number }
  /** a discrete field at one of `values` (a boolean true, an enum state) */
  | { type: 'state'; field: string; values: readonly FieldValue[] }
  /** rise by more than `rise` within `windowSec` (cable temperature +15 K in 10 minutes) */
  | { type: 'rate'; field: string; rise: number; windowSec: number }
  /** `command` true and `feedback` false (pump commanded to run, no run feedback) */
  | { type: 'mismatch'; command: string; feedback: string }
  /** the device is offline (last will) or silent for three report intervals */
  | { type: 'comms-loss' }

/** What a rule opens in maintenance (issue: maintenance); the catalog already says it. */
export const WORK_ORDER_CATEGORIES = [
  'water-power',
  'lift',
  'fire',
  'civil',
  'doors-hardware',
  'security-systems',
  'gates-parking',
  'public-facilities',
  'grounds-cleaning',
] as const
export type WorkOrderCategory = (typeof WORK_ORDER_CATEGORIES)[number]

export interface AlarmRule {
  /** `<kind>.<name>`, stable: alarms, overrides and the journal refer to it */
  id: string
  kind: DeviceKind
  priority: AlarmPriority
  condition: RuleCondition
  onDelaySec: number
  offDelaySec: number
  latch: boolean
  /** `required`: an alarm back to normal waits for an acknowledgement; `auto`: it returns to normal by itself. */
  ack: 'required' | 'auto'
  /** While every one of these holds on the device's latest values, the alarm is suppressed by design. */
  suppressWhen?: readonly { field: string; equals: FieldValue }[]
  workOrder?: { category: WorkOrderCategory; priority: AlarmPriority }
  name: { 'zh-CN': string; en: string }
  /** What to do, shown with the alarm. */
  guidance: { 'zh-CN': string; en: string }
}

/** The numbers a site or a device may change in a rule; anything else is the catalog's. */
export interface RuleOverride {
  ruleId: string
  /** undefined: for every device of the rule's kind at the site */
  deviceId?: string
  enabled?: boolean
  priority?: AlarmPriority
  threshold?: number
  deadband?: number
  onDelaySec?: number
  offDelaySec?: number
}

const above = (field: string, threshold: number, deadband: number): RuleCondition => ({
  type: 'above',
  field,
  threshold,
  deadband,
})
const below = (field: string, threshold: number, deadband: number, alsoFields?: readonly string[]): RuleCondition => ({
  type: 'below',
  field,
  threshold,
  deadband,
  ...(alsoFields ? { alsoFields } : {}),
})
const state = (field: string, ...values: FieldValue[]): RuleCondition => ({ type: 'state', field, values })

type RuleInput = Omit<AlarmRule, 'id' | 'kind' | 'onDelaySec' | 'offDelaySec' | 'latch' | 'ack'> &
  Partial<Pick<AlarmRule, 'onDelaySec' | 'offDelaySec' | 'latch' | 'ack'>>

/** Slow process values (levels, pressures, water quality) wait 60 s, as DOMAIN.md §b.0. */
const SLOW = 60
/** Electrical values wait 10 s. */
const ELECTRICAL = 10

function rules(kind: DeviceKind, list: Record<string, RuleInput>): AlarmRule[] {
  return Object.entries(list).map(([name, input]) => ({
    id: `${kind}.${name}`,
    kind,
    onDelaySec: 0,
    offDelaySec: 0,
    latch: false,
    ack: 'required',
    ...input,
  }))
}

const commsLoss = (kind: DeviceKind, priority: AlarmPriority, category: WorkOrderCategory): AlarmRule[] =>
  rules(kind, {
    'comms-loss': {
      priority,
      condition: { type: 'comms-loss' },
      ack: 'auto',
      workOrder: { category, priority: priority === 'P1' ? 'P1' : 'P2' },
      name: { 'zh-CN': '通信中断', en: 'Communication lost' },
      guidance: {
        'zh-CN': '检查设备电源、网线和网关；监控中断期间安排人员现场巡视。',
        en: 'Check the device power, cabling and gateway; send someone to look while monitoring is blind.',
      },
    },
  })

export const ALARM_RULES: readonly AlarmRule[] = Object.freeze([
  ...rules('water-tank', {
    'level-low-low': {
      priority: 'P1',
      condition: below('level_pct', 15, 5),
      onDelaySec: SLOW,
      workOrder: { category: 'water-power', priority: 'P1' },
      name: { 'zh-CN': '水箱液位超低', en: 'Tank level low-low' },
      guidance: {
        'zh-CN': '水泵有干转风险：检查进水阀、浮球阀和市政来水，必要时停泵。',
        en: 'The pumps may run dry: check the inlet valve, the float valve and the municipal supply; stop the pumps if needed.',
      },
    },
    'level-low': {
      priority: 'P2',
      condition: below('level_pct', 30, 5),
      onDelaySec: SLOW,
      workOrder: { category: 'water-power', priority: 'P2' },
      name: { 'zh-CN': '水箱液位低', en: 'Tank level low' },
      guidance: {
        'zh-CN': '检查进水阀和浮球阀，确认市政供水是否正常。',
        en: 'Check the inlet and float valves, and whether the municipal supply is on.',
      },
    },
    'level-high': {
      priority: 'P2',
      condition: above('level_pct', 95, 3),
      onDelaySec: SLOW,
      name: { 'zh-CN': '水箱液位高', en: 'Tank level high' },
      guidance: { 'zh-CN': '检查浮球阀是否关闭不严。', en: 'Check whether the float valve closes properly.' },
    },
    overflow: {
      priority: 'P1',
      condition: state('overflow', true),
      workOrder: { category: 'water-power', priority: 'P1' },
      name: { 'zh-CN': '水箱溢流', en: 'Tank overflow' },
      guidance: {
        'zh-CN': '关闭进水阀，检查浮球阀和溢流排水，防止泵房进水。',
        en: 'Close the inlet valve, check the float valve and the overflow drain; keep water out of the pump room.',
      },
    },
    'hatch-open': {
      priority: 'P1',
      condition: state('hatch_open', true),
      name: { 'zh-CN': '水箱人孔盖打开', en: 'Tank hatch open' },
      guidance: {
        'zh-CN': '派保安10分钟内到场核实（水箱须加盖加锁），无维修工单时按入侵处理。',
        en: 'Send a guard within 10 minutes (tanks must be covered and locked); without a work order, treat it as an intrusion.',
      },
    },
    'chlorine-low': {
      priority: 'P1',
      condition: below('chlorine_mg_l', 0.05, 0.03),
      onDelaySec: SLOW,
      workOrder: { category: 'water-power', priority: 'P1' },
      name: { 'zh-CN': '余氯过低', en: 'Residual chlorine low' },
      guidance: {
        'zh-CN': '低于GB 5749限值0.05 mg/L：检查消毒设备，人工取样送检。',
        en: 'Below the GB 5749 limit of 0.05 mg/L: check the disinfection unit, take a manual sample for the lab.',
      },
    },
    'turbidity-high': {
      priority: 'P1',
      condition: above('turbidity_ntu', 1, 0.2),
      onDelaySec: SLOW,
      workOrder: { category: 'water-power', priority: 'P1' },
      name: { 'zh-CN': '浊度超标', en: 'Turbidity high' },
      guidance: {
        'zh-CN': '超过GB 5749限值1 NTU：取样、检查水箱，确认后通知住户并安排清洗消毒。',
        en: 'Above the GB 5749 limit of 1 NTU: sample, inspect the tank; if confirmed, tell residents and plan a cleaning.',
      },
    },
    'ph-out-of-range': {
      priority: 'P1',
      condition: below('ph', 6.5, 0.2),
      onDelaySec: SLOW,
      name: { 'zh-CN': 'pH偏低', en: 'pH low' },
      guidance: { 'zh-CN': '取样送检。', en: 'Take a sample for the lab.' },
    },
  }),
  ...commsLoss('water-tank', 'P2', 'water-power'),

  ...rules('pump', {
    fault: {
      priority: 'P1',
      condition: state('fault', true),
      workOrder: { category: 'water-power', priority: 'P1' },
      name: { 'zh-CN': '水泵故障', en: 'Pump fault' },
      guidance: {
        'zh-CN': '查看变频器故障代码，检查接触器和电机；确认备用泵已投入。',
        en: 'Read the VFD fault code, check the contactor and the motor; make sure the standby pump took over.',
      },
    },
    'run-feedback-missing': {
      priority: 'P1',
      condition: { type: 'mismatch', command: 'run_command', feedback: 'running' },
      onDelaySec: ELECTRICAL,
      workOrder: { category: 'water-power', priority: 'P1' },
      name: { 'zh-CN': '水泵启动无反馈', en: 'Pump commanded, not running' },
      guidance: {
        'zh-CN': '已发出运行指令但无运行反馈：检查变频器、接触器和热继电器。',
        en: 'Run commanded but no run feedback: check the VFD, the contactor and the thermal relay.',
      },
    },
    'manual-mode': {
      priority: 'P2',
      condition: state('mode', 'manual'),
      onDelaySec: 30 * 60,
      ack: 'auto',
      name: { 'zh-CN': '水泵手动运行超过30分钟', en: 'Pump in manual for over 30 minutes' },
      guidance: {
        'zh-CN': '通知值班工程师；恢复自动后告警自动消除。',
        en: 'Tell the engineer on duty; the alarm clears once the pump is back in automatic.',
      },
    },
    'pressure-low-low': {
      priority: 'P1',
      condition: below('outlet_pressure_mpa', 0.1, 0.02),
      onDelaySec: SLOW,
      suppressWhen: [{ field: 'run_command', equals: false }],
      workOrder: { category: 'water-power', priority: 'P1' },
      name: { 'zh-CN': '出水压力超低', en: 'Outlet pressure low-low' },
      guidance: {
        'zh-CN': '高层住户可能停水：检查水泵、变频器和管网是否漏水。',
        en: 'Upper floors may be without water: check the pumps, the VFD and the mains for leaks.',
      },
    },
    'current-high': {
      priority: 'P2',
      condition: above('current_a', 60, 3),
      onDelaySec: ELECTRICAL,
      name: { 'zh-CN': '电机电流过高', en: 'Motor current high' },
      guidance: {
        'zh-CN': '超过额定电流1.1倍：检查机械卡阻和电气接线。',
        en: 'Above 1.1 × rated current: check for mechanical binding and the wiring.',
      },
    },
  }),
  ...commsLoss('pump', 'P2', 'water-power'),

  ...rules('electrical-panel', {
    'voltage-loss': {
      priority: 'P1',
      condition: below('uab_v', 304, 15, ['ubc_v', 'uca_v']),
      onDelaySec: ELECTRICAL,
      workOrder: { category: 'water-power', priority: 'P1' },
      name: { 'zh-CN': '电压过低/缺相', en: 'Voltage loss' },
      guidance: {
        'zh-CN': '低于额定电压80%：检查进线电源和双电源切换，联系供电公司。',
        en: 'Below 80 % of nominal: check the incoming supply and the ATS, call the utility.',
      },
    },
    'voltage-deviation': {
      priority: 'P2',
      condition: below('uab_v', 353, 5, ['ubc_v', 'uca_v']),
      onDelaySec: SLOW,
      name: { 'zh-CN': '电压偏低', en: 'Voltage low' },
      guidance: {
        'zh-CN': '超出GB/T 12325允许偏差（380 V −7%）。',
        en: 'Outside the GB/T 12325 band (380 V −7 %).',
      },
    },
    'residual-current': {
      priority: 'P1',
      condition: above('residual_current_ma', 300, 30),
      onDelaySec: ELECTRICAL,
      workOrder: { category: 'water-power', priority: 'P1' },
      name: { 'zh-CN': '剩余电流超限', en: 'Residual current high' },
      guidance: {
        'zh-CN': '电气火灾前兆：做绝缘测试，查找漏电回路。',
        en: 'An electrical-fire precursor: test the insulation, find the leaking feeder.',
      },
    },
    'cable-temperature': {
      priority: 'P1',
      condition: above('cable_temp_c', 70, 5),
      onDelaySec: ELECTRICAL,
      workOrder: { category: 'water-power', priority: 'P1' },
      name: { 'zh-CN': '线缆温度过高', en: 'Cable temperature high' },
      guidance: {
        'zh-CN': '红外测温检查，紧固端子，减轻负荷。',
        en: 'Check with an infrared camera, retighten the terminals, reduce the load.',
      },
    },
    'cable-temperature-rise': {
      priority: 'P1',
      condition: { type: 'rate', field: 'cable_temp_c', rise: 15, windowSec: 600 },
      name: { 'zh-CN': '线缆温升过快', en: 'Cable temperature rising fast' },
      guidance: {
        'zh-CN': '10分钟内升高超过15 K：立即到场检查。',
        en: 'More than 15 K in 10 minutes: go and look now.',
      },
    },
    'breaker-tripped': {
      priority: 'P1',
      condition: state('breaker', 'tripped'),
      workOrder: { category: 'water-power', priority: 'P1' },
      name: { 'zh-CN': '断路器跳闸', en: 'Breaker tripped' },
      guidance: {
        'zh-CN': '查明跳闸原因后再合闸，记录原因。',
        en: 'Find the cause before closing it again, and record the cause.',
      },
    },
    'spd-failed': {
      priority: 'P2',
      condition: state('spd', 'failed'),
      name: { 'zh-CN': '浪涌保护器失效', en: 'Surge protector failed' },
      guidance: { 'zh-CN': '更换浪涌保护模块。', en: 'Replace the surge protection module.' },
    },
    'on-backup-source': {
      priority: 'P1',
      condition: state('ats_source', 'backup', 'none'),
      ack: 'auto',
      name: { 'zh-CN': '双电源切换至备用/无电', en: 'On backup supply or none' },
      guidance: {
        'zh-CN': '主电源失电：联系供电公司，关注备用电源负荷。',
        en: 'Main supply lost: call the utility, watch the backup supply load.',
      },
    },
  }),
  ...commsLoss('electrical-panel', 'P2', 'water-power'),

  ...rules('fire-alarm-panel', {
    fire: {
      priority: 'P0',
      condition: above('fire_points', 0, 0),
      latch: true,
      workOrder: { category: 'fire', priority: 'P0' },
      name: { 'zh-CN': '火警', en: 'Fire alarm' },
      guidance: {
        'zh-CN':
          '按GB 25201第5.3条：以最快方式确认（视频或派人，3分钟内）；确认火灾后联动转自动、拨打119、启动应急预案并报告消防安全责任人；误报则查明原因并记录。',
        en: 'GB 25201 §5.3: verify by the fastest means (CCTV or a person, within 3 minutes); if real, switch linkage to automatic, call 119, start the fire plan and tell the person responsible; if false, find and record the cause.',
      },
    },
    fault: {
      priority: 'P1',
      condition: above('fault_points', 0, 0),
      workOrder: { category: 'fire', priority: 'P1' },
      name: { 'zh-CN': '消防设备故障', en: 'Fire system fault' },
      guidance: {
        'zh-CN': '查看控制器故障点位，安排维修并填写故障维修记录。',
        en: 'Read the faulty points on the panel, repair them and fill in the fault record.',
      },
    },
    supervisory: {
      priority: 'P1',
      condition: above('supervisory_points', 0, 0),
      name: { 'zh-CN': '消防监管报警', en: 'Fire supervisory' },
      guidance: {
        'zh-CN': '检查阀门和压力开关，恢复正常状态。',
        en: 'Check the valves and pressure switches, restore them.',
      },
    },
    isolated: {
      priority: 'P2',
      condition: above('isolated_points', 0, 0),
      onDelaySec: 24 * 60 * 60,
      ack: 'auto',
      workOrder: { category: 'fire', priority: 'P2' },
      name: { 'zh-CN': '消防点位屏蔽超过24小时', en: 'Fire points isolated for over 24 h' },
      guidance: {
        'zh-CN': '屏蔽点位计入消防设施完好率，须尽快恢复。',
        en: 'Isolated points count against the fire-system intact rate: restore them.',
      },
    },
    'manual-mode': {
      priority: 'P1',
      condition: state('mode', 'manual'),
      onDelaySec: 5 * 60,
      ack: 'auto',
      name: { 'zh-CN': '消防联动处于手动状态', en: 'Fire linkage in manual' },
      guidance: {
        'zh-CN': 'GB 25201要求自动消防系统不得处于手动状态：恢复自动并通知主管。',
        en: 'GB 25201: automatic fire systems must not be left in manual. Switch back and tell the supervisor.',
      },
    },
    'mains-power': {
      priority: 'P1',
      condition: state('mains_power_ok', false),
      workOrder: { category: 'fire', priority: 'P1' },
      name: { 'zh-CN': '消防主电故障', en: 'Fire panel mains failure' },
      guidance: { 'zh-CN': '检查控制器主电源。', en: 'Check the panel mains supply.' },
    },
    'backup-power': {
      priority: 'P1',
      condition: state('backup_power_ok', false),
      workOrder: { category: 'fire', priority: 'P1' },
      name: { 'zh-CN': '消防备电故障', en: 'Fire panel battery failure' },
      guidance: { 'zh-CN': '检查或更换蓄电池。', en: 'Check or replace the battery.' },
    },
  }),
  ...commsLoss('fire-alarm-panel', 'P1', 'fire'),

  ...rules('fire-water', {
    'tank-level-low': {
      priority: 'P1',
      condition: below('tank_level_pct', 90, 3),
      onDelaySec: SLOW,
      workOrder: { category: 'fire', priority: 'P1' },
      name: { 'zh-CN': '消防水池液位低', en: 'Fire water level low' },
      guidance: {
        'zh-CN': '低于设计有效水位：补水并检查漏水。',
        en: 'Below the design effective level: refill and look for leaks.',
      },
    },
    'hydrant-pressure-low': {
      priority: 'P1',
      condition: below('hydrant_pressure_mpa', 0.15, 0.02),
      onDelaySec: SLOW,
      workOrder: { category: 'fire', priority: 'P1' },
      name: { 'zh-CN': '消火栓管网压力低', en: 'Hydrant pressure low' },
      guidance: {
        'zh-CN': '检查稳压泵、阀门和管网泄漏。',
        en: 'Check the jockey pump, the valves and the mains for leaks.',
      },
    },
    'sprinkler-pressure-low': {
      priority: 'P1',
      condition: below('sprinkler_pressure_mpa', 0.15, 0.02),
      onDelaySec: SLOW,
      workOrder: { category: 'fire', priority: 'P1' },
      name: { 'zh-CN': '喷淋管网压力低', en: 'Sprinkler pressure low' },
      guidance: {
        'zh-CN': '检查湿式报警阀、稳压泵和管网泄漏。',
        en: 'Check the alarm valve, the jockey pump and the mains for leaks.',
      },
    },
    'water-cold': {
      priority: 'P1',
      condition: below('water_temp_c', 5, 1),
      onDelaySec: SLOW,
      name: { 'zh-CN': '消防水温低于5°C', en: 'Fire water below 5 °C' },
      guidance: {
        'zh-CN': 'GB 50974要求消防水不得结冰：开启伴热或采暖。',
        en: 'GB 50974: fire water must not freeze. Turn on trace heating or room heating.',
      },
    },
  }),
  ...commsLoss('fire-water', 'P1', 'fire'),

  ...rules('room-environment', {
    flood: {
      priority: 'P0',
      condition: state('flood', true),
      workOrder: { category: 'water-power', priority: 'P0' },
      name: { 'zh-CN': '水浸报警', en: 'Flooding' },
      guidance: {
        'zh-CN': '保安和工程人员10分钟内到场，切断水源，保护配电设备。',
        en: 'Guard and engineer on site within 10 minutes: shut the water off, protect the electrical equipment.',
      },
    },
    smoke: {
      priority: 'P0',
      condition: state('smoke', true),
      latch: true,
      name: { 'zh-CN': '设备房烟感报警', en: 'Smoke in an equipment room' },
      guidance: {
        'zh-CN': '按火警程序处理：以最快方式确认。',
        en: 'Follow the fire procedure: verify by the fastest means.',
      },
    },
    'temperature-high': {
      priority: 'P2',
      condition: above('temperature_c', 40, 2),
      onDelaySec: SLOW,
      name: { 'zh-CN': '设备房温度过高', en: 'Room too hot' },
      guidance: { 'zh-CN': '检查通风和空调。', en: 'Check the ventilation and the air conditioning.' },
    },
    'temperature-low': {
      priority: 'P2',
      condition: below('temperature_c', 5, 1),
      onDelaySec: SLOW,
      name: { 'zh-CN': '设备房温度过低', en: 'Room too cold' },
      guidance: {
        'zh-CN': '防冻：检查采暖，关好门窗。',
        en: 'Freeze risk: check the heating, close doors and windows.',
      },
    },
    'humidity-high': {
      priority: 'P2',
      condition: above('humidity_pct', 85, 5),
      onDelaySec: SLOW,
      name: { 'zh-CN': '设备房湿度过高', en: 'Room too humid' },
      guidance: { 'zh-CN': '检查除湿和渗漏。', en: 'Check the dehumidifier and look for leaks.' },
    },
  }),
  ...commsLoss('room-environment', 'P2', 'security-systems'),

  ...rules('gate', {
    'barrier-fault': {
      priority: 'P1',
      condition: state('barrier', 'fault'),
      workOrder: { category: 'gates-parking', priority: 'P1' },
      name: { 'zh-CN': '道闸故障', en: 'Barrier fault' },
      guidance: {
        'zh-CN': '安排人工放行并登记，通知维修。',
        en: 'Release vehicles by hand and log them; call maintenance.',
      },
    },
    'barrier-held-open': {
      priority: 'P2',
      condition: state('barrier', 'up'),
      onDelaySec: 120,
      ack: 'auto',
      name: { 'zh-CN': '道闸长时间未落杆', en: 'Barrier held open' },
      guidance: {
        'zh-CN': '超过2分钟未落杆：查看视频，确认是否有车辆滞留或人为抬杆。',
        en: 'Up for over 2 minutes: look at the camera for a stuck vehicle or a barrier held up by hand.',
      },
    },
  }),
  ...commsLoss('gate', 'P1', 'gates-parking'),

  ...rules('patrol-checkpoint', {
    'battery-low': {
      priority: 'P3',
      condition: below('battery_pct', 20, 5),
      onDelaySec: SLOW,
      ack: 'auto',
      name: { 'zh-CN': '巡更点电量低', en: 'Checkpoint battery low' },
      guidance: { 'zh-CN': '安排更换电池。', en: 'Plan a battery change.' },
    },
  }),
  ...commsLoss('patrol-checkpoint', 'P3', 'security-systems'),
])

const RULES_BY_ID = new Map(ALARM_RULES.map((rule) => [rule.id, rule]))

export function alarmRule(id: string): AlarmRule | undefined {
  return RULES_BY_ID.get(id)
}

export function rulesFor(kind: DeviceKind): AlarmRule[] {
  return ALARM_RULES.filter((rule) => rule.kind === kind)
}

/** The group alarm a silent gateway or room raises instead of one comms-loss alarm per device. */
export const GROUP_COMMS_LOSS_RULE = 'group.comms-loss'
