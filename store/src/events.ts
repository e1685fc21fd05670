/**
 * Device events (fire points, plates, patrol scans), kept in full: they carry unbounded tags such as plate numbers
 * that do not belong in the time series.
 */
import type { StoredEvent } from '@fm/protocol'
import type { SqliteDatabase } from './sqlite.ts'
import type { Store } from './types.ts'

export const DEFAULT_EVENT_LIMIT = 50
export const MAX_EVENT_LIMIT = 500

interface EventRow {
  id: number
  device_id: string
  ts: number
  type: string
  data: string
}

function eventLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_EVENT_LIMIT
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`event limit must be a positive integer, got ${limit}`)
  return Math.min(limit, MAX_EVENT_LIMIT)
}

export function createEvents(db: SqliteDatabase): Pick<Store, 'appendEvents' | 'listEvents'> {
  // events of devices that are not registered are dropped: there is nobody to show them to; an event delivered
  // again (same device, time, type and data) is ignored, so a QoS 1 redelivery is stored once
  const insert = db.prepare<{ deviceId: string; ts: number; type: string; data: string }>(
    `INSERT OR IGNORE INTO device_events (device_id, ts, type, data)
     SELECT id, @ts, @type, @data FROM devices WHERE id = @deviceId`,
  )
  // The cursor is (ts, id): a fire panel sends bursts within one millisecond, and paging by ts alone would skip
  // the rest of a burst at a page boundary. The row-value comparison stays a range scan of the (device_id, ts) index.
  const list = db.prepare<{ deviceId: string; before: number; beforeId: number; limit: number }, EventRow>(
    `SELECT id, device_id, ts, type, data FROM device_events
      WHERE device_id = @deviceId AND (ts, id) < (@before, @beforeId)
      ORDER BY ts DESC, id DESC LIMIT @limit`,
  )
  const appendAll = db.transaction((events: Parameters<Store['appendEvents']>[0]) => {
    for (const { deviceId, ts, event } of events) {
      const { type, ts: _eventTs, ...data } = event
      insert.run({ deviceId, ts, type, data: JSON.stringify(data) })
    }
  })
  return {
    appendEvents(events) {
      if (events.length > 0) appendAll(events)
    },
    listEvents(deviceId, options = {}) {
      const rows = list.all({
        deviceId,
        before: options.before ?? Number.MAX_SAFE_INTEGER,
        // without an id, `before` alone means strictly earlier than that time
        beforeId: options.before !== undefined && options.beforeId !== undefined ? options.beforeId : 0,
        limit: eventLimit(options.limit),
      })
      return rows.map(
        (row): StoredEvent => ({
          id: row.id,
          deviceId: row.device_id,
          ts: row.ts,
          type: row.type,
          data: JSON.parse(row.data) as Record<string, unknown>,
        }),
      )
    },
  }
}
