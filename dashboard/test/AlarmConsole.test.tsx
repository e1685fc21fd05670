import type { AlarmView, FloodStatus, UserView } from '@fm/protocol'
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { applyAlarms, applySnapshot } from '../src/live/store.ts'
import {
  ALARMS,
  alarmView,
  BATTERY_LOW,
  CABLE_HOT,
  FIRE,
  FLOOD,
  HUMID_SHELVED,
  PUMP_MANUAL,
  snapshotWith,
  TANK_LOW,
} from './alarm-fixtures.ts'
import { ADMIN, GUARD, userView } from './auth-fixtures.ts'
import { apiError, stubAuthApi } from './fake-api.ts'
import { FakeAudioContext } from './fake-audio.ts'
import { NOW } from './fixtures.ts'
import { getTagged, isolateEachTest, location, renderApp, type } from './harness.tsx'

const VIEWER = userView({ id: 'u_viewer0000000000w', username: 'rep', displayName: '赵敏', role: 'viewer' })

interface Options {
  user?: UserView
  alarms?: AlarmView[]
  floods?: FloodStatus[]
  /** The audio context's state when the page makes it: `suspended` until a user gesture, as in a fresh tab. */
  audio?: 'running' | 'suspended'
  ready?: string
}

/** The whole app at `path`, signed in, the live store holding `alarms`, with a fake Web Audio. */
async function open(path: string, options: Options = {}) {
  const { user = GUARD, alarms = ALARMS, floods = [], audio = 'running', ready = 'alarm-console' } = options
  FakeAudioContext.initialState = audio
  vi.stubGlobal('AudioContext', FakeAudioContext)
  const api = stubAuthApi({ user, alarms })
  const view = renderApp(path)
  act(() => view.store.update((state) => applySnapshot(state, snapshotWith(alarms, floods))))
  await screen.findByTestId(ready)
  return { api, store: view.store }
}

const key = (name: string) => fireEvent.keyDown(document.body, { key: name })
const console_ = () => screen.getByTestId('alarm-console')
const rowIds = (scope: HTMLElement = screen.getByTestId('alarm-list')) =>
  [...scope.querySelectorAll<HTMLElement>('[data-testid="alarm-row"]')].map((row) => Number(row.dataset.alarmId))
const row = (alarm: AlarmView) => getTagged('alarm-row', 'alarm-id', alarm.id)
const selectedId = () =>
  Number(document.querySelector<HTMLElement>('[data-testid="alarm-row"][data-selected="true"]')?.dataset.alarmId)
const audioState = () => console_().dataset.audioState
const report = () => window.__fmAlarmAudio

