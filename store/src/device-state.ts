/**
 * The latest state of every device, merged from what ingest sees: values from readings, availability from the
 * retained status and last will, and the time of the last message of any kind.
 *
 * MQTT QoS 0 and batching may deliver messages late and out of order, so every merge compares timestamps rather
 * than trusting arrival order. The state row exists from provisioning on, so updates for an unregistered id
 * change nothing.
 */
import type { FieldValue } from '@fm/protocol'
import type { SqliteDatabase } from './sqlite.ts'
import type { DeviceState, DeviceStateUpdate, Store } from './types.ts'

interface StateRow {
  device_id: string
  online: number
  last_seen: number | null
  field_values: string
  values_ts: number | null
}

function toDeviceState(row: StateRow): DeviceState {
  return {
    deviceId: row.device_id,
    online: row.online === 1,
    lastSeen: row.last_seen,
    values: JSON.parse(row.field_values) as Record<string, FieldValue>,
    valuesTs: row.values_ts,
  }
}

function prepareStatements(db: SqliteDatabase) {
  return {
    // All SET expressions see the row as it was. A newer reading patches over the stored values; an older one is
    // patched *under* them, so it only fills in fields reported by exception and never overwrites a newer value.
    reading: db.prepare<{ deviceId: string; ts: number; values: string }>(
      `UPDATE device_state SET
         field_values = CASE WHEN values_ts IS NULL OR @ts >= values_ts
           THEN json_patch(field_values, @values) ELSE json_patch(@values, field_values) END,
         values_ts = max(coalesce(values_ts, @ts), @ts),
         last_seen = max(coalesce(last_seen, @ts), @ts)
       WHERE device_id = @deviceId`,
    ),
    // a status older than the stored one is stale (e.g. a last will delivered after the device came back)
    status: db.prepare<{ deviceId: string; ts: number; online: 0 | 1 }>(
      `UPDATE device_state SET
         online = @online,
         status_ts = @ts,
         last_seen = CASE WHEN @online = 1 THEN max(coalesce(last_seen, @ts), @ts) ELSE last_seen END
       WHERE device_id = @deviceId AND (status_ts IS NULL OR status_ts <= @ts)`,
    ),
    seen: db.prepare<{ deviceId: string; ts: number }>(
      'UPDATE device_state SET last_seen = max(coalesce(last_seen, @ts), @ts) WHERE device_id = @deviceId',
    ),
    all: db.prepare<[], StateRow>(
      'SELECT device_id, online, last_seen, field_values, values_ts FROM device_state ORDER BY device_id',
    ),
  }
}

export function createDeviceStates(db: SqliteDatabase): Pick<Store, 'updateDeviceStates' | 'getDeviceStates'> {
  const statements = prepareStatements(db)
  const apply = (update: DeviceStateUpdate): void => {
    const { deviceId, ts } = update
    switch (update.type) {
      case 'reading':
        statements.reading.run({ deviceId, ts, values: JSON.stringify(update.values) })
        return
      case 'status':
        statements.status.run({ deviceId, ts, online: update.online ? 1 : 0 })
        return
      case 'seen':
        statements.seen.run({ deviceId, ts })
        return
    }
  }
  const applyAll = db.transaction((updates: readonly DeviceStateUpdate[]) => {
    for (const update of updates) apply(update)
  })
  return {
    updateDeviceStates(updates) {
      if (updates.length > 0) applyAll(updates)
    },
    getDeviceStates() {
      return statements.all.all().map(toDeviceState)
    },
  }
}
