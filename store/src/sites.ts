/**
 * Sites, buildings and rooms, and provisioning: loading a site manifest into the registry, or one device at a time
 * (`createDevice`, for the api's device management) under the same checks.
 * Provisioning is idempotent: the manifest is the truth for names and places, while the credentials of a device
 * that already exists are never touched (it is out in the field with them).
 */
import type { Building, DeviceKind, DeviceSpec, Room, Site, SiteManifest } from '@fm/protocol'
import { DEVICE_COLUMNS, type DeviceRow, defaultReportIntervalSec, toDeviceRecord } from './devices.ts'
import {
  DeviceError,
  deviceProblems,
  deviceSchemaProblems,
  ManifestError,
  type RegisteredFacts,
  referenceProblems,
  schemaProblems,
} from './manifest.ts'
import { generatePassword, hashPassword, type PasswordCost } from './passwords.ts'
import type { SqliteDatabase } from './sqlite.ts'
import type { CreatedDevice, NewDevice, ProvisionResult, Store } from './types.ts'

type NewCredentials = Map<string, { password: string; hash: string }>

/** Registry facts of one device, as the manifest states them. */
interface DeviceFacts {
  id: string
  siteId: string
  name: string
  nameEn: string | null
  buildingId: string | null
  roomId: string | null
  attributes: string
  reportIntervalSec: number
}

interface SiteParams {
  id: string
  name: string
  nameEn: string | null
  timezone: string
  city: string | null
  address: string | null
  now: number
}
type BuildingParams = { siteId: string; id: string; name: string; nameEn: string | null; floors: number | null }
type RoomParams = {
  siteId: string
  id: string
  name: string
  nameEn: string | null
  type: string
  buildingId: string | null
}

function prepareReads(db: SqliteDatabase) {
  return {
    siteRooms: db.prepare<[string], { id: string; building_id: string | null }>(
      'SELECT id, building_id FROM rooms WHERE site_id = ?',
    ),
    siteBuildings: db.prepare<[string], { id: string }>('SELECT id FROM buildings WHERE site_id = ?'),
    devicesIn: db.prepare<[string], { id: string; site_id: string; kind: DeviceKind }>(
      'SELECT id, site_id, kind FROM devices WHERE id IN (SELECT value FROM json_each(?))',
    ),
    sites: db.prepare<[], SiteRow>('SELECT id, name, name_en, timezone, city, address FROM sites ORDER BY rowid'),
    buildings: db.prepare<[], BuildingRow>(
      'SELECT site_id, id, name, name_en, floors FROM buildings ORDER BY site_id, rowid',
    ),
    rooms: db.prepare<[], RoomRow>('SELECT site_id, id, name, name_en, type, building_id FROM rooms ORDER BY rowid'),
  }
}

function preparePlaceWrites(db: SqliteDatabase) {
  return {
    upsertSite: db.prepare<SiteParams>(
      `INSERT INTO sites (id, name, name_en, timezone, city, address, created_at, updated_at)
       VALUES (@id, @name, @nameEn, @timezone, @city, @address, @now, @now)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, timezone = excluded.timezone,
         city = excluded.city, address = excluded.address, updated_at = excluded.updated_at`,
    ),
    upsertBuilding: db.prepare<BuildingParams>(
      `INSERT INTO buildings (site_id, id, name, name_en, floors) VALUES (@siteId, @id, @name, @nameEn, @floors)
       ON CONFLICT (site_id, id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, floors = excluded.floors`,
    ),
    upsertRoom: db.prepare<RoomParams>(
      `INSERT INTO rooms (site_id, id, name, name_en, type, building_id)
       VALUES (@siteId, @id, @name, @nameEn, @type, @buildingId)
       ON CONFLICT (site_id, id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, type = excluded.type,
         building_id = excluded.building_id`,
    ),
  }
}

