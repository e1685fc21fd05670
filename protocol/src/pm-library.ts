/**
 * The preventive-maintenance library: the recurring checks that law and standards require of a compound
 * (DOMAIN.md §c), as templates a new site's plans are seeded from. Ids are stable: a site's plan names the template it
 * came from. Each interval is the national one; a site tightens it when a local rule is stricter (Wuhan and Shenzhen
 * clean secondary-water tanks every 6 months, Hubei every quarter), never by editing this file.
 */

import type { WorkOrderCategory } from './alarm-rules.ts'
import type { AlarmPriority } from './alarms.ts'
import type { DeviceKind } from './kinds.ts'
import type { ChecklistItem, PmTrigger } from './work-orders.ts'

/**
 * Which devices of a kind a template applies to, when not all of them: those whose attribute `attribute` is one of
 * `values` (the manifest marks fire pumps with `role`), or, for a device without that attribute, whose name or id
 * contains one of `nameIncludes`.
 */
export interface PmDeviceMatch {
  attribute: string
  values: readonly string[]
  nameIncludes: readonly string[]
}

export interface PmTemplate {
  /** stable: `PmPlan.templateId` */
  id: string
  title: { 'zh-CN': string; en: string }
  category: WorkOrderCategory
  priority: AlarmPriority
  /** every device of this kind (narrowed by `match`); neither: one plan for the site (extinguishers) */
  kind?: DeviceKind
  match?: PmDeviceMatch
  trigger: PmTrigger
  checklist: readonly ChecklistItem[]
  /** the regulation it fulfils */
  basis: string
  /** required by law (fire, secondary water): its compliance is reported apart */
  mandatory: boolean
}

const DAY_WEEK = 7
const DAY_MONTH = 30
const DAY_QUARTER = 91
const DAY_HALF_YEAR = 182
const DAY_YEAR = 365

const passFail = (id: string, zh: string, en: string): ChecklistItem => ({
  id,
  label: { 'zh-CN': zh, en },
  type: 'pass-fail',
})
const photo = (id: string, zh: string, en: string): ChecklistItem => ({ id, label: { 'zh-CN': zh, en }, type: 'photo' })
const reading = (
  id: string,
  zh: string,
  en: string,
  unit: string,
  range: { min?: number; max?: number },
): ChecklistItem => ({ id, label: { 'zh-CN': zh, en }, type: 'number', unit, ...range })

/** The main fire pumps (hydrant, sprinkler), not their jockey pumps. */
const FIRE_PUMPS: PmDeviceMatch = {
  attribute: 'role',
  values: ['hydrant', 'sprinkler', 'fire'],
  nameIncludes: ['消火栓泵', '喷淋泵', '消防泵', 'fire-pump'],
}
const JOCKEY_PUMPS: PmDeviceMatch = { attribute: 'role', values: ['jockey'], nameIncludes: ['稳压泵', 'jockey'] }

const GB_50974_PUMPS = 'GB 50974-2014 §14.0.4'

type Title = PmTemplate['title']

/** A fire check the law requires: planned priority, a fixed calendar, reported as mandatory. */
function fireCheck(
  id: string,
  title: Title,
  everyDays: number,
  scope: Pick<PmTemplate, 'kind' | 'match' | 'basis'>,
  checklist: readonly ChecklistItem[],
): PmTemplate {
  return {
    id,
    title,
    category: 'fire',
    priority: 'P3',
    ...scope,
    trigger: { everyDays, calendar: 'fixed' },
    checklist,
    mandatory: true,
  }
}

const firePumps = { kind: 'pump', match: FIRE_PUMPS, basis: GB_50974_PUMPS } as const

