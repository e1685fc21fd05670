/**
 * The alarm KPIs: the pure computation on a journal whose figures are worked out by hand below, the CSV export, and
 * the route on the real store.
 */
import type { AlarmJournalEntry, AlarmKpis, AlarmPriority, AlarmTransition, AlarmView } from '@fm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { alarmKpisCsv, computeAlarmKpis, floodPeriods, percentile } from '../src/alarm-kpis.ts'
import { raise, startAlarmApi, userOf } from './alarm-fixtures.ts'
import { closeAll, SITE_ID } from './fixtures.ts'
import { expectError, send } from './sign-in.ts'

afterEach(closeAll)

const T0 = Date.UTC(2026, 0, 5, 0, 0, 0)
const SEC = 1000
const MIN = 60 * SEC
const HOUR = 60 * MIN
/** `m` minutes and `s` seconds after T0. */
const at = (m: number, s = 0) => T0 + m * MIN + s * SEC

let nextId = 1
function entry(
  alarmId: number,
  deviceId: string,
  ruleId: string,
  priority: AlarmPriority,
  transition: AlarmTransition,
  ts: number,
  userName?: string,
): AlarmJournalEntry {
  return {
    id: nextId++,
    alarmId,
    siteId: SITE_ID,
    deviceId,
    ruleId,
    priority,
    ts,
    transition,
    ...(userName === undefined ? {} : { userId: `u_${userName}`, userName }),
  }
}

function alarm(id: number, active: boolean, raisedAt: number): AlarmView {
  return {
    id,
    siteId: SITE_ID,
    deviceId: `device-${id}`,
    kind: 'gate',
    ruleId: 'gate.barrier-fault',
    priority: 'P1',
    state: active ? 'ack' : 'normal',
    active,
    acknowledged: true,
    latched: false,
    conditionActive: active,
    count: 1,
    raisedAt,
    suppressedByDesign: false,
    updatedAt: raisedAt,
  }
}

/**
 * One hour, from T0 to T0 + 60 min, in six 10-minute periods:
 * - alarm 1 (tank-1, P2): raised at 1:00, acknowledged by Wang Jun at 2:00 (60 s);
 * - alarm 2 (pump-1, P1): raised at 20:00, re-triggered at 20:20 and 20:40 (chattering: 3 raises in 40 s),
 *   acknowledged by Zhao Lei at 21:00 (60 s);
 * - a flood: alarms 3 … 14 (dev-03 … dev-14; dev-03 P0, the rest P3) raised every 5 s from 30:00 to 30:55;
 *   alarm 3 acknowledged by Zhao Lei at 30:30 (30 s), alarm 4 by Wang Jun at 40:05 (600 s);
 * - alarm 5, raised 2 h before T0 (before the journal read), acknowledged by Wang Jun at 5:00 (7 500 s);
 * - alarm 8 raised 5 minutes before T0: in the flood window's lead-in, not in the period.
 */
function hour(): { journal: AlarmJournalEntry[]; alarms: AlarmView[] } {
  nextId = 1
  const journal = [
    entry(8, 'tank-2', 'water-tank.level-low', 'P2', 'raised', at(-5)),
    entry(1, 'tank-1', 'water-tank.level-low', 'P2', 'raised', at(1)),
    entry(1, 'tank-1', 'water-tank.level-low', 'P2', 'acknowledged', at(2), 'Wang Jun'),
    entry(5, 'gate-east', 'gate.barrier-fault', 'P1', 'acknowledged', at(5), 'Wang Jun'),
    entry(2, 'pump-1', 'pump.fault', 'P1', 'raised', at(20)),
    entry(2, 'pump-1', 'pump.fault', 'P1', 'retriggered', at(20, 20)),
    entry(2, 'pump-1', 'pump.fault', 'P1', 'retriggered', at(20, 40)),
    entry(2, 'pump-1', 'pump.fault', 'P1', 'acknowledged', at(21), 'Zhao Lei'),
  ]
  for (let k = 0; k < 12; k += 1) {
    const id = 3 + k
    journal.push(
      entry(
        id,
        `dev-${String(id).padStart(2, '0')}`,
        'gate.comms-loss',
        id === 3 ? 'P0' : 'P3',
        'raised',
        at(30, 5 * k),
      ),
    )
  }
  journal.push(entry(3, 'dev-03', 'gate.comms-loss', 'P0', 'acknowledged', at(30, 30), 'Zhao Lei'))
  journal.push(entry(4, 'dev-04', 'gate.comms-loss', 'P3', 'acknowledged', at(40, 5), 'Wang Jun'))
  const alarms = [
    alarm(5, true, T0 - 2 * HOUR),
    // standing: active, raised 31 h before the end of the period
    alarm(6, true, T0 - 30 * HOUR),
    // not standing: no longer active
    alarm(7, false, T0 - 48 * HOUR),
  ]
  return { journal, alarms }
}

