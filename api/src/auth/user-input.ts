/**
 * What an admin, or the seed file of `FM_API_SEED_USERS`, may send to create or change a user, as TypeBox schemas:
 * the shape is checked here, at the edge; the policy (username characters, a site for every role but admin, the
 * password rules) is the store's, which refuses with a `UserError` that `userApiError` turns into a coded answer.
 */
import { ID_PATTERN, USER_ROLES } from '@fm/protocol'
import { UserError } from '@fm/store'
import { Type } from 'typebox'
import { type ApiError, apiError } from '../errors.ts'

/** The store refuses passwords over 256 characters, saying why; the bound here only keeps a request from hashing megabytes. */
const PASSWORD_MAX_LENGTH = 1024
/** More sites or buildings than any company has, as in the store's policy. */
const SCOPE_MAX_IDS = 1000

const Password = Type.String({
  minLength: 1,
  maxLength: PASSWORD_MAX_LENGTH,
  description: 'at least 10 characters, not the username, not a common password',
})
const DisplayName = Type.String({ minLength: 1, maxLength: 64, description: "shown in the dashboard, e.g. '王军'" })
const Role = Type.Enum(USER_ROLES)
const Ids = (description: string) =>
  Type.Array(Type.String({ pattern: ID_PATTERN }), { maxItems: SCOPE_MAX_IDS, description })

export const ScopeInput = Type.Object(
  {
    allSites: Type.Boolean({ description: 'every site, including sites provisioned later; then no ids' }),
    siteIds: Ids('the sites, when not allSites; every role but admin needs one'),
    buildingIds: Ids('only these buildings of the sites (and nothing at site level); empty: the sites whole'),
  },
  { additionalProperties: false },
)

const newUserProperties = {
  username: Type.String({
    minLength: 1,
    maxLength: 64,
    description: '3–64 characters of a–z, 0–9, ".", "_" and "-"; stored lower-cased, unique',
  }),
  displayName: DisplayName,
  role: Role,
  scope: ScopeInput,
  password: Password,
}

export const NewUserInput = Type.Object(newUserProperties, { additionalProperties: false })

export const UserPatchInput = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    role: Type.Optional(Role),
    scope: Type.Optional(ScopeInput),
    disabled: Type.Optional(Type.Boolean({ description: 'a disabled user cannot sign in; their sessions end' })),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const PasswordResetInput = Type.Object({ password: Password }, { additionalProperties: false })

/** The store's user ids: 'u_' and 16 base64url characters. */
export const UserParams = Type.Object(
  { id: Type.String({ pattern: '^u_[A-Za-z0-9_-]{16}$', description: 'user id' }) },
  { additionalProperties: false },
)

/** The file of `FM_API_SEED_USERS`: users created at start when their username is free. */
export const SeedUsersFile = Type.Object(
  {
    description: Type.Optional(Type.String()),
    users: Type.Array(
      Type.Object(
        {
          ...newUserProperties,
          mustChangePassword: Type.Optional(
            Type.Boolean({ description: 'ask for a new password at the first login; default false' }),
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
)

/** The answer to a store's refusal; anything that is not a `UserError` is not ours to answer, so undefined. */
export function userApiError(error: unknown): ApiError | undefined {
  if (!(error instanceof UserError)) return undefined
  return apiError(error.code, error.message)
}
