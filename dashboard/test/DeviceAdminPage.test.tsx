import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Language } from '../src/i18n/i18n.ts'
import { ADMIN, SUPERVISOR } from './auth-fixtures.ts'
import { apiError, generatedPassword, stubAuthApi } from './fake-api.ts'
import { DEVICES } from './fixtures.ts'
import { cellTexts, getTagged, isolateEachTest, openAsAdmin, renderApp, type } from './harness.tsx'

const row = (deviceId: string) => getTagged('device-admin-row', 'device-id', deviceId)
const cells = (deviceId: string) => cellTexts(row(deviceId))

const options = (testId: string) =>
  [...(screen.getByTestId(testId) as HTMLSelectElement).options].map((option) => option.value)

const openDevices = (language?: Language) =>
  openAsAdmin('/admin/devices', { devices: DEVICES }, 'device-admin-row', language)

describe('DeviceAdminPage', () => {
  isolateEachTest()
  afterEach(() => vi.restoreAllMocks())

  it('lists every device by id with its name, translated kind, site, place and whether it is online', async () => {
    await openDevices()
    expect(screen.getAllByTestId('device-admin-row').map((r) => r.dataset.deviceId)).toEqual(
      [...DEVICES].map((d) => d.id).sort(),
    )
    expect(screen.getByText('共 9 台设备')).toBeTruthy()
    expect(cells('tank-1').slice(0, 6)).toEqual([
      'tank-1',
      '1#生活水箱',
      '生活水箱',
      '翠湖花园',
      '3栋 · 生活水泵房',
      '在线',
    ])
    expect(row('cp-02').dataset.state).toBe('offline')
    expect(within(row('cp-02')).getByTestId('device-admin-state').textContent).toBe('离线')
  })

  it('finds a device by id or name', async () => {
    await openDevices()
    type('device-admin-search', '道闸')
    expect(screen.getAllByTestId('device-admin-row').map((r) => r.dataset.deviceId)).toEqual(['gate-north-in'])
    type('device-admin-search', 'PUMP-')
    expect(screen.getAllByTestId('device-admin-row')).toHaveLength(2)
    type('device-admin-search', 'no-such-device')
    expect(screen.getByTestId('device-admin-empty').textContent).toBe('没有符合条件的设备')
  })

  it('provisions a device and shows its generated MQTT credentials once, with the warning and a copy button', async () => {
    const api = await openDevices()
    const copied = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue(undefined)
    fireEvent.click(screen.getByTestId('device-provision'))
    const form = screen.getByTestId('provision-form')
    // The only site is preselected; a building narrows the rooms to its own and those of no building.
    expect((within(form).getByTestId('provision-site') as HTMLSelectElement).value).toBe('cuihu')
    fireEvent.change(within(form).getByTestId('provision-building'), { target: { value: 'b3' } })
    expect(options('provision-room')).toEqual([
      '',
      'gatehouse-north',
      'pump-room-dw',
      'fire-control-room',
      'pump-room-fire',
    ])
    fireEvent.change(within(form).getByTestId('provision-room'), { target: { value: 'pump-room-dw' } })
    fireEvent.change(within(form).getByTestId('provision-kind'), { target: { value: 'pump' } })
    expect((within(form).getByTestId('provision-kind') as HTMLSelectElement).selectedOptions[0]?.textContent).toBe(
      '水泵',
    )
    type('provision-id', ' Pump-Low-3 ', form)
    type('provision-name', ' 低区生活变频泵3# ', form)
    type('provision-reportIntervalSec', '5', form)
    fireEvent.click(within(form).getByTestId('provision-submit'))

    const panel = await screen.findByTestId('device-credentials')
    expect(api.sent('POST', '/api/sites/cuihu/devices')[0]?.body).toEqual({
      id: 'pump-low-3',
      kind: 'pump',
      name: '低区生活变频泵3#',
      buildingId: 'b3',
      roomId: 'pump-room-dw',
      reportIntervalSec: 5,
    })
    expect(screen.queryByTestId('provision-form')).toBeNull()
    expect(panel.dataset.reason).toBe('created')
    expect(within(panel).getByTestId('credentials-username').textContent).toBe('pump-low-3')
    expect(within(panel).getByTestId('credentials-password').textContent).toBe(generatedPassword(1))
    expect(within(panel).getByTestId('credentials-warning').textContent).toContain('密码只显示这一次，之后无法再次查看')
    // The panel takes the focus once it is drawn, so that a screen reader reads the warning first.
    const heading = within(panel).getByRole('heading', { name: '低区生活变频泵3# 已添加' })
    await waitFor(() => expect(document.activeElement).toBe(heading))
    expect(row('pump-low-3').dataset.state).toBe('offline')

    fireEvent.click(within(panel).getByTestId('copy-password'))
    await waitFor(() => expect(within(panel).getByTestId('copy-password').textContent).toBe('已复制'))
    expect(copied).toHaveBeenCalledWith(generatedPassword(1))

    fireEvent.click(within(panel).getByTestId('credentials-done'))
    expect(screen.queryByTestId('device-credentials')).toBeNull()
    expect(document.body.textContent).not.toContain(generatedPassword(1))
  })

  it('selects the password for copying by hand when the browser keeps the clipboard to itself', async () => {
    await openDevices('en')
    vi.spyOn(navigator.clipboard, 'writeText').mockRejectedValue(new DOMException('not allowed', 'NotAllowedError'))
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    fireEvent.click(within(row('tank-1')).getByTestId('device-rotate'))
    fireEvent.click(screen.getByTestId('confirm-rotate-confirm'))
    const panel = await screen.findByTestId('device-credentials')
    fireEvent.click(within(panel).getByTestId('copy-password'))
    expect((await within(panel).findByRole('status')).textContent).toContain('the text is selected, press Ctrl+C')
    expect(window.getSelection()?.toString()).toBe(generatedPassword(1))
    expect(warn).toHaveBeenCalledOnce()
  })

  it('checks a new device before asking: the site, the id, an id reserved for services, the name, the interval', async () => {
    const api = await openDevices()
    fireEvent.click(screen.getByTestId('device-provision'))
    const form = screen.getByTestId('provision-form')
    const error = () => within(form).getByTestId('provision-error')
    fireEvent.change(within(form).getByTestId('provision-site'), { target: { value: '' } })
    fireEvent.click(within(form).getByTestId('provision-submit'))
    expect(error().dataset.code).toBe('site')
    fireEvent.change(within(form).getByTestId('provision-site'), { target: { value: 'cuihu' } })
    type('provision-id', '1号 泵', form)
    fireEvent.click(within(form).getByTestId('provision-submit'))
    expect(error().dataset.code).toBe('device-id')
    expect(document.activeElement).toBe(within(form).getByTestId('provision-id'))
    expect(within(form).getByTestId('provision-id').getAttribute('aria-invalid')).toBe('true')
    type('provision-id', 'svc-pump', form)
    fireEvent.click(within(form).getByTestId('provision-submit'))
    expect(error().textContent).toBe('以 svc- 开头的编号保留给平台服务，请换一个')
    type('provision-id', 'pump-9', form)
    fireEvent.click(within(form).getByTestId('provision-submit'))
    expect(error().dataset.code).toBe('name')
    type('provision-name', '9#泵', form)
    type('provision-reportIntervalSec', '1.5', form)
    fireEvent.click(within(form).getByTestId('provision-submit'))
    expect(error().textContent).toBe('上报间隔须为 1 到 86400 之间的整数秒')
    expect(api.sent('POST', '/api/sites/cuihu/devices')).toEqual([])
  })

  it("says the api's refusals in words from their code: a taken id, invalid details with the reason, a place out of scope", async () => {
    const api = await openDevices('en')
    fireEvent.click(screen.getByTestId('device-provision'))
    const form = screen.getByTestId('provision-form')
    const error = () => within(form).getByTestId('provision-error')
    type('provision-id', 'tank-1', form)
    type('provision-name', 'Another tank', form)
    fireEvent.click(within(form).getByTestId('provision-submit'))
    expect((await within(form).findByTestId('provision-error')).dataset.code).toBe('FM_ERR_DEVICE_EXISTS')
    expect(error().textContent).toBe('This device ID is taken (IDs are unique across all sites); choose another')
    expect(document.activeElement).toBe(within(form).getByTestId('provision-id'))

    const reason = 'device "tank-2": room "pump-room-fire" is in building "b3", not "b1"'
    api.answerNext('POST', '/api/sites/cuihu/devices', apiError(400, 'FM_ERR_DEVICE_INVALID', reason))
    type('provision-id', 'tank-2', form)
    fireEvent.click(within(form).getByTestId('provision-submit'))
    await waitFor(() => expect(error().dataset.code).toBe('FM_ERR_DEVICE_INVALID'))
    expect(error().textContent).toBe(`Some of the device details are not valid${reason}`)

    api.answerNext(
      'POST',
      '/api/sites/cuihu/devices',
      apiError(403, 'FM_ERR_SCOPE_FORBIDDEN', 'building "b3" is outside'),
    )
    fireEvent.click(within(form).getByTestId('provision-submit'))
    await waitFor(() => expect(error().dataset.code).toBe('FM_ERR_SCOPE_FORBIDDEN'))
    expect(error().textContent).toBe('This site or building is outside what you may see')
    expect(screen.queryByTestId('device-credentials')).toBeNull()
  })

  it('gives a device new credentials only after a confirmation, and shows the new password once', async () => {
    const api = await openDevices()
    fireEvent.click(within(row('tank-1')).getByTestId('device-rotate'))
    const dialog = screen.getByTestId('confirm-rotate')
    expect((dialog as HTMLDialogElement).open).toBe(true)
    expect(dialog.textContent).toContain('设备 tank-1 会立即断开，旧密码马上失效')
    // The harmless answer has the focus: a stray Enter cuts no device off.
    expect(document.activeElement).toBe(within(dialog).getByTestId('confirm-rotate-cancel'))
    fireEvent.click(within(dialog).getByTestId('confirm-rotate-cancel'))
    expect(screen.queryByTestId('confirm-rotate')).toBeNull()
    expect(api.sent('POST', '/api/devices/tank-1/credentials')).toEqual([])

    fireEvent.click(within(row('tank-1')).getByTestId('device-rotate'))
    fireEvent.click(screen.getByTestId('confirm-rotate-confirm'))
    const panel = await screen.findByTestId('device-credentials')
    expect(api.sent('POST', '/api/devices/tank-1/credentials')).toHaveLength(1)
    expect(panel.dataset.reason).toBe('rotated')
    expect(within(panel).getByRole('heading').textContent).toBe('1#生活水箱 的新密码')
    expect(within(panel).getByTestId('credentials-password').textContent).toBe(generatedPassword(1))
    expect(screen.queryByTestId('confirm-rotate')).toBeNull()

    // A second rotation while the first password is on screen keeps both until each is saved.
    fireEvent.click(within(row('pump-low-1')).getByTestId('device-rotate'))
    fireEvent.click(screen.getByTestId('confirm-rotate-confirm'))
    await waitFor(() => expect(screen.getAllByTestId('device-credentials')).toHaveLength(2))
    expect(screen.getAllByTestId('credentials-password').map((p) => p.textContent)).toEqual([
      generatedPassword(2),
      generatedPassword(1),
    ])
  })

  it('revokes a device only after a confirmation that says it is disconnected at once', async () => {
    const api = await openDevices()
    fireEvent.click(within(row('gate-north-in')).getByTestId('device-revoke'))
    const dialog = screen.getByTestId('confirm-revoke')
    expect(within(dialog).getByRole('heading').textContent).toBe('吊销 北门入口道闸？')
    expect(dialog.textContent).toContain('设备 gate-north-in 会立即断开，并且不能再连接')
    // Escape is a no as well.
    act(() => {
      dialog.dispatchEvent(new Event('cancel', { cancelable: true }))
    })
    expect(screen.queryByTestId('confirm-revoke')).toBeNull()
    expect(api.sent('POST', '/api/devices/gate-north-in/revoke')).toEqual([])

    fireEvent.click(within(row('gate-north-in')).getByTestId('device-revoke'))
    fireEvent.click(screen.getByTestId('confirm-revoke-confirm'))
    await waitFor(() => expect(row('gate-north-in').dataset.state).toBe('revoked'))
    expect(api.sent('POST', '/api/devices/gate-north-in/revoke')).toHaveLength(1)
    expect(screen.getByTestId('device-admin-notice').textContent).toBe('已吊销 北门入口道闸，设备已断开，不能再连接。')
    expect(within(row('gate-north-in')).queryByTestId('device-revoke')).toBeNull()
    // New credentials admit it again.
    fireEvent.click(within(row('gate-north-in')).getByTestId('device-rotate'))
    fireEvent.click(screen.getByTestId('confirm-rotate-confirm'))
    await screen.findByTestId('device-credentials')
    expect(row('gate-north-in').dataset.state).toBe('online')

    api.answerNext('POST', '/api/devices/tank-1/revoke', apiError(404, 'FM_ERR_DEVICE_NOT_FOUND'))
    fireEvent.click(within(row('tank-1')).getByTestId('device-revoke'))
    fireEvent.click(screen.getByTestId('confirm-revoke-confirm'))
    expect((await screen.findByTestId('device-row-error')).textContent).toBe('该设备已不存在，请刷新页面')
    expect(row('tank-1').dataset.state).toBe('online')
  })

  it('is for devices.manage only: no header link, a "not allowed" page, and no request for others', async () => {
    const api = stubAuthApi({ user: SUPERVISOR, devices: DEVICES })
    renderApp('/admin/devices')
    expect((await screen.findByTestId('forbidden')).textContent).toContain('您的角色（主管）不能打开此页面')
    expect(screen.queryByTestId('nav-devices')).toBeNull()
    expect(api.sent('GET', '/api/devices')).toEqual([])
  })

  it('says "not allowed" rather than an error when the api refuses the list', async () => {
    const api = stubAuthApi({ user: ADMIN, devices: DEVICES })
    api.answerNext('GET', '/api/devices', apiError(403, 'FM_ERR_FORBIDDEN', 'permission "devices.manage" required'))
    renderApp('/admin/devices', 'en')
    const refused = await screen.findByTestId('forbidden')
    expect(refused.textContent).toContain('Your role (Administrator) cannot open this page')
    expect(screen.queryByTestId('device-admin-error')).toBeNull()
  })
})