describe('computeAlarmKpis', () => {
  it('counts one hour worked out by hand', () => {
    const kpis = computeAlarmKpis({ siteId: SITE_ID, from: T0, to: T0 + HOUR, ...hour() })

    expect(kpis).toEqual<AlarmKpis>({
      siteId: SITE_ID,
      from: T0,
      to: T0 + HOUR,
      // 1 + 3 + 12; alarm 8 was raised before the period
      raised: 16,
      // 16 raises in six periods
      averagePer10Min: 2.67,
      // the 30–40 min period
      maxPer10Min: 12,
      // 1 of 6 periods above 10
      floodPercent: 16.67,
      // the window (t − 10 min, t] holds 20:40 and 9 flood raises at 30:40 (20:20 left at 30:20, 20:40 leaves at
      // 30:40 itself), 10 at 30:45, 11 at 30:50: the flood starts. Its peak is 12, at 30:55. The flood raises leave
      // from 40:00 every 5 s; after the 8th leaves (at 40:35) 4 remain, fewer than 5: the flood ends.
      floods: [{ start: at(30, 50), end: at(40, 35), peakPer10Min: 12 }],
      standing: 1,
      chattering: [{ deviceId: 'pump-1', ruleId: 'pump.fault', raises: 3 }],
      // the most raises first, then by device and rule
      top10: [
        { deviceId: 'pump-1', ruleId: 'pump.fault', raises: 3 },
        ...[3, 4, 5, 6, 7, 8, 9, 10, 11].map((id) => ({
          deviceId: `dev-${String(id).padStart(2, '0')}`,
          ruleId: 'gate.comms-loss',
          raises: 1,
        })),
      ],
      priorityDistribution: {
        P0: { count: 1, percent: 6.25 },
        P1: { count: 3, percent: 18.75 },
        P2: { count: 1, percent: 6.25 },
        P3: { count: 11, percent: 68.75 },
      },
      timeToAcknowledge: {
        // 30, 60, 60, 600, 7 500 s: the median is the 3rd, the 90th percentile the 5th (nearest rank)
        samples: 5,
        p50Sec: 60,
        p90Sec: 7500,
        byOperator: [
          // 60, 600, 7 500 s
          { user: 'Wang Jun', acknowledged: 3, p50Sec: 600 },
          // 30, 60 s
          { user: 'Zhao Lei', acknowledged: 2, p50Sec: 30 },
        ],
      },
    })
  })

  it('cuts a flood under way at the start of the period to the period, and leaves one still going open', () => {
    const { journal, alarms } = hour()

    const kpis = computeAlarmKpis({ siteId: SITE_ID, from: at(35), to: at(38), journal, alarms })

    expect(kpis.raised).toBe(0)
    expect(kpis.floods).toEqual([{ start: at(35), peakPer10Min: 12 }])
    // three minutes: one short period, flooded by no raise of its own
    expect(kpis.averagePer10Min).toBe(0)
    expect(kpis.floodPercent).toBe(0)
  })

  it('answers zeros, and no percentiles, for a quiet period', () => {
    const kpis = computeAlarmKpis({ siteId: SITE_ID, from: T0, to: T0 + HOUR, journal: [], alarms: [] })

    expect(kpis).toMatchObject({ raised: 0, averagePer10Min: 0, maxPer10Min: 0, floods: [], top10: [] })
    expect(kpis.priorityDistribution.P0).toEqual({ count: 0, percent: 0 })
    expect(kpis.timeToAcknowledge).toEqual({ samples: 0, byOperator: [] })
  })

  it('takes nearest-rank percentiles', () => {
    expect(percentile([10, 20, 30, 40], 0.5)).toBe(20)
    expect(percentile([10, 20, 30, 40], 0.9)).toBe(40)
    expect(percentile([7], 0.9)).toBe(7)
    expect(percentile([], 0.5)).toBeUndefined()
  })

  it('ends a flood only once fewer than 5 remain: 8 left in the window keep it going', () => {
    // 11 raises a second apart start it; 3 leave: 8 remain, still a flood until 10 min + 6 s
    const times = Array.from({ length: 11 }, (_, i) => T0 + i * SEC)

    expect(floodPeriods(times, T0, T0 + 10 * MIN + 3 * SEC)).toEqual([{ start: T0 + 10 * SEC, peakPer10Min: 11 }])
    expect(floodPeriods(times, T0, T0 + HOUR)).toEqual([
      { start: T0 + 10 * SEC, end: T0 + 10 * MIN + 6 * SEC, peakPer10Min: 11 },
    ])
  })
})

