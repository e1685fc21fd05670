/**
 * The latest state of every device, merged from what ingest sees: values from readings, availability from the
 * retained status and last will, and the time of the last message of any kind.
 *
 * MQTT QoS 0 and batching may deliver messages late and out of order, so every merge compares timestamps rather
 * than trusting arrival order. The state row exists from provisioning on, so updates for an unregistered id
 * change nothing.
 *
 * Each update type moves one part of the state, on one clock:
 * - `reading`: the values, ordered by the sample time the writer chose (ingest: the device's `ts`, capped at its
 *   receive time so that a clock running ahead cannot outrank the readings after it);
 * - `status`: availability, ordered by the server's receive time. A device clock cannot order it: a last will has
 *   no `ts` of its own, and a device whose clock is slow would lose every reconnect against its previous will;
 * - `seen`: last seen, on the server's clock as well, so that a slow device clock does not make a device look silent.
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
    // The api's live view (api/src/live-state.ts) merges by the same rule.
    reading: db.prepare<{ deviceId: string; ts: number; values: string }>(
      `UPDATE device_state SET
         field_values = CASE WHEN values_ts IS NULL OR @ts >= values_ts
           THEN json_patch(field_values, @values) ELSE json_patch(@values, field_values) END,
         values_ts = max(coalesce(values_ts, @ts), @ts)
       WHERE device_id = @deviceId`,
    ),
    // A status received before the stored one is stale and changes nothing. Aedes publishes the will of a connection
    // it takes over before it accepts the new one [MQTT-3.1.4-2], so a reconnecting device's `online` follows its
    // old will in receive order, whatever its clock says.
    status: db.prepare<{ deviceId: string; ts: number; online: 0 | 1 }>(
      `UPDATE device_state SET online = @online, status_ts = @ts
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
    // Every message marks its device seen, and last seen only ever moves to the latest time: one update per device
    // and batch says the same as all of them, for a fraction of the writes.
    const seen = new Map<string, number>()
    for (const update of updates) {
      if (update.type !== 'seen') apply(update)
      else if (update.ts > (seen.get(update.deviceId) ?? Number.NEGATIVE_INFINITY)) seen.set(update.deviceId, update.ts)
    }
    for (const [deviceId, ts] of seen) statements.seen.run({ deviceId, ts })
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