function prepareDeviceWrites(db: SqliteDatabase) {
  return {
    deviceOwner: db.prepare<[string], { site_id: string; kind: DeviceKind }>(
      'SELECT site_id, kind FROM devices WHERE id = ?',
    ),
    // a device placed in a room without a building is in the room's building
    updateDevice: db.prepare<DeviceFacts>(
      `UPDATE devices SET name = @name, name_en = @nameEn, room_id = @roomId, attributes = @attributes,
         report_interval_sec = @reportIntervalSec,
         building_id = coalesce(@buildingId, (SELECT building_id FROM rooms WHERE site_id = @siteId AND id = @roomId))
       WHERE id = @id`,
    ),
    insertDevice: db.prepare<DeviceFacts & { kind: DeviceKind; hash: string; now: number }>(
      `INSERT INTO devices (id, site_id, kind, name, name_en, building_id, room_id, attributes, report_interval_sec,
         password_hash, credentials_updated_at, created_at)
       VALUES (@id, @siteId, @kind, @name, @nameEn,
         coalesce(@buildingId, (SELECT building_id FROM rooms WHERE site_id = @siteId AND id = @roomId)),
         @roomId, @attributes, @reportIntervalSec, @hash, @now, @now)`,
    ),
    insertState: db.prepare<[string]>('INSERT INTO device_state (device_id) VALUES (?)'),
    siteExists: db.prepare<[string], { id: string }>('SELECT id FROM sites WHERE id = ?'),
    deviceById: db.prepare<[string], DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices d WHERE d.id = ?`),
  }
}

function prepareStatements(db: SqliteDatabase) {
  return { ...prepareReads(db), ...preparePlaceWrites(db), ...prepareDeviceWrites(db) }
}

type Statements = ReturnType<typeof prepareStatements>

interface SiteRow {
  id: string
  name: string
  name_en: string | null
  timezone: string
  city: string | null
  address: string | null
}
interface BuildingRow {
  site_id: string
  id: string
  name: string
  name_en: string | null
  floors: number | null
}
interface RoomRow {
  site_id: string
  id: string
  name: string
  name_en: string | null
  type: Room['type']
  building_id: string | null
}

function readRegistered(statements: Statements, manifest: SiteManifest): RegisteredFacts {
  const siteId = manifest.site.id
  const ids = JSON.stringify(manifest.devices.map((device) => device.id))
  return {
    buildings: new Set(statements.siteBuildings.all(siteId).map((row) => row.id)),
    rooms: new Map(statements.siteRooms.all(siteId).map((row) => [row.id, row.building_id])),
    devices: new Map(statements.devicesIn.all(ids).map((row) => [row.id, { siteId: row.site_id, kind: row.kind }])),
  }
}

async function createCredentials(devices: readonly DeviceSpec[], cost?: PasswordCost): Promise<NewCredentials> {
  const entries = await Promise.all(
    devices.map(async (device) => {
      const password = device.password ?? generatePassword()
      return [device.id, { password, hash: await hashPassword(password, cost) }] as const
    }),
  )
  return new Map(entries)
}

function writePlaces(statements: Statements, manifest: SiteManifest, now: number): void {
  const { site } = manifest
  statements.upsertSite.run({
    id: site.id,
    name: site.name,
    nameEn: site.name_en ?? null,
    timezone: site.timezone,
    city: site.city ?? null,
    address: site.address ?? null,
    now,
  })
  for (const building of manifest.buildings) {
    const { id, name, name_en, floors } = building
    statements.upsertBuilding.run({ siteId: site.id, id, name, nameEn: name_en ?? null, floors: floors ?? null })
  }
  for (const room of manifest.rooms) {
    const { id, name, name_en, type, building } = room
    statements.upsertRoom.run({
      siteId: site.id,
      id,
      name,
      nameEn: name_en ?? null,
      type,
      buildingId: building ?? null,
    })
  }
}

function deviceFacts(siteId: string, device: NewDevice): DeviceFacts {
  return {
    id: device.id,
    siteId,
    name: device.name,
    nameEn: device.name_en ?? null,
    buildingId: device.building ?? null,
    roomId: device.room ?? null,
    attributes: JSON.stringify(device.attributes ?? {}),
    reportIntervalSec: device.report_interval_sec ?? defaultReportIntervalSec(device.kind),
  }
}

/** Writes one device. Returns its password when it was created, undefined when it existed. */
function writeDevice(
  statements: Statements,
  siteId: string,
  device: DeviceSpec,
  fresh: NewCredentials,
  now: number,
): string | undefined {
  const facts = deviceFacts(siteId, device)
  const owner = statements.deviceOwner.get(device.id)
  if (owner) {
    // re-checked inside the transaction: another provisioning may have run while passwords were hashed
    if (owner.site_id !== siteId || owner.kind !== device.kind)
      throw new Error(`device "${device.id}" was registered as ${owner.kind} of site "${owner.site_id}" meanwhile`)
    statements.updateDevice.run(facts)
    return undefined
  }
  const credentials = fresh.get(device.id)
  if (!credentials) throw new Error(`device "${device.id}" disappeared while provisioning; provision again`)
  statements.insertDevice.run({ ...facts, kind: device.kind, hash: credentials.hash, now })
  statements.insertState.run(device.id)
  return credentials.password
}

function toBuilding(row: BuildingRow): Building {
  const building: Building = { id: row.id, name: row.name }
  if (row.name_en !== null) building.nameEn = row.name_en
  if (row.floors !== null) building.floors = row.floors
  return building
}

function toRoom(row: RoomRow): Room {
  const room: Room = { id: row.id, name: row.name, type: row.type }
  if (row.name_en !== null) room.nameEn = row.name_en
  if (row.building_id !== null) room.buildingId = row.building_id
  return room
}

function toSite(row: SiteRow, buildings: Building[], rooms: Room[]): Site {
  const site: Site = { id: row.id, name: row.name, timezone: row.timezone, buildings, rooms }
  if (row.name_en !== null) site.nameEn = row.name_en
  if (row.city !== null) site.city = row.city
  if (row.address !== null) site.address = row.address
  return site
}

function groupBySite<Row extends { site_id: string }, T>(rows: Row[], map: (row: Row) => T): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const row of rows) {
    const group = groups.get(row.site_id)
    if (group) group.push(map(row))
    else groups.set(row.site_id, [map(row)])
  }
  return groups
}

/** The site id of a manifest that failed its schema check, when it has one, to name it in the error. */
function claimedSiteId(value: unknown): string | undefined {
  const site = (value as { site?: { id?: unknown } } | null)?.site
  return typeof site?.id === 'string' ? site.id : undefined
}

/**
 * Throws a `DeviceError` when one device may not be registered in `siteId`, checked as a manifest's devices are. The
 * password is generated by the store, never chosen by the caller.
 */
function checkNewDevice(statements: Statements, siteId: string, input: NewDevice): void {
  const problems = 'password' in input ? ['/password: a new device gets a generated password'] : []
  problems.push(...deviceSchemaProblems(input))
  if (problems.length > 0) throw new DeviceError('FM_ERR_DEVICE_INVALID', problems.join('; '))
  if (!statements.siteExists.get(siteId)) throw new DeviceError('FM_ERR_SITE_NOT_FOUND', `site "${siteId}" not found`)
  if (statements.deviceOwner.get(input.id)) {
    throw new DeviceError('FM_ERR_DEVICE_EXISTS', `device "${input.id}" is registered already`)
  }
  // existence is settled above, so the registered devices play no part in the place checks
  const rooms = new Map(statements.siteRooms.all(siteId).map((row) => [row.id, row.building_id]))
  const buildings = new Set(statements.siteBuildings.all(siteId).map((row) => row.id))
  const registered: RegisteredFacts = { rooms, buildings, devices: new Map() }
  const placeProblems = deviceProblems(input, siteId, { rooms, buildings }, registered)
  if (placeProblems.length > 0) throw new DeviceError('FM_ERR_DEVICE_INVALID', placeProblems.join('; '))
}

export function createSites(
  db: SqliteDatabase,
  passwordCost?: PasswordCost,
): Pick<Store, 'provisionSite' | 'listSites' | 'createDevice'> {
  const statements = prepareStatements(db)
  const write = db.transaction((manifest: SiteManifest, fresh: NewCredentials): ProvisionResult => {
    const now = Date.now()
    writePlaces(statements, manifest, now)
    const result: ProvisionResult = { siteId: manifest.site.id, created: [], existing: [] }
    for (const device of manifest.devices) {
      const password = writeDevice(statements, manifest.site.id, device, fresh, now)
      if (password === undefined) result.existing.push(device.id)
      else result.created.push({ id: device.id, password })
    }
    return result
  })
  const insertOne = db.transaction((siteId: string, input: NewDevice, hash: string): void => {
    // re-checked inside the transaction: the same id may have been registered while the password was hashed
    if (statements.deviceOwner.get(input.id)) {
      throw new DeviceError('FM_ERR_DEVICE_EXISTS', `device "${input.id}" is registered already`)
    }
    statements.insertDevice.run({ ...deviceFacts(siteId, input), kind: input.kind, hash, now: Date.now() })
    statements.insertState.run(input.id)
  })
  return {
    async createDevice(siteId, input): Promise<CreatedDevice> {
      checkNewDevice(statements, siteId, input)
      const password = generatePassword()
      insertOne(siteId, input, await hashPassword(password, passwordCost))
      const row = statements.deviceById.get(input.id)
      if (!row) throw new Error(`device "${input.id}" disappeared right after it was created`)
      return { device: toDeviceRecord(row), password }
    },
    async provisionSite(input) {
      const shapeProblems = schemaProblems(input)
      if (shapeProblems.length > 0) throw new ManifestError(claimedSiteId(input), shapeProblems)
      const registered = readRegistered(statements, input)
      const problems = referenceProblems(input, registered)
      if (problems.length > 0) throw new ManifestError(input.site.id, problems)
      // hash outside the transaction: scrypt takes tens of ms per device, and ingest writes to this file meanwhile
      const fresh = await createCredentials(
        input.devices.filter((device) => !registered.devices.has(device.id)),
        passwordCost,
      )
      return write(input, fresh)
    },
    listSites() {
      const buildings = groupBySite(statements.buildings.all(), toBuilding)
      const rooms = groupBySite(statements.rooms.all(), toRoom)
      return statements.sites.all().map((row) => toSite(row, buildings.get(row.id) ?? [], rooms.get(row.id) ?? []))
    },
  }
}