describe('alarm console', () => {
  isolateEachTest()

  it('lists the alarms unacknowledged first, then by priority and age, with device, place, rule, raises and live value', async () => {
    await open('/alarms')
    expect(rowIds()).toEqual([FIRE.id, TANK_LOW.id, BATTERY_LOW.id, CABLE_HOT.id, PUMP_MANUAL.id])
    const tank = row(TANK_LOW)
    expect(tank.dataset.priority).toBe('P1')
    expect(tank.dataset.state).toBe('unack')
    expect(tank.dataset.flash).toBe('true')
    expect(row(CABLE_HOT).dataset.flash).toBe('false')
    expect(tank.textContent).toContain('水箱液位超低')
    expect(tank.textContent).toContain('1#生活水箱 · 3栋 · 生活水泵房')
    expect(within(tank).getByTestId('alarm-count').textContent).toBe('×3')
    const value = within(tank).getByTestId('alarm-value')
    expect([value.dataset.field, value.textContent]).toEqual(['level_pct', '液位72%'])
    // The header badge counts what waits for an acknowledgement, the shelved one not included.
    expect(screen.getByTestId('nav-alarms-badge').dataset.count).toBe('3')
    expect(screen.getByTestId('alarm-keys').textContent).toContain('a 确认')
  })

  it('keeps shelved and out-of-service alarms in their own section, saying until when and why', async () => {
    await open('/alarms')
    const section = screen.getByTestId('alarm-suppressed')
    expect(within(section).queryAllByTestId('alarm-row')).toEqual([])
    fireEvent.click(within(section).getByTestId('alarm-suppressed-toggle'))
    const shelved = within(row(HUMID_SHELVED)).getByTestId('alarm-suppression')
    expect(shelved.dataset.kind).toBe('shelved')
    expect(shelved.textContent).toContain('除湿机维修中')
    expect(shelved.textContent).toContain('张伟')
  })

  it('acknowledges the selected alarm with the keyboard, then selects the next one waiting', async () => {
    const { api } = await open('/alarms')
    expect(selectedId()).toBe(FIRE.id)
    key('ArrowDown')
    expect(selectedId()).toBe(TANK_LOW.id)
    key('a')
    await waitFor(() => expect(row(TANK_LOW).dataset.state).toBe('ack'))
    expect(api.sent('POST', `/api/alarms/${TANK_LOW.id}/ack`)).toHaveLength(1)
    // The answer lands in the store first, then the selection moves on.
    await waitFor(() => expect(selectedId()).toBe(FIRE.id))
    key('j')
    key('k')
    key('ArrowUp')
    expect(selectedId()).toBe(FIRE.id)
    expect(api.sent('POST', `/api/alarms/${FIRE.id}/ack`)).toHaveLength(0)
  })

  it('opens the detail with Enter: what to do, the trend and the journal; Escape closes it', async () => {
    const { api } = await open('/alarms')
    key('ArrowDown')
    key('Enter')
    const detail = within(row(TANK_LOW)).getByTestId('alarm-detail')
    expect(within(detail).getByTestId('alarm-guidance').textContent).toContain('检查进水阀')
    // The history and the journal load in parallel with everything else of a busy test run.
    await waitFor(() => expect(within(detail).getByTestId('alarm-trend').dataset.status).toBe('ok'), { timeout: 5_000 })
    expect(api.requests.some((r) => r.path === '/api/alarms/2/journal')).toBe(true)
    const history = api.requests.find((r) => r.path === '/api/devices/tank-1/history')
    expect(history?.query.get('fields')).toBe('level_pct')
    key('Escape')
    expect(within(row(TANK_LOW)).queryByTestId('alarm-detail')).toBeNull()
  })

  it('shelves with the keyboard: a reason is required, the duration chosen, Escape closes the dialog', async () => {
    const { api } = await open('/alarms')
    key('ArrowDown')
    key('s')
    const dialog = await screen.findByTestId('shelve-dialog')
    fireEvent.keyDown(dialog, { key: 'Escape' })
    expect(screen.queryByTestId('shelve-dialog')).toBeNull()
    key('s')
    fireEvent.click(screen.getByTestId('shelve-dialog-submit'))
    expect(screen.getByTestId('shelve-dialog-error').dataset.code).toBe('reason-missing')
    // Keys typed into the dialog are the dialog's: "a" in a reason acknowledges nothing.
    fireEvent.keyDown(screen.getByTestId('shelve-reason'), { key: 'a' })
    type('shelve-reason', '浮球阀检修，液位传感器抖动')
    fireEvent.click(getTagged('shelve-duration', 'value', '120'))
    fireEvent.click(screen.getByTestId('shelve-dialog-submit'))
    await waitFor(() => expect(screen.queryByTestId('shelve-dialog')).toBeNull())
    expect(api.sent('POST', '/api/alarms/2/shelve').map((r) => r.body)).toEqual([
      { kind: 'timed', durationMin: 120, reason: '浮球阀检修，液位传感器抖动' },
    ])
    expect(api.sent('POST', '/api/alarms/2/ack')).toHaveLength(0)
    expect(rowIds()).not.toContain(TANK_LOW.id)
    fireEvent.click(screen.getByTestId('alarm-suppressed-toggle'))
    expect(row(TANK_LOW).dataset.suppressed).toBe('shelved')
  })

  it('refuses to shelve a P0 alarm and says why', async () => {
    await open('/alarms')
    key('s')
    expect(screen.queryByTestId('shelve-dialog')).toBeNull()
    expect(screen.getByTestId('alarm-shelve-refused').textContent).toContain('P0')
    expect((within(row(FIRE)).getByTestId('alarm-shelve') as HTMLButtonElement).disabled).toBe(true)
  })

  it('sounds the P0 siren, which Silence cannot stop: only acknowledging it does', async () => {
    await open('/alarms')
    await waitFor(() => expect(audioState()).toBe('playing-P0'))
    expect(report()).toEqual({ state: 'playing-P0', priority: 'P0', tones: 0 })
    expect(
      new Set(
        FakeAudioContext.latest()
          .notes(true)
          .map((n) => n.frequencyHz),
      ),
    ).toEqual(new Set([960, 770]))
    const silence = screen.getByTestId('alarm-silence') as HTMLButtonElement
    expect(silence.disabled).toBe(true)
    expect(screen.getByTestId('alarm-silence-reason').textContent).toContain('确认报警后警笛才会停止')
    key('m')
    expect(audioState()).toBe('playing-P0')
    key('a')
    // The P1 tank alarm still waits: the chime takes over from the siren.
    await waitFor(() => expect(audioState()).toBe('playing-P1'))
    expect(
      new Set(
        FakeAudioContext.latest()
          .notes(true)
          .map((n) => n.frequencyHz),
      ),
    ).toEqual(new Set([1047, 784]))
  })

  it('silences with m until a new alarm arrives, without acknowledging anything', async () => {
    const { api, store } = await open('/alarms', { alarms: [TANK_LOW, CABLE_HOT] })
    await waitFor(() => expect(audioState()).toBe('playing-P1'))
    key('m')
    expect(audioState()).toBe('silenced')
    expect(FakeAudioContext.latest().notes(true)).toEqual([])
    expect(row(TANK_LOW).dataset.state).toBe('unack')
    expect(api.requests.filter((r) => r.method === 'POST')).toEqual([])
    const pump = alarmView({ id: 9, deviceId: 'pump-low-1', ruleId: 'pump.fault', priority: 'P1', raisedAt: NOW })
    act(() => store.update((state) => applyAlarms(state, [pump])))
    expect(audioState()).toBe('playing-P1')
  })

  it('plays one soft tone for a new P2 alarm', async () => {
    const { store } = await open('/alarms', { alarms: [] })
    const p2 = alarmView({
      id: 11,
      deviceId: 'env-fire-control-room',
      ruleId: 'room-environment.temperature-high',
      priority: 'P2',
    })
    act(() => store.update((state) => applyAlarms(state, [p2])))
    await waitFor(() => expect(report()?.tones).toBe(1))
    expect(
      FakeAudioContext.latest()
        .notes()
        .map((n) => n.frequencyHz),
    ).toEqual([660])
    expect(audioState()).toBe('off')
  })

  it('asks for a click while the browser blocks sound, and plays once it is given', async () => {
    await open('/alarms', { audio: 'suspended' })
    await waitFor(() => expect(audioState()).toBe('blocked'))
    fireEvent.click(screen.getByTestId('sound-enable-button'))
    await waitFor(() => expect(audioState()).toBe('playing-P0'))
    expect(screen.queryByTestId('sound-enable')).toBeNull()
  })

  it('acknowledges all visible P2 and P3 alarms after a confirmation, never P0 or P1', async () => {
    const p2 = alarmView({ id: 12, deviceId: 'pump-low-1', ruleId: 'pump.current-high', priority: 'P2' })
    const { api } = await open('/alarms', { alarms: [...ALARMS, p2] })
    fireEvent.click(screen.getByTestId('alarm-ack-all'))
    fireEvent.click(await screen.findByTestId('confirm-ack-all-confirm'))
    await waitFor(() => expect(row(BATTERY_LOW).dataset.state).toBe('ack'))
    await waitFor(() => expect(row(p2).dataset.state).toBe('ack'))
    const acknowledged = api.requests.filter((r) => r.path.endsWith('/ack')).map((r) => r.path)
    expect(acknowledged.sort()).toEqual(['/api/alarms/12/ack', '/api/alarms/5/ack'])
    expect(row(FIRE).dataset.state).toBe('unack')
  })

  it('says in words why the api refused, never its message', async () => {
    const { api } = await open('/alarms')
    api.answerNext('POST', '/api/alarms/2/ack', apiError(409, 'FM_ERR_ALARM_STATE', 'alarm 2 is already acknowledged'))
    fireEvent.click(within(row(TANK_LOW)).getByTestId('alarm-ack'))
    const error = await screen.findByTestId('alarm-action-error')
    expect(error.dataset.code).toBe('FM_ERR_ALARM_STATE')
    expect(error.textContent).toContain('报警状态已变化')
    expect(error.textContent).not.toContain('already')
  })

  it('resets a latched fire alarm with r once its condition has cleared', async () => {
    const cleared = { ...FIRE, state: 'ack' as const, acknowledged: true, conditionActive: false }
    const { api } = await open('/alarms', { alarms: [cleared] })
    expect(row(cleared).textContent).toContain('已恢复，待复位')
    key('r')
    await waitFor(() => expect(api.sent('POST', '/api/alarms/1/reset')).toHaveLength(1))
  })
})

