import type { ErrorResponse, Site } from '@fm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { closeAll, SITE_ID, startApi } from './fixtures.ts'

afterEach(closeAll)

describe('sites', () => {
  it('lists the provisioned sites with their buildings and rooms', async () => {
    const api = await startApi()

    const response = await api.inject('/api/sites')

    expect(response.statusCode).toBe(200)
    const sites = response.json<Site[]>()
    expect(sites).toHaveLength(1)
    expect(sites[0]).toMatchObject({
      id: SITE_ID,
      name: '幸福里小区',
      timezone: 'Asia/Shanghai',
      buildings: [{ id: 'b1', floors: 33 }],
    })
    expect(sites[0]?.rooms.map((room) => room.id).sort()).toEqual(['gatehouse', 'pump-room'])
  })

  it('answers one site by id', async () => {
    const api = await startApi()

    const response = await api.inject(`/api/sites/${SITE_ID}`)

    expect(response.statusCode).toBe(200)
    expect(response.json<Site>().id).toBe(SITE_ID)
  })

  it('answers 404 FM_ERR_SITE_NOT_FOUND for an unknown site', async () => {
    const api = await startApi()

    const response = await api.inject('/api/sites/nowhere')

    expect(response.statusCode).toBe(404)
    expect(response.json<ErrorResponse>()).toEqual({
      statusCode: 404,
      code: 'FM_ERR_SITE_NOT_FOUND',
      error: 'Not Found',
      message: 'site "nowhere" not found',
    })
  })
})