export const PM_LIBRARY: readonly PmTemplate[] = Object.freeze([
  fireCheck(
    'fire-pump-weekly-auto-start',
    { 'zh-CN': '消防水泵每周模拟自动启动', en: 'Fire pump: weekly simulated automatic start' },
    DAY_WEEK,
    firePumps,
    [
      passFail('auto-start', '模拟信号下自动启动', 'Starts automatically on the simulated signal'),
      reading('outlet-pressure', '出口压力', 'Outlet pressure', 'MPa', { min: 0.1 }),
      passFail('no-abnormal-noise', '运行无异响、无异常振动', 'Runs without abnormal noise or vibration'),
    ],
  ),
  fireCheck(
    'fire-pump-monthly-manual-start',
    { 'zh-CN': '消防水泵每月手动启动', en: 'Fire pump: monthly manual start' },
    DAY_MONTH,
    firePumps,
    [
      passFail('power-supply', '主、备电源正常，切换正常', 'Main and standby power present, changeover works'),
      passFail('manual-start', '手动启动运转正常', 'Starts and runs by hand'),
      reading('running-current', '运行电流', 'Running current', 'A', { min: 0 }),
    ],
  ),
  fireCheck(
    'fire-pump-quarterly-flow-test',
    { 'zh-CN': '消防水泵每季度流量和压力测试', en: 'Fire pump: quarterly flow and pressure test' },
    DAY_QUARTER,
    firePumps,
    [
      reading('flow', '试验流量', 'Test flow', 'L/s', { min: 0 }),
      reading('pressure', '试验压力', 'Test pressure', 'MPa', { min: 0 }),
      passFail('meets-design', '流量、压力满足设计要求', 'Flow and pressure meet the design'),
      photo('test-record', '测试记录照片', 'Photo of the test record'),
    ],
  ),
  fireCheck(
    'jockey-pump-daily-check',
    { 'zh-CN': '稳压泵启停压力及启泵次数检查', en: 'Jockey pump: start/stop pressure and start count check' },
    1,
    { ...firePumps, match: JOCKEY_PUMPS },
    [
      reading('start-pressure', '启泵压力', 'Start pressure', 'MPa', { min: 0 }),
      reading('stop-pressure', '停泵压力', 'Stop pressure', 'MPa', { min: 0 }),
      reading('starts', '当日启泵次数', 'Starts today', '次', { min: 0, max: 15 }),
    ],
  ),
  fireCheck(
    'fire-water-monthly-level',
    { 'zh-CN': '消防水池、水箱水位每月检查', en: 'Fire water: monthly level check' },
    DAY_MONTH,
    { kind: 'fire-water', basis: 'GB 50974-2014 §14.0.3' },
    [
      passFail('level-ok', '水位符合设计要求', 'Level as designed'),
      passFail('level-indicator', '就地与远传水位一致', 'Local and remote level readings agree'),
      reading('water-temperature', '冬季水温（不低于 5 °C）', 'Water temperature in winter (at least 5 °C)', '°C', {
        min: 5,
      }),
    ],
  ),
  fireCheck(
    'fire-facilities-yearly-test',
    { 'zh-CN': '建筑消防设施年度全面检测', en: 'Building fire facilities: yearly full test' },
    DAY_YEAR,
    { kind: 'fire-alarm-panel', basis: '消防法 §16(三); GB 25201-2010 §7.1.1' },
    [
      passFail('detectors', '探测器、手报按回路抽检合格', 'Detectors and call points tested by loop'),
      passFail('linkage', '联动控制功能正常', 'Linked controls work'),
      passFail('transmitter', '用户信息传输装置上报正常', 'The transmitter reports to the monitoring centre'),
      photo('report', '检测报告', 'Test report of the certified organisation'),
    ],
  ),
  // site-level: extinguishers are not devices of the platform
  fireCheck(
    'extinguishers-monthly',
    { 'zh-CN': '灭火器每月检查', en: 'Extinguishers: monthly check' },
    DAY_MONTH,
    { basis: 'GB 50444-2008 §5' },
    [
      passFail('in-place', '数量齐全、位置正确、取用无遮挡', 'All present, in place and unobstructed'),
      passFail('pressure', '压力表指针在绿区', 'Gauges in the green'),
      passFail('intact', '铅封、喷嘴、筒体完好', 'Seals, nozzles and cylinders intact'),
      passFail('in-date', '未超维修、报废年限', 'Within service and scrap dates'),
    ],
  ),
  {
    id: 'secondary-water-tank-cleaning',
    title: {
      'zh-CN': '二次供水水箱清洗消毒及水质检测',
      en: 'Secondary water tank: cleaning, disinfection and lab test',
    },
    category: 'water-power',
    priority: 'P3',
    kind: 'water-tank',
    // the national floor is once a year; Shenzhen and Wuhan ask every 6 months, which most of our sites follow
    trigger: { everyDays: DAY_HALF_YEAR, calendar: 'fixed' },
    checklist: [
      passFail('cleaned', '排空、清洗完成', 'Drained and cleaned'),
      passFail('disinfected', '消毒完成', 'Disinfected'),
      passFail('covers-locked', '人孔加锁、通气孔和溢流管防护完好', 'Manhole locked, vents and overflow screened'),
      reading('free-chlorine', '游离余氯', 'Free chlorine', 'mg/L', { min: 0.05, max: 2 }),
      reading('turbidity', '浑浊度', 'Turbidity', 'NTU', { max: 1 }),
      photo('lab-report', '有资质机构的水质检测报告', 'Lab report of a certified laboratory'),
    ],
    basis: 'GB 17051-1997; GB 5749-2022; 深圳、武汉每半年，湖北每季度',
    mandatory: true,
  },
  {
    id: 'pump-service-run-hours',
    title: { 'zh-CN': '水泵保养（每运行 2000 小时或每年）', en: 'Pump service: every 2000 run hours or yearly' },
    category: 'water-power',
    priority: 'P3',
    kind: 'pump',
    trigger: { everyDays: DAY_YEAR, calendar: 'floating', usage: { field: 'run_hours_h', every: 2000 } },
    checklist: [
      passFail('bearings', '轴承润滑、无异响', 'Bearings greased and quiet'),
      passFail('seal', '机械密封无渗漏', 'Mechanical seal does not leak'),
      reading('insulation', '电机绝缘电阻', 'Motor insulation resistance', 'MΩ', { min: 0.5 }),
      passFail('coupling', '联轴器对中、紧固件无松动', 'Coupling aligned, fasteners tight'),
    ],
    basis: 'manufacturer manual (设备说明书)',
    mandatory: false,
  },
  {
    id: 'barrier-service-vehicles',
    title: { 'zh-CN': '道闸保养（每通行 5 万辆）', en: 'Barrier service: every 50 000 vehicles' },
    category: 'gates-parking',
    priority: 'P3',
    kind: 'gate',
    trigger: { usage: { field: 'vehicles_in_count', every: 50_000 } },
    checklist: [
      passFail('spring-balance', '平衡弹簧、闸杆平衡正常', 'Balance spring and arm balanced'),
      passFail('drive', '电机、减速机润滑，无异响', 'Motor and gearbox greased and quiet'),
      passFail('loop-safety', '地感防砸功能正常', 'Loop anti-crush protection works'),
    ],
    basis: 'manufacturer manual (设备说明书)',
    mandatory: false,
  },
])

export function pmTemplate(id: string): PmTemplate | undefined {
  return PM_LIBRARY.find((template) => template.id === id)
}

/** Whether a device of the template's kind is one `match` selects (see `PmDeviceMatch`). */
export function matchesPmDevice(
  match: PmDeviceMatch | undefined,
  device: { id: string; name: string; attributes: Readonly<Record<string, string | number | boolean>> },
): boolean {
  if (match === undefined) return true
  const marked = device.attributes[match.attribute]
  if (marked !== undefined) return match.values.includes(String(marked))
  const text = `${device.name} ${device.id}`.toLowerCase()
  return match.nameIncludes.some((part) => text.includes(part.toLowerCase()))
}
