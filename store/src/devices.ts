/**
 * The device registry as the services read it: records for the broker and ingest, views (registry joined with
 * the latest state) for the api.
 */
import type { DeviceKind, DeviceView } from '@fm/protocol'
import type { SqliteDatabase } from './sqlite.ts'
import type { DeviceRecord, Store } from './types.ts'

type Scalar = string | number | boolean

/** Expected telemetry interval when a manifest gives none: panels and checkpoints report slowly (DOMAIN.md §b). */
const DEFAULT_REPORT_INTERVAL_SEC: Record<DeviceKind, number> = {
  'water-tank': 10,
  pump: 10,
  'electrical-panel': 10,
  'fire-alarm-panel': 60,
  'fire-water': 10,
  'room-environment': 10,
  gate: 10,
  'patrol-checkpoint': 60,
}

export function defaultReportIntervalSec(kind: DeviceKind): number {
  return DEFAULT_REPORT_INTERVAL_SEC[kind]
}

export interface DeviceRow {
  id: string
  site_id: string
  kind: DeviceKind
  name: string
  name_en: string | null
  building_id: string | null
  room_id: string | null
  attributes: string
  report_interval_sec: number
  revoked_at: number | null
}

interface DeviceViewRow extends DeviceRow {
  online: number | null
  last_seen: number | null
  field_values: string | null
  values_ts: number | null
}

export const DEVICE_COLUMNS =
  'd.id, d.site_id, d.kind, d.name, d.name_en, d.building_id, d.room_id, d.attributes, d.report_interval_sec, d.revoked_at'

export function toDeviceRecord(row: DeviceRow): DeviceRecord {
  const record: DeviceRecord = {
    id: row.id,
    siteId: row.site_id,
    kind: row.kind,
    name: row.name,
    attributes: JSON.parse(row.attributes) as Record<string, Scalar>,
    reportIntervalSec: row.report_interval_sec,
  }
  if (row.name_en !== null) record.nameEn = row.name_en
  if (row.building_id !== null) record.buildingId = row.building_id
  if (row.room_id !== null) record.roomId = row.room_id
  if (row.revoked_at !== null) record.revokedAt = row.revoked_at
  return record
}

function toDeviceView(row: DeviceViewRow): DeviceView {
  // the registry facts as the broker and ingest see them, less the revocation, which is no business of a viewer
  const { revokedAt: _revokedAt, ...facts } = toDeviceRecord(row)
  return {
    ...facts,
    online: row.online === 1,
    lastSeen: row.last_seen,
    values: row.field_values === null ? {} : (JSON.parse(row.field_values) as Record<string, Scalar>),
    valuesTs: row.values_ts,
  }
}

export function createDeviceQueries(db: SqliteDatabase): Pick<Store, 'getDevice' | 'listDevices' | 'listDeviceViews'> {
  // rowid order keeps the order of the manifest, which is the order an admin wrote the equipment in
  const byId = db.prepare<[string], DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices d WHERE d.id = ?`)
  const all = db.prepare<{ siteId: string | null }, DeviceRow>(
    `SELECT ${DEVICE_COLUMNS} FROM devices d WHERE @siteId IS NULL OR d.site_id = @siteId ORDER BY d.rowid`,
  )
  const views = db.prepare<{ siteId: string | null }, DeviceViewRow>(
    `SELECT ${DEVICE_COLUMNS}, s.online, s.last_seen, s.field_values, s.values_ts
       FROM devices d LEFT JOIN device_state s ON s.device_id = d.id
      WHERE @siteId IS NULL OR d.site_id = @siteId
      ORDER BY d.rowid`,
  )
  return {
    getDevice(id) {
      const row = byId.get(id)
      return row && toDeviceRecord(row)
    },
    listDevices(filter) {
      return all.all({ siteId: filter?.siteId ?? null }).map(toDeviceRecord)
    },
    listDeviceViews(filter) {
      return views.all({ siteId: filter?.siteId ?? null }).map(toDeviceView)
    },
  }
}
