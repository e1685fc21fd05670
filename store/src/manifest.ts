/**
 * Checks of a site manifest before anything is written: its schema, then the references between its parts and
 * to what is already registered. Every problem is collected, so that an admin fixes the file in one pass.
 */
import { type DeviceKind, DeviceSpec, SERVICE_ID_PREFIX, SiteManifest } from '@fm/protocol'
import { Compile, type Validator } from 'typebox/compile'

export class ManifestError extends Error {
  readonly problems: readonly string[]

  constructor(siteId: string | undefined, problems: readonly string[]) {
    const subject = siteId === undefined ? 'site manifest' : `site manifest "${siteId}"`
    super(`${subject} has ${problems.length} problem(s):\n${problems.map((problem) => `  - ${problem}`).join('\n')}`)
    this.name = 'ManifestError'
    this.problems = problems
  }
}

export type DeviceErrorCode = 'FM_ERR_SITE_NOT_FOUND' | 'FM_ERR_DEVICE_EXISTS' | 'FM_ERR_DEVICE_INVALID'

/** A refused registration of one device (`createDevice`). `code` tells the api which answer to give. */
export class DeviceError extends Error {
  readonly code: DeviceErrorCode

  constructor(code: DeviceErrorCode, message: string) {
    super(message)
    this.name = 'DeviceError'
    this.code = code
  }
}

/** What the database already holds for the manifest's site and for the device ids it names. */
export interface RegisteredFacts {
  /** Rooms of the site, with the building each one is in. */
  rooms: ReadonlyMap<string, string | null>
  buildings: ReadonlySet<string>
  devices: ReadonlyMap<string, { siteId: string; kind: DeviceKind }>
}

const manifestValidator = Compile(SiteManifest)
const deviceValidator = Compile(DeviceSpec)

export function schemaProblems(value: unknown): string[] {
  return problemsOf(manifestValidator, value, 'the site manifest schema')
}

/** The schema problems of one device as a manifest would list it (`DeviceSpec`). */
export function deviceSchemaProblems(value: unknown): string[] {
  return problemsOf(deviceValidator, value, 'the device schema')
}

function problemsOf(validator: Validator, value: unknown, what: string): string[] {
  if (validator.Check(value)) return []
  const problems: string[] = []
  for (const error of validator.Errors(value)) {
    const path = error.instancePath || '/'
    // `additionalProperties: false` is reported twice; keep the entry that names the unknown keys
    if (error.keyword === 'boolean') continue
    if (error.keyword === 'additionalProperties') {
      const keys = (error.params as { additionalProperties?: string[] }).additionalProperties ?? []
      problems.push(`${path}: unknown field(s) ${keys.map((key) => `"${key}"`).join(', ')}`)
    } else if (error.keyword === 'enum') {
      const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues ?? []
      problems.push(`${path}: must be one of ${allowed.join(', ')}`)
    } else {
      problems.push(`${path}: ${error.message}`)
    }
  }
  return problems.length > 0 ? problems : [`/: does not match ${what}`]
}

function duplicates(list: 'buildings' | 'rooms' | 'devices', items: readonly { id: string }[]): string[] {
  const counts = new Map<string, number>()
  for (const { id } of items) counts.set(id, (counts.get(id) ?? 0) + 1)
  return [...counts].filter(([, count]) => count > 1).map(([id, count]) => `${list}: id "${id}" appears ${count} times`)
}

interface Places {
  buildings: ReadonlySet<string>
  /** Room id → the building it is in, from the manifest over what is registered. */
  rooms: ReadonlyMap<string, string | null>
}

export function deviceProblems(
  device: Omit<DeviceSpec, 'password'>,
  siteId: string,
  places: Places,
  registered: RegisteredFacts,
): string[] {
  const subject = `device "${device.id}"`
  const problems: string[] = []
  if (device.id.startsWith(SERVICE_ID_PREFIX))
    problems.push(`${subject}: ids starting with "${SERVICE_ID_PREFIX}" are reserved for platform services`)
  if (device.building !== undefined && !places.buildings.has(device.building))
    problems.push(`${subject}: building "${device.building}" is neither in the manifest nor registered`)
  if (device.room !== undefined) {
    const roomBuilding = places.rooms.get(device.room)
    if (roomBuilding === undefined)
      problems.push(`${subject}: room "${device.room}" is neither in the manifest nor registered`)
    else if (device.building !== undefined && roomBuilding !== null && roomBuilding !== device.building)
      problems.push(`${subject}: room "${device.room}" is in building "${roomBuilding}", not "${device.building}"`)
  }
  // the id is the MQTT username and the kind is part of the device's topics: neither may move
  const existing = registered.devices.get(device.id)
  if (existing && existing.siteId !== siteId)
    problems.push(`${subject}: already registered under site "${existing.siteId}"`)
  else if (existing && existing.kind !== device.kind)
    problems.push(`${subject}: registered as ${existing.kind}, the manifest says ${device.kind}`)
  return problems
}

/** References may point into the manifest or to buildings and rooms an earlier manifest registered for the site. */
export function referenceProblems(manifest: SiteManifest, registered: RegisteredFacts): string[] {
  const buildings = new Set([...registered.buildings, ...manifest.buildings.map((building) => building.id)])
  const rooms = new Map(registered.rooms)
  for (const room of manifest.rooms) rooms.set(room.id, room.building ?? null)
  const problems = [
    ...duplicates('buildings', manifest.buildings),
    ...duplicates('rooms', manifest.rooms),
    ...duplicates('devices', manifest.devices),
  ]
  for (const room of manifest.rooms) {
    if (room.building !== undefined && !buildings.has(room.building))
      problems.push(`room "${room.id}": building "${room.building}" is neither in the manifest nor registered`)
  }
  for (const device of manifest.devices) {
    problems.push(...deviceProblems(device, manifest.site.id, { buildings, rooms }, registered))
  }
  return problems
}
