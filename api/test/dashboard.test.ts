import type { ErrorResponse } from '@fm/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { builtDashboard, closeAll, startApi } from './fixtures.ts'

afterEach(closeAll)

describe('dashboard', () => {
  it('serves index.html at / without caching it', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })

    const response = await api.inject('/')

    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.headers['cache-control']).toBe('no-cache')
    expect(response.body).toContain('<div id="root">')
  })

  it('serves hashed assets with a long immutable cache', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })

    const response = await api.inject('/assets/index-3f2a1b.js')

    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(response.body).toBe('console.log("dashboard")')
  })

  it('falls back to index.html for client-side routes', async () => {
    const api = await startApi({ dashboardDir: builtDashboard() })

    const response = await api.inject('/devices/pump-1?tab=history')

    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-cache')
    expect(response.body).toContain('<div id="root">')
  })

  it.each([
    ['an unknown API route', '/api/devices/pump-1/nope'],
    ['a socket.io path that reached the router', '/socket.io/x'],
    ['a missing file', '/assets/index-0000.js'],
  ])('answers %s with a JSON 404, never with index.html', async (_case, url) => {
    const api = await startApi({ dashboardDir: builtDashboard() })

    const response = await api.inject(url)

    expect(response.statusCode).toBe(404)
    expect(response.json<ErrorResponse>().code).toBe('FM_ERR_NOT_FOUND')
  })

  it('explains how to build the dashboard when it is not built', async () => {
    const api = await startApi()

    const root = await api.inject('/')
    const route = await api.inject('/devices/pump-1')

    expect(root.statusCode).toBe(200)
    expect(root.headers['content-type']).toMatch(/^text\/html/)
    expect(root.body).toContain('npm run build -w dashboard')
    expect(route.body).toContain('npm run build -w dashboard')
  })
})
