import type { ErrorResponse } from '@fm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { ERRORS } from '../src/errors.ts'
import { closeAll, startApi } from './fixtures.ts'

afterEach(closeAll)

interface OpenApiDocument {
  openapi: string
  info: { title: string; description: string }
  paths: Record<string, Record<string, { tags?: string[]; summary?: string; responses: Record<string, unknown> }>>
  components?: { schemas?: Record<string, unknown> }
}

describe('errors', () => {
  it('answers an unknown /api route with a JSON 404 FM_ERR_NOT_FOUND', async () => {
    const api = await startApi()

    const get = await api.inject('/api/nope?x=1')
    const post = await api.inject({ method: 'POST', url: '/api/devices', payload: {} })

    expect(get.statusCode).toBe(404)
    expect(get.headers['content-type']).toMatch(/^application\/json/)
    expect(get.json<ErrorResponse>()).toEqual({
      statusCode: 404,
      code: 'FM_ERR_NOT_FOUND',
      error: 'Not Found',
      message: 'no route GET /api/nope',
    })
    expect(post.json<ErrorResponse>()).toMatchObject({ statusCode: 404, code: 'FM_ERR_NOT_FOUND' })
  })

  it('answers a bad path parameter with FM_ERR_VALIDATION', async () => {
    const api = await startApi()

    const response = await api.inject('/api/devices/Pump%201')

    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorResponse>()).toMatchObject({ code: 'FM_ERR_VALIDATION', error: 'Bad Request' })
  })

  it('keeps every code in the FM_ERR_<AREA>_<WHAT> shape with a status and a description', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^FM_ERR_[A-Z]+(_[A-Z]+)*$/)
      expect(spec.statusCode).toBeGreaterThanOrEqual(400)
      expect(spec.description).not.toBe('')
    }
  })
})

describe('OpenAPI', () => {
  it('publishes an OpenAPI 3.1 document at /api/docs/json listing every route', async () => {
    const api = await startApi()

    const response = await api.inject('/api/docs/json')

    expect(response.statusCode).toBe(200)
    const doc = response.json<OpenApiDocument>()
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info.title).toBe('Facility Monitor API')
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/alarm-journal',
      '/api/alarms',
      '/api/alarms/{id}',
      '/api/alarms/{id}/ack',
      '/api/alarms/{id}/fire-steps',
      '/api/alarms/{id}/journal',
      '/api/alarms/{id}/reset',
      '/api/alarms/{id}/shelve',
      '/api/alarms/{id}/unshelve',
      '/api/audit',
      '/api/auth/login',
      '/api/auth/logout',
      '/api/auth/me',
      '/api/auth/password',
      '/api/devices',
      '/api/devices/{deviceId}',
      '/api/devices/{deviceId}/alarms/{ruleId}/out-of-service',
      '/api/devices/{deviceId}/credentials',
      '/api/devices/{deviceId}/events',
      '/api/devices/{deviceId}/history',
      '/api/devices/{deviceId}/revoke',
      '/api/health',
      '/api/maintenance-kpis',
      '/api/maintenance-kpis/trend',
      '/api/pm-plans',
      '/api/pm-plans/{id}',
      '/api/pm-plans/{id}/work-orders',
      '/api/sites',
      '/api/sites/{siteId}',
      '/api/sites/{siteId}/alarm-kpis',
      '/api/sites/{siteId}/alarm-rules',
      '/api/sites/{siteId}/alarm-rules/{ruleId}',
      '/api/sites/{siteId}/devices',
      '/api/sla-policies',
      '/api/sla-policies/{siteId}/{category}/{priority}',
      '/api/technicians',
      '/api/technicians/{username}/trades',
      '/api/users',
      '/api/users/{id}',
      '/api/users/{id}/password',
      '/api/work-orders',
      '/api/work-orders/{id}',
      '/api/work-orders/{id}/actions',
      '/api/work-orders/{id}/checklist',
      '/api/work-orders/{id}/events',
      '/api/work-orders/{id}/photos',
      '/api/work-orders/{id}/photos/{photoId}',
    ])
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.summary, `${method} ${path}`).toBeTruthy()
        expect(operation.tags?.length, `${method} ${path}`).toBeGreaterThan(0)
        // one success answer: 200, 201 for a creation, 204 when there is nothing to say
        const success = Object.keys(operation.responses).filter((status) => status.startsWith('2'))
        expect(success, `${method} ${path}`).toHaveLength(1)
      }
    }
    expect(doc.components?.schemas).toHaveProperty('ErrorResponse')
  })

  it('serves the Swagger UI at /api/docs', async () => {
    const api = await startApi()

    const response = await api.inject('/api/docs/')

    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
  })
})
