/**
 * Schema of the operational database (`fm.db`), one step per version. Append new steps; never edit a released one.
 *
 * Tables are STRICT so that a value of the wrong type is refused by SQLite itself, whoever writes.
 * Buildings and rooms are identified within their site (manifest ids are unique within their list);
 * device ids are global because they are the MQTT username.
 */
export const OPERATIONAL_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sites (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT,
    timezone TEXT NOT NULL,
    city TEXT,
    address TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE buildings (
    site_id TEXT NOT NULL REFERENCES sites (id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    floors INTEGER,
    PRIMARY KEY (site_id, id)
  ) STRICT;

  CREATE TABLE rooms (
    site_id TEXT NOT NULL REFERENCES sites (id),
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    type TEXT NOT NULL,
    building_id TEXT,
    PRIMARY KEY (site_id, id),
    FOREIGN KEY (site_id, building_id) REFERENCES buildings (site_id, id)
  ) STRICT;

  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    building_id TEXT,
    room_id TEXT,
    attributes TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
    report_interval_sec INTEGER NOT NULL CHECK (report_interval_sec > 0),
    password_hash TEXT NOT NULL,
    credentials_updated_at INTEGER NOT NULL,
    revoked_at INTEGER,
    created_at INTEGER NOT NULL,
    FOREIGN KEY (site_id, building_id) REFERENCES buildings (site_id, id),
    FOREIGN KEY (site_id, room_id) REFERENCES rooms (site_id, id)
  ) STRICT;
  CREATE INDEX devices_site ON devices (site_id);

  -- one row per device, created with it, so that ingest only ever UPDATEs
  CREATE TABLE device_state (
    device_id TEXT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
    online INTEGER NOT NULL DEFAULT 0,
    last_seen INTEGER,
    field_values TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(field_values)),
    values_ts INTEGER,
    status_ts INTEGER
  ) STRICT;

  -- plate numbers, guard ids and fire points are unbounded tags: they live here, not in the time series
  CREATE TABLE device_events (
    id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    ts INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL CHECK (json_valid(data))
  ) STRICT;
  CREATE INDEX device_events_device_ts ON device_events (device_id, ts);
  `,
]
