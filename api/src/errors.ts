/**
 * Every error the api answers with, in one table: a stable code, a message template and an HTTP status
 * (the pattern of fastify's lib/errors.js). Clients branch on `code`, never on the message text.
 * `docs/protocol.md` lists every code; a test fails when the two drift apart.
 */
import { STATUS_CODES } from 'node:http'
import { format } from 'node:util'
import type { ErrorResponse } from '@fm/protocol'

export interface ErrorSpec {
  /** HTTP status of the response. */
  statusCode: number
  /** `util.format` template; `%s` placeholders are filled in order. */
  message: string
  /** When the error happens, for the reference documentation. */
  description: string
}

export const ERRORS = {
  FM_ERR_VALIDATION: {
    statusCode: 400,
    message: '%s',
    description: 'A path parameter, query parameter or body does not match the route schema, or has an unknown key.',
  },
  FM_ERR_REQUEST_INVALID: {
    statusCode: 400,
    message: '%s',
    description: 'The request is malformed at the HTTP level, e.g. a body that is not valid JSON.',
  },
  FM_ERR_BODY_TOO_LARGE: {
    statusCode: 413,
    message: 'request body exceeds %s bytes',
    description: 'The request body is larger than the limit (64 KiB).',
  },
  FM_ERR_MEDIA_TYPE_UNSUPPORTED: {
    statusCode: 415,
    message: 'unsupported content type %s',
    description: 'The request body has a content type the route does not accept.',
  },
  FM_ERR_NOT_FOUND: {
    statusCode: 404,
    message: 'no route %s %s',
    description: 'No API route matches the method and path.',
  },
  FM_ERR_SITE_NOT_FOUND: {
    statusCode: 404,
    message: 'site "%s" not found',
    description: 'No site with this id is provisioned.',
  },
  FM_ERR_DEVICE_NOT_FOUND: {
    statusCode: 404,
    message: 'device "%s" not found',
    description: 'No device with this id is registered.',
  },
  FM_ERR_DEVICE_EXISTS: {
    statusCode: 409,
    message: '%s',
    description: 'A new device whose id is registered already, in this site or another; device ids are MQTT usernames.',
  },
  FM_ERR_DEVICE_INVALID: {
    statusCode: 400,
    message: '%s',
    description:
      'A new device in a building or room its site lacks, in a room of another building, or with a `svc-` id.',
  },
  FM_ERR_HISTORY_RANGE_INVALID: {
    statusCode: 400,
    message: '%s',
    description: 'A history query whose `from` is not before `to`, or that spans more than 400 days.',
  },
  FM_ERR_HISTORY_FIELD_UNKNOWN: {
    statusCode: 400,
    message: '"%s" is not a telemetry field of %s (fields: %s)',
    description: 'A history query names a field that devices of this kind do not report.',
  },
  FM_ERR_ALARM_NOT_FOUND: {
    statusCode: 404,
    message: '%s',
    description: 'No alarm with this id exists.',
  },
  FM_ERR_ALARM_STATE: {
    statusCode: 409,
    message: '%s',
    description: 'An alarm action its state does not allow, e.g. a second acknowledgement, a P0 shelved; says why.',
  },
  FM_ERR_ALARM_INVALID: {
    statusCode: 400,
    message: '%s',
    description: 'An alarm action with invalid input, e.g. a blank reason, a timed shelve without duration; says why.',
  },
  FM_ERR_ALARM_RANGE_INVALID: {
    statusCode: 400,
    message: '%s',
    description: 'An alarm journal or KPI query whose `from` is not before `to`, or KPIs over more than 400 days.',
  },
  FM_ERR_WO_NOT_FOUND: {
    statusCode: 404,
    message: '%s',
    description: 'No work order (or photo of it) with this id exists.',
  },
  FM_ERR_WO_TRANSITION: {
    statusCode: 409,
    message: '%s',
    description:
      'A work-order action its state does not allow, e.g. verifying one not resolved; says which states allow it.',
  },
  FM_ERR_WO_FORBIDDEN: {
    statusCode: 403,
    message: '%s',
    description: 'A work-order action the user may not do: their role lacks it, or only the assigned technician may.',
  },
  FM_ERR_WO_INVALID: {
    statusCode: 400,
    message: '%s',
    description:
      'A work order or action with invalid input: a missing reason, an assignee who is not a technician of the place, a device of another site; says why.',
  },
  FM_ERR_WO_ALARM_ACTIVE: {
    statusCode: 409,
    message: '%s',
    description:
      'Verifying a work order whose alarm is still active; a supervisor may override with `override: true` and a reason.',
  },
  FM_ERR_WO_REOPEN_EXPIRED: {
    statusCode: 409,
    message: '%s',
    description: 'Reopening a work order verified more than 30 days ago: report a new one.',
  },
  FM_ERR_WO_CHECKLIST_INCOMPLETE: {
    statusCode: 400,
    message: '%s',
    description: 'Resolving a work order whose checklist has items without a result.',
  },
  FM_ERR_PHOTO_INVALID: {
    statusCode: 400,
    message: '%s',
    description: 'A photo that is empty, larger than 5 MiB, or not a JPEG, PNG or WebP image.',
  },
  FM_ERR_PM_PLAN_INVALID: {
    statusCode: 400,
    message: '%s',
    description: 'A PM plan change the plan cannot take, e.g. a usage interval for a calendar-only plan; says why.',
  },
  FM_ERR_PM_PLAN_NOT_FOUND: {
    statusCode: 404,
    message: '%s',
    description: 'No preventive-maintenance plan with this id exists.',
  },
  FM_ERR_RULE_NOT_FOUND: {
    statusCode: 404,
    message: '%s',
    description: "No rule with this id in the catalog for the site's or the device's kind of equipment.",
  },
  FM_ERR_RULE_INVALID: {
    statusCode: 400,
    message: '%s',
    description: 'A rule override the rule cannot take, e.g. a threshold on a rule without one; says why.',
  },
  FM_ERR_AUTH_REQUIRED: {
    statusCode: 401,
    message: 'sign in first',
    description: 'The route needs a signed-in user and the request has no valid session (none, expired or ended).',
  },
  FM_ERR_AUTH_FAILED: {
    statusCode: 401,
    message: 'wrong username or password',
    description: 'Login refused: unknown user, wrong password or disabled account, one answer for all three.',
  },
  FM_ERR_AUTH_LOCKED: {
    statusCode: 429,
    message: 'account locked after too many failed logins; try again in %s s',
    description:
      'Login refused: 10 wrong passwords in a row locked the account for a while; `Retry-After` says how long.',
  },
  FM_ERR_RATE_LIMITED: {
    statusCode: 429,
    message: 'too many requests; try again in %s s',
    description: 'Too many requests from this client address, e.g. login attempts; `Retry-After` says when to retry.',
  },
  FM_ERR_FORBIDDEN: {
    statusCode: 403,
    message: 'permission "%s" required',
    description: "The user's role does not have the permission the route needs (docs/access.md).",
  },
  FM_ERR_PASSWORD_CHANGE_REQUIRED: {
    statusCode: 403,
    message: 'choose a new password first (POST /api/auth/password)',
    description: 'The user must change their password (generated or set by an admin) before using anything else.',
  },
  FM_ERR_SCOPE_FORBIDDEN: {
    statusCode: 403,
    message: '%s is outside your scope',
    description: "The site or building asked for is outside the user's scope (docs/access.md).",
  },
  FM_ERR_PASSWORD_CURRENT_INVALID: {
    statusCode: 400,
    message: 'the current password is wrong',
    description: 'A password change whose current password is wrong; it counts towards the lockout.',
  },
  FM_ERR_PASSWORD_WEAK: {
    statusCode: 400,
    message: '%s',
    description:
      'A new password the password policy refuses (too short, too common, the username); the message says why.',
  },
  FM_ERR_USER_NOT_FOUND: {
    statusCode: 404,
    message: 'user "%s" not found',
    description: 'No user with this id exists.',
  },
  FM_ERR_USER_EXISTS: {
    statusCode: 409,
    message: '%s',
    description: 'A new user whose username is taken (usernames are compared case-insensitively).',
  },
  FM_ERR_USER_INVALID: {
    statusCode: 400,
    message: '%s',
    description: 'A username, display name, role or scope the policy refuses, e.g. a guard without a site; says why.',
  },
  FM_ERR_USER_LAST_ADMIN: {
    statusCode: 409,
    message: 'the last enabled admin can be neither disabled nor given another role',
    description: 'A change that would leave no enabled admin: disabling or demoting the last one.',
  },
  FM_ERR_INTERNAL: {
    statusCode: 500,
    message: 'internal server error',
    description: 'An unexpected failure; details are logged on the server, never sent to the client.',
  },
  FM_ERR_CONFIG_INVALID: {
    statusCode: 500,
    message: 'invalid configuration:\n%s',
    description: 'The service refuses to start: its environment has invalid or missing settings (not an HTTP answer).',
  },
} as const satisfies Record<`FM_ERR_${string}`, ErrorSpec>

export type ErrorCode = keyof typeof ERRORS

/** An expected failure with a code from `ERRORS`; the error handler turns it into an `ErrorResponse`. */
export class ApiError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number

  constructor(code: ErrorCode, message: string) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.statusCode = ERRORS[code].statusCode
  }
}

/** Creates the error `code` with its template filled by `args`. */
export function apiError(code: ErrorCode, ...args: (string | number)[]): ApiError {
  return new ApiError(code, format(ERRORS[code].message, ...args))
}

/** The body of an error answer, `{statusCode, code, error, message}`. */
export function errorBody(error: ApiError): ErrorResponse {
  return {
    statusCode: error.statusCode,
    code: error.code,
    error: STATUS_CODES[error.statusCode] ?? 'Error',
    message: error.message,
  }
}