describe('fire checklist', () => {
  isolateEachTest()

  it('opens by itself for a fire alarm, records each step with the api, and shows when and who', async () => {
    const { api } = await open('/alarms')
    const checklist = within(row(FIRE)).getByTestId('fire-checklist')
    const steps = within(checklist)
      .getAllByTestId('fire-step')
      .map((step) => step.dataset.step)
    expect(steps).toEqual(['verify', 'linkage-auto', 'call-119', 'plan-started', 'false-alarm-recorded'])
    fireEvent.click(getTagged('fire-step', 'step', 'verify'))
    const done = await screen.findByTestId('fire-step-done')
    expect(done.textContent).toContain('张伟')
    expect(getTagged('fire-step', 'step', 'verify').dataset.done).toBe('true')
    expect(api.sent('POST', '/api/alarms/1/fire-steps').map((r) => r.body)).toEqual([{ step: 'verify' }])
  })

  it('needs the cause of a false alarm, which it records with the step', async () => {
    const { api } = await open('/alarms')
    fireEvent.click(getTagged('fire-step', 'step', 'false-alarm-recorded'))
    expect(screen.getByTestId('fire-step-note-missing')).toBeTruthy()
    expect(api.sent('POST', '/api/alarms/1/fire-steps')).toHaveLength(0)
    type('fire-step-note', '厨房水汽')
    fireEvent.click(getTagged('fire-step', 'step', 'false-alarm-recorded'))
    await waitFor(() => expect(api.sent('POST', '/api/alarms/1/fire-steps')).toHaveLength(1))
    expect(api.sent('POST', '/api/alarms/1/fire-steps')[0]?.body).toEqual({
      step: 'false-alarm-recorded',
      note: '厨房水汽',
    })
  })
})

