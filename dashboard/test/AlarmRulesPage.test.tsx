import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { draftOf, draftSettings } from '../src/alarms/rule-draft.ts'
import { siteRule } from './alarm-fixtures.ts'
import { ADMIN, GUARD } from './auth-fixtures.ts'
import { stubAuthApi } from './fake-api.ts'
import { getTagged, isolateEachTest, renderApp } from './harness.tsx'

const RULES = [siteRule('water-tank.level-low'), siteRule('water-tank.overflow'), siteRule('pump.fault')]
const LEVEL_LOW = '/api/sites/cuihu/alarm-rules/water-tank.level-low'

const row = (id: string) => getTagged('rule-row', 'rule-id', id)
const edit = (id: string, field: string, value: string) =>
  fireEvent.change(within(row(id)).getByTestId(`rule-${field}`), { target: { value } })

describe('alarm rules page', () => {
  isolateEachTest()

  it("saves only what differs from the catalog as the site's override, and goes back to the default", async () => {
    const api = stubAuthApi({ user: ADMIN, rules: RULES })
    renderApp('/admin/alarm-rules')
    await screen.findAllByTestId('rule-row')
    const save = () => within(row('water-tank.level-low')).getByTestId('rule-save') as HTMLButtonElement
    expect(save().disabled).toBe(true)
    edit('water-tank.level-low', 'threshold', '25')
    edit('water-tank.level-low', 'onDelay', '120')
    fireEvent.click(save())
    await waitFor(() => expect(row('water-tank.level-low').dataset.overridden).toBe('true'))
    expect(api.sent('PUT', LEVEL_LOW).map((r) => r.body)).toEqual([{ threshold: 25, onDelaySec: 120 }])
    expect(screen.getByTestId('alarm-rules-notice').textContent).toContain('水箱液位低')
    fireEvent.click(within(row('water-tank.level-low')).getByTestId('rule-reset'))
    await waitFor(() => expect(row('water-tank.level-low').dataset.overridden).toBe('false'))
    expect(api.sent('DELETE', LEVEL_LOW)).toHaveLength(1)
    // Rules on a state have no threshold to change.
    expect(within(row('water-tank.overflow')).queryByTestId('rule-threshold')).toBeNull()
  })

  it('says what is wrong with a value instead of sending it', async () => {
    const api = stubAuthApi({ user: ADMIN, rules: RULES })
    renderApp('/admin/alarm-rules')
    await screen.findAllByTestId('rule-row')
    edit('pump.fault', 'offDelay', '1.5')
    fireEvent.click(within(row('pump.fault')).getByTestId('rule-save'))
    expect(screen.getByTestId('rule-row-error').dataset.code).toBe('delay')
    expect(api.requests.filter((r) => r.method !== 'GET')).toEqual([])
  })

  it('is offered only to roles that manage rules', async () => {
    stubAuthApi({ user: GUARD, rules: RULES })
    renderApp('/admin/alarm-rules')
    await screen.findByTestId('forbidden')
    expect(screen.queryByTestId('nav-alarm-rules')).toBeNull()
  })
})

describe('rule drafts', () => {
  it('keep only what differs from the defaults, and turn off a rule with enabled: false', () => {
    const rule = siteRule('water-tank.level-low')
    expect(draftSettings(rule, draftOf(rule))).toEqual({ ok: true, settings: {} })
    const draft = { ...draftOf(rule), enabled: false, priority: 'P1' as const, deadband: '2' }
    expect(draftSettings(rule, draft)).toEqual({ ok: true, settings: { enabled: false, priority: 'P1', deadband: 2 } })
    expect(draftSettings(rule, { ...draftOf(rule), deadband: '-1' })).toEqual({ ok: false, problem: 'deadband' })
    expect(draftSettings(rule, { ...draftOf(rule), threshold: '' })).toEqual({ ok: false, problem: 'threshold' })
  })
})
