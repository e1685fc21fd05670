/**
 * What the provisioning form checks before the api sees it, mirroring `NewDeviceInput` (protocol/src/api.ts) and the
 * store's checks of a new device (`deviceProblems` in store/src/manifest.ts, which the dashboard may not import):
 * the id, the names, the report interval, and a room that fits the building. The api checks again and says why in
 * `FM_ERR_DEVICE_INVALID`.
 */
import { type DeviceKind, isValidId, type NewDeviceInput, type Room, SERVICE_ID_PREFIX, type Site } from '@fm/protocol'

/** `Name` of the site manifest: 1–100 characters, counted as the schema counts them (code points). */
const NAME_MAX_CHARS = 100
/** `report_interval_sec` of the site manifest: a second to a day. */
export const REPORT_INTERVAL_MIN_SEC = 1
export const REPORT_INTERVAL_MAX_SEC = 86_400

/** The form as typed: every field a string, empty when not given. */
export interface ProvisionDraft {
  siteId: string
  kind: DeviceKind
  id: string
  name: string
  nameEn: string
  buildingId: string
  roomId: string
  reportIntervalSec: string
}

/** What the form can find wrong before asking; each has a sentence under `deviceAdmin.problems`. */
export const PROVISION_PROBLEMS = [
  'site',
  'device-id',
  'device-id-reserved',
  'name',
  'name-en',
  'report-interval',
] as const
export type ProvisionProblem = (typeof PROVISION_PROBLEMS)[number]

const chars = (text: string) => [...text].length

/** The id as it will be sent: device ids are lower case, like the MQTT usernames they become. */
export function deviceIdOf(draft: Pick<ProvisionDraft, 'id'>): string {
  return draft.id.trim().toLowerCase()
}

/** The first thing in the draft that the api would refuse, or undefined. */
export function provisionProblem(draft: ProvisionDraft): ProvisionProblem | undefined {
  if (!draft.siteId) return 'site'
  const id = deviceIdOf(draft)
  if (!isValidId(id)) return 'device-id'
  if (id.startsWith(SERVICE_ID_PREFIX)) return 'device-id-reserved'
  const name = draft.name.trim()
  if (chars(name) === 0 || chars(name) > NAME_MAX_CHARS) return 'name'
  if (chars(draft.nameEn.trim()) > NAME_MAX_CHARS) return 'name-en'
  const interval = draft.reportIntervalSec.trim()
  if (interval !== '') {
    const seconds = Number(interval)
    const inRange = seconds >= REPORT_INTERVAL_MIN_SEC && seconds <= REPORT_INTERVAL_MAX_SEC
    if (!Number.isInteger(seconds) || !inRange) return 'report-interval'
  }
  return undefined
}

/** The body of `POST /api/sites/:siteId/devices`: trimmed, and without the optional fields left empty. */
export function newDeviceInput(draft: ProvisionDraft): NewDeviceInput {
  const nameEn = draft.nameEn.trim()
  const interval = draft.reportIntervalSec.trim()
  return {
    id: deviceIdOf(draft),
    kind: draft.kind,
    name: draft.name.trim(),
    ...(nameEn ? { nameEn } : {}),
    ...(draft.buildingId ? { buildingId: draft.buildingId } : {}),
    ...(draft.roomId ? { roomId: draft.roomId } : {}),
    ...(interval ? { reportIntervalSec: Number(interval) } : {}),
  }
}

/**
 * The rooms a device in `buildingId` may be in: those of that building and those of no building (a gatehouse). With
 * no building chosen, every room of the site: the store then puts the device in the room's building.
 */
export function roomsFor(site: Site | undefined, buildingId: string): Room[] {
  const rooms = site?.rooms ?? []
  if (!buildingId) return rooms
  return rooms.filter((room) => room.buildingId === undefined || room.buildingId === buildingId)
}