describe('flood view', () => {
  isolateEachTest()

  it('shows the flood banner and only P0 and P1 alarms by building, counting the rest, shown on demand', async () => {
    await open('/alarms', { floods: [FLOOD] })
    const banner = screen.getByTestId('flood-banner')
    expect(banner.textContent).toContain('翠湖花园')
    expect(banner.textContent).toContain('近 10 分钟 42 条报警')
    expect(console_().dataset.flood).toBe('true')
    const groups = screen.getAllByTestId('flood-group')
    expect(groups.map((group) => [group.dataset.buildingId, rowIds(group)])).toEqual([
      ['site', [FIRE.id]],
      ['b3', [TANK_LOW.id]],
      ['b1', [CABLE_HOT.id]],
    ])
    expect(groups[1]?.textContent).toContain('3栋')
    expect(screen.getByTestId('flood-rest').textContent).toBe('另有 2 条 P2/P3 报警')
    fireEvent.click(screen.getByTestId('flood-show-rest'))
    expect(rowIds(screen.getByTestId('flood-rest-list'))).toEqual([BATTERY_LOW.id, PUMP_MANUAL.id])
  })
})

describe('alarms across the app', () => {
  isolateEachTest()

  it('shows a guard the most pressing unacknowledged alarm on every other page, with the way to it', async () => {
    await open('/', { ready: 'alarm-strip' })
    const strip = screen.getByTestId('alarm-strip')
    expect([strip.dataset.alarmId, strip.dataset.priority]).toEqual([String(FIRE.id), 'P0'])
    expect(strip.textContent).toContain('另有 2 条未确认')
    // The sound follows the guard: the siren plays on the overview too.
    await waitFor(() => expect(report()?.state).toBe('playing-P0'))
    fireEvent.click(screen.getByTestId('alarm-strip-open'))
    await screen.findByTestId('alarm-console')
    expect(location()).toBe('/alarms?alarm=1')
    expect(screen.queryByTestId('alarm-strip')).toBeNull()
  })

  it('opens on a large screen without the header but with the clock and the link state, and back', async () => {
    await open('/alarms?kiosk=1')
    expect(console_().dataset.kiosk).toBe('true')
    expect(screen.getByTestId('kiosk-bar').textContent).toContain('翠湖花园')
    expect(screen.getByTestId('connection-status')).toBeTruthy()
    expect(screen.queryByTestId('nav-alarms')).toBeNull()
    fireEvent.click(screen.getByTestId('kiosk-toggle'))
    await screen.findByTestId('nav-alarms')
    expect(location()).toBe('/alarms')
  })

  it('lets a viewer read the alarms, without acknowledging, shelving or sound', async () => {
    const { api } = await open('/alarms', { user: VIEWER })
    expect(screen.queryAllByTestId('alarm-ack')).toEqual([])
    expect(screen.queryByTestId('alarm-silence')).toBeNull()
    expect(audioState()).toBe('off')
    key('a')
    key('s')
    expect(screen.queryByTestId('shelve-dialog')).toBeNull()
    expect(api.requests.filter((r) => r.method === 'POST')).toEqual([])
    expect(screen.getByTestId('alarm-keys').textContent).not.toContain('a 确认')
  })

  it('lets an administrator take an alarm out of service until a time, with a reason', async () => {
    const { api } = await open('/alarms', { user: ADMIN })
    key('ArrowDown')
    key('Enter')
    fireEvent.click(within(row(TANK_LOW)).getByTestId('alarm-out-of-service'))
    await screen.findByTestId('oos-dialog')
    type('oos-reason', '水箱清洗')
    fireEvent.click(screen.getByTestId('oos-dialog-submit'))
    await waitFor(() => expect(screen.queryByTestId('oos-dialog')).toBeNull())
    const [request] = api.sent('PUT', '/api/devices/tank-1/alarms/water-tank.level-low-low/out-of-service')
    const body = request?.body as { until: number; reason: string }
    expect(body.reason).toBe('水箱清洗')
    expect(body.until).toBeGreaterThan(Date.now())
    fireEvent.click(screen.getByTestId('alarm-suppressed-toggle'))
    expect(row(TANK_LOW).dataset.suppressed).toBe('out-of-service')
  })

  it('shows the alarms of a device at the top of its page', async () => {
    await open('/devices/tank-1', { ready: 'device-alarms' })
    const section = screen.getByTestId('device-alarms')
    expect(
      within(section)
        .getAllByTestId('alarm-row')
        .map((r) => Number(r.dataset.alarmId)),
    ).toEqual([TANK_LOW.id])
  })
})
