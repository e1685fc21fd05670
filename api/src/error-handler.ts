/**
 * Turns whatever a route throws into an `ErrorResponse`: our coded `ApiError`s as they are, fastify's own
 * errors (schema validation, body parsing) into the matching code, and anything else into `FM_ERR_INTERNAL`
 * without leaking its message or stack to the client.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { ApiError, apiError, errorBody } from './errors.ts'

interface ValidationIssue {
  keyword: string
  instancePath: string
  params: Record<string, unknown>
  message?: string
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && 'code' in error && typeof error.code === 'string'
}

/** One readable sentence that names the part and the key, e.g. `querystring: unknown parameter "foo"`. */
export function describeValidation(issues: readonly ValidationIssue[], context: string | undefined): string {
  const part = context ?? 'request'
  const [issue] = issues
  if (!issue) return `${part} is invalid`
  const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.')
  const where = path ? `${part}.${path}` : part
  const extra = issue.params.additionalProperty
  if (issue.keyword === 'additionalProperties' && typeof extra === 'string') {
    return `${where}: unknown ${part === 'querystring' ? 'parameter' : 'property'} "${extra}"`
  }
  // A value that fits none of an anyOf's branches: each branch reported why, and together they say what fits.
  if (issues.some((candidate) => candidate.keyword === 'anyOf' && candidate.instancePath === issue.instancePath)) {
    const reasons = issues
      .filter((candidate) => candidate.keyword !== 'anyOf' && candidate.instancePath === issue.instancePath)
      .map((candidate) => candidate.message ?? 'is invalid')
    return `${where} ${[...new Set(reasons)].join(' or ')}`
  }
  return `${where} ${issue.message ?? 'is invalid'}`
}

/** Maps fastify's HTTP-level errors to ours; `undefined` for anything unexpected. */
function fromFastifyError(error: FastifyError): ApiError | undefined {
  if (error.validation) {
    return apiError('FM_ERR_VALIDATION', describeValidation(error.validation, error.validationContext))
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return apiError('FM_ERR_BODY_TOO_LARGE', error.message.match(/\d+/)?.[0] ?? 'the limit of')
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return apiError('FM_ERR_MEDIA_TYPE_UNSUPPORTED', error.message.replace(/^Unsupported Media Type:\s*/, ''))
  }
  const status = error.statusCode ?? 500
  // Other client errors (malformed JSON, an empty JSON body, a bad URL) keep fastify's message, which is
  // written for the client and names no internals.
  if (status >= 400 && status < 500) return apiError('FM_ERR_REQUEST_INVALID', error.message)
  return undefined
}

export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error
  if (isFastifyError(error)) return fromFastifyError(error)
  return undefined
}

/** The app's error handler: every failure leaves as an `ErrorResponse`. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = toApiError(error)
  if (known) {
    request.log.info({ code: known.code, statusCode: known.statusCode }, known.message)
    return reply.code(known.statusCode).send(errorBody(known))
  }
  request.log.error({ err: error }, 'request failed')
  const internal = apiError('FM_ERR_INTERNAL')
  return reply.code(internal.statusCode).send(errorBody(internal))
}
