/**
 * Serves the built dashboard and decides what an unmatched request gets:
 * - a file of the build, with long caching for the content-hashed `assets/` and revalidation for the rest;
 * - any other page-like GET (a client-side route such as `/devices/pump-1`): `index.html`, the SPA fallback;
 * - `/api/*`, `/socket.io/*`, other methods and missing files: a JSON 404 `FM_ERR_NOT_FOUND`.
 * Without a build, pages answer a short note on how to build it, so that `npm start -w api` still works.
 */
import { existsSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fastifyStatic } from '@fastify/static'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { App } from './app.ts'
import { apiError, errorBody } from './errors.ts'

/** Vite puts content-hashed files under `assets/`: a new build gets new names, so they can be cached for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Everything else (index.html above all) must be revalidated, or browsers keep running an old build. */
const REVALIDATE = 'no-cache'

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Facility Monitor</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>Facility Monitor</h1>
<p>The API is running, but the dashboard is not built.</p>
<p>Build it with <code>npm run build -w dashboard</code> (or set <code>FM_API_DASHBOARD_DIR</code> to a built
dashboard) and reload this page.</p>
<p>API reference: <a href="/api/docs">/api/docs</a> · health: <a href="/api/health">/api/health</a></p>
</body></html>
`

function pathOf(url: string): string {
  const end = url.search(/[?#]/)
  return end === -1 ? url : url.slice(0, end)
}

/** A GET for a client-side route: not the API, not socket.io, and not a file name (a missing asset is a 404). */
export function isPageRequest(method: string, url: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false
  const path = pathOf(url)
  if (path === '/api' || path.startsWith('/api/') || path.startsWith('/socket.io/')) return false
  const lastSegment = path.slice(path.lastIndexOf('/') + 1)
  return !lastSegment.includes('.')
}

function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const error = apiError('FM_ERR_NOT_FOUND', request.method, pathOf(request.url).slice(0, 200))
  return reply.code(error.statusCode).send(errorBody(error))
}

function notBuilt(reply: FastifyReply): FastifyReply {
  return reply.code(200).header('cache-control', REVALIDATE).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE)
}

export async function registerDashboard(app: App, dashboardDir: string): Promise<void> {
  const built = existsSync(join(dashboardDir, 'index.html'))
  if (built) {
    await app.register(fastifyStatic, {
      root: dashboardDir,
      prefix: '/',
      index: 'index.html',
      // The headers are set below, per file.
      cacheControl: false,
      setHeaders: (reply, path) => {
        const inAssets = relative(dashboardDir, path).startsWith(`assets${sep}`)
        reply.header('cache-control', inAssets ? IMMUTABLE : REVALIDATE)
      },
    })
  } else {
    app.log.warn({ dashboardDir }, 'dashboard not built: / answers a note on how to build it')
    app.get('/', { schema: { hide: true } }, (_request, reply) => notBuilt(reply))
  }
  app.setNotFoundHandler((request, reply) => {
    if (!isPageRequest(request.method, request.url)) return notFound(request, reply)
    return built ? reply.sendFile('index.html') : notBuilt(reply)
  })
}
