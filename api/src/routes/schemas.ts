/**
 * Schemas that several routes share: path parameters and the error answers. `ErrorResponse` is registered once
 * with `app.addSchema` and referenced, so that OpenAPI shows it as one component.
 */
import { ID_PATTERN } from '@fm/protocol'
import { Type } from 'typebox'

const Id = (description: string) => Type.String({ pattern: ID_PATTERN, description })

export const SiteParams = Type.Object({ siteId: Id('site id') }, { additionalProperties: false })
export const DeviceParams = Type.Object({ deviceId: Id('device id') }, { additionalProperties: false })

/** The `$id` of protocol's `ErrorResponse`; fastify refuses to start if no schema has it. */
const ERROR_RESPONSE_ID = 'ErrorResponse'
const errorRef = (description: string) => Type.Ref(ERROR_RESPONSE_ID, { description })

const ERROR_DESCRIPTIONS = {
  400: 'invalid request (FM_ERR_VALIDATION and the codes of the route)',
  401: 'not signed in (FM_ERR_AUTH_REQUIRED), or a refused login (FM_ERR_AUTH_FAILED)',
  403: 'not allowed: the role lacks the permission or the place is outside the scope (docs/access.md)',
  404: 'not found (the code names what)',
  409: 'conflicts with the current state (the code names what)',
  429: 'too many attempts (FM_ERR_RATE_LIMITED) or a locked account (FM_ERR_AUTH_LOCKED); see Retry-After',
  500: 'unexpected failure (FM_ERR_INTERNAL)',
} as const

/** Response schemas for the error statuses a route can answer with. */
export function errorResponses<S extends keyof typeof ERROR_DESCRIPTIONS>(...statuses: S[]) {
  const responses: Partial<Record<S, ReturnType<typeof errorRef>>> = {}
  for (const status of statuses) responses[status] = errorRef(ERROR_DESCRIPTIONS[status])
  return responses as Record<S, ReturnType<typeof errorRef>>
}
