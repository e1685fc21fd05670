/**
 * Loading a site manifest: schema validation (the protocol's SiteManifest), then the references the schema cannot
 * express: unique ids, rooms and buildings that exist, and the simulator's own attribute references (a pump's tank
 * and panel, a panel's upstream panel). Every problem is reported at once, before any socket opens.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { SiteManifest } from '@fm/protocol'
import { Compile } from 'typebox/compile'
import { buildTopology } from './topology.ts'

/** 翠湖花园 (Cuihu Garden), the demo compound shipped with the simulators. */
export const DEMO_MANIFEST_PATH = fileURLToPath(new URL('../compounds/cuihu-garden.json', import.meta.url))

const MAX_SCHEMA_ERRORS = 20
const validator = Compile(SiteManifest)

export type ManifestCheck = { ok: true; manifest: SiteManifest } | { ok: false; errors: string[] }

function duplicates(ids: readonly string[]): string[] {
  return ids.filter((id, index) => ids.indexOf(id) !== index)
}

function referenceErrors(manifest: SiteManifest): string[] {
  const errors: string[] = []
  const buildings = new Set(manifest.buildings.map((building) => building.id))
  const rooms = new Map(manifest.rooms.map((room) => [room.id, room]))
  for (const id of duplicates(manifest.buildings.map((building) => building.id)))
    errors.push(`duplicate building "${id}"`)
  for (const id of duplicates(manifest.rooms.map((room) => room.id))) errors.push(`duplicate room "${id}"`)
  for (const id of duplicates(manifest.devices.map((device) => device.id))) errors.push(`duplicate device "${id}"`)
  for (const room of manifest.rooms) {
    if (room.building && !buildings.has(room.building))
      errors.push(`room ${room.id}: unknown building "${room.building}"`)
  }
  for (const device of manifest.devices) {
    if (device.building && !buildings.has(device.building))
      errors.push(`device ${device.id}: unknown building "${device.building}"`)
    const room = device.room === undefined ? undefined : rooms.get(device.room)
    if (device.room && !room) errors.push(`device ${device.id}: unknown room "${device.room}"`)
    if (room?.building && device.building && room.building !== device.building)
      errors.push(`device ${device.id}: room "${room.id}" is in building "${room.building}", not "${device.building}"`)
  }
  return errors
}

/** Validates a parsed manifest; never throws. */
export function checkManifest(value: unknown): ManifestCheck {
  if (!validator.Check(value)) {
    const errors = [...validator.Errors(value)]
      .slice(0, MAX_SCHEMA_ERRORS)
      .map((error) => `${error.instancePath || '/'} ${error.message}`)
    return { ok: false, errors }
  }
  const errors = [...referenceErrors(value), ...buildTopology(value).problems]
  return errors.length > 0 ? { ok: false, errors } : { ok: true, manifest: value }
}

/** Reads and validates a manifest file; a bad manifest is a configuration error and throws with every problem. */
export async function loadManifest(path: string): Promise<SiteManifest> {
  const text = await readFile(path, 'utf8')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(`manifest ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  const checked = checkManifest(parsed)
  if (!checked.ok) throw new Error(`manifest ${path} is invalid:\n  ${checked.errors.join('\n  ')}`)
  return checked.manifest
}