describe('alarmKpisCsv', () => {
  it('writes metric,subject,value rows with a byte-order mark, quoting and defusing formulas', () => {
    const kpis = computeAlarmKpis({ siteId: SITE_ID, from: T0, to: T0 + HOUR, ...hour() })
    kpis.timeToAcknowledge.byOperator.push({ user: '=HYPERLINK("x"),王', acknowledged: 1, p50Sec: 5 })

    const csv = alarmKpisCsv(kpis)
    const lines = csv.slice(1).split('\r\n')

    expect(csv.startsWith('\uFEFFmetric,subject,value\r\n')).toBe(true)
    expect(lines).toContain('raised,,16')
    expect(lines).toContain('flood_percent,,16.67')
    expect(lines).toContain('flood_peak_per_10_min,2026-01-05T00:30:50.000Z/2026-01-05T00:40:35.000Z,12')
    expect(lines).toContain('chattering_raises,pump-1/pump.fault,3')
    expect(lines).toContain('priority_percent,P3,68.75')
    expect(lines).toContain('operator_ack_p50_sec,Wang Jun,600')
    expect(lines).toContain(`operator_acknowledged,"'=HYPERLINK(""x""),王",1`)
  })
})

describe('GET /api/sites/:siteId/alarm-kpis', () => {
  it('computes the figures of the store for the last 24 h by default, and exports them as CSV', async () => {
    const api = await startAlarmApi()
    const now = api.clock.now()
    const first = await raise(api, 'pump-1', 'pump.fault', now - 3 * MIN, true)
    api.store.clearAlarm('pump-1', 'pump.fault', now - 3 * MIN + 10 * SEC)
    await raise(api, 'pump-1', 'pump.fault', now - 3 * MIN + 20 * SEC, true)
    api.store.clearAlarm('pump-1', 'pump.fault', now - 3 * MIN + 30 * SEC)
    await raise(api, 'pump-1', 'pump.fault', now - 3 * MIN + 40 * SEC, true)
    await raise(api, 'tank-1', 'water-tank.level-low', now - 2 * MIN, 20)
    const old = await raise(api, 'tank-1', 'water-tank.overflow', now - 25 * HOUR, true)
    const guard = await userOf(api, 'zhao.lei', 'guard')
    await send(api, guard, { method: 'POST', url: `/api/alarms/${first.id}/ack` })
    // the period ends now, exclusive: a minute on, the acknowledgement is in it
    api.clock.advance(MIN)
    const viewer = await userOf(api, 'chen.jing', 'viewer')

    const response = await send(api, viewer, { url: `/api/sites/${SITE_ID}/alarm-kpis` })
    const csv = await send(api, viewer, { url: `/api/sites/${SITE_ID}/alarm-kpis?format=csv` })

    expect(response.statusCode, response.body).toBe(200)
    expect(response.json<AlarmKpis>()).toMatchObject({
      siteId: SITE_ID,
      from: now + MIN - 24 * HOUR,
      to: now + MIN,
      raised: 4,
      maxPer10Min: 4,
      floods: [],
      // the overflow raised 25 h ago is still active
      standing: 1,
      chattering: [{ deviceId: 'pump-1', ruleId: 'pump.fault', raises: 3 }],
      top10: [
        { deviceId: 'pump-1', ruleId: 'pump.fault', raises: 3 },
        { deviceId: 'tank-1', ruleId: 'water-tank.level-low', raises: 1 },
      ],
      priorityDistribution: { P1: { count: 3, percent: 75 }, P2: { count: 1, percent: 25 } },
      timeToAcknowledge: { samples: 1, p50Sec: 180, byOperator: [{ user: 'guard zhao.lei', acknowledged: 1 }] },
    })
    expect(old.raisedAt).toBe(now - 25 * HOUR)
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(csv.headers['content-disposition']).toBe(
      `attachment; filename="alarm-kpis-${SITE_ID}-2026-01-04-2026-01-05.csv"`,
    )
    expect(csv.body).toContain('\r\nraised,,4\r\n')
  })

  it('refuses a period that is empty or longer than 400 days, and an unknown site', async () => {
    const api = await startAlarmApi()
    const admin = await userOf(api, 'demo.admin', 'admin')
    const url = `/api/sites/${SITE_ID}/alarm-kpis`

    expectError(await send(api, admin, { url: `${url}?from=${T0}&to=${T0}` }), 400, 'FM_ERR_ALARM_RANGE_INVALID')
    const long = `${url}?from=${T0 - 401 * 24 * HOUR}&to=${T0}`
    expectError(await send(api, admin, { url: long }), 400, 'FM_ERR_ALARM_RANGE_INVALID')
    expectError(await send(api, admin, { url: `${url}?format=xlsx` }), 400, 'FM_ERR_VALIDATION')
    expectError(await send(api, admin, { url: '/api/sites/nowhere/alarm-kpis' }), 404, 'FM_ERR_SITE_NOT_FOUND')
  })
})
