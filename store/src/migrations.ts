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
  // 2: identity and access. Roles are checked by the store (isUserRole), not by a CHECK: adding a role must not
  // need a table rebuild. The audit log names sites, users and devices without foreign keys: it outlives them.
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE CHECK (username = lower(username)),
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (json_valid(scope)),
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX users_role ON users (role);

  -- only the SHA-256 of a session token is kept: a copy of the file does not let anyone in
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ip TEXT,
    user_agent TEXT
  ) STRICT;
  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE INDEX sessions_expires ON sessions (expires_at);

  -- AUTOINCREMENT: an id is never handed out twice, so a gap or a reuse cannot hide a removed entry
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts INTEGER NOT NULL,
    actor_type TEXT NOT NULL CHECK (actor_type IN ('user', 'device', 'service', 'system', 'anonymous')),
    actor_id TEXT,
    actor_name TEXT,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
    site_id TEXT,
    target_type TEXT,
    target_id TEXT,
    ip TEXT,
    detail TEXT CHECK (detail IS NULL OR json_valid(detail)),
    value_before TEXT CHECK (value_before IS NULL OR json_valid(value_before)),
    value_after TEXT CHECK (value_after IS NULL OR json_valid(value_after))
  ) STRICT;
  CREATE INDEX audit_log_ts ON audit_log (ts, id);
  CREATE INDEX audit_log_actor_ts ON audit_log (actor_id, ts);
  CREATE INDEX audit_log_site_ts ON audit_log (site_id, ts);
  CREATE INDEX audit_log_action_ts ON audit_log (action, ts);

  -- append-only whoever writes, not only through the store. An UPSERT fires the UPDATE trigger; INSERT OR REPLACE
  -- deletes without firing DELETE triggers (unless recursive_triggers is on), hence the third trigger.
  -- This guards against mistakes and bugs, not against someone who can edit the file or drop the triggers.
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
  CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
  WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
  BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
  `,
  // 3: QoS 1 lets the broker deliver an event twice (ingest reconnecting, a restart before the PUBACK). Two events of
  // one device with the same time, type and data are the same event: the second is ignored. Duplicates already
  // stored go first, the oldest copy stays.
  `
  DELETE FROM device_events WHERE id NOT IN (
    SELECT min(id) FROM device_events GROUP BY device_id, ts, type, data
  );
  CREATE UNIQUE INDEX device_events_identity ON device_events (device_id, ts, type, data);
  `,
  // 4: alarms. One row per (device, rule), for good: the state machine lives in alarms.ts; the journal is append-only
  // like the audit log; rule overrides change a catalog rule's numbers for a site or one device ('' for all).
  `
  CREATE TABLE alarms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    rule_id TEXT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    acknowledged INTEGER NOT NULL CHECK (acknowledged IN (0, 1)),
    condition_active INTEGER NOT NULL CHECK (condition_active IN (0, 1)),
    latched INTEGER NOT NULL CHECK (latched IN (0, 1)),
    ack_required INTEGER NOT NULL CHECK (ack_required IN (0, 1)),
    count INTEGER NOT NULL CHECK (count >= 0),
    raised_at INTEGER,
    last_raised_at INTEGER,
    cleared_at INTEGER,
    acknowledged_at INTEGER,
    acknowledged_by TEXT,
    value TEXT CHECK (value IS NULL OR json_valid(value)),
    shelve_kind TEXT CHECK (shelve_kind IN ('timed', 'one-shot')),
    shelved_until INTEGER,
    shelve_reason TEXT,
    shelved_by TEXT,
    shelved_at INTEGER,
    oos_until INTEGER,
    oos_reason TEXT,
    oos_by TEXT,
    oos_at INTEGER,
    suppressed_by_design INTEGER NOT NULL DEFAULT 0 CHECK (suppressed_by_design IN (0, 1)),
    updated_at INTEGER NOT NULL,
    UNIQUE (device_id, rule_id),
    -- a condition that holds keeps its alarm active; a timed shelve has an end; a one-shot one has none
    CHECK (condition_active = 0 OR active = 1),
    CHECK (shelve_kind IS NULL OR (shelve_kind = 'timed') = (shelved_until IS NOT NULL))
  ) STRICT;
  CREATE INDEX alarms_open ON alarms (active, acknowledged);

  CREATE TABLE alarm_journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alarm_id INTEGER NOT NULL REFERENCES alarms (id) ON DELETE CASCADE,
    site_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    priority TEXT NOT NULL,
    ts INTEGER NOT NULL,
    transition TEXT NOT NULL,
    user_id TEXT,
    user_name TEXT,
    detail TEXT CHECK (detail IS NULL OR json_valid(detail))
  ) STRICT;
  CREATE INDEX alarm_journal_alarm ON alarm_journal (alarm_id, id);
  CREATE INDEX alarm_journal_site_ts ON alarm_journal (site_id, ts);
  CREATE INDEX alarm_journal_device_ts ON alarm_journal (device_id, ts);
  CREATE TRIGGER alarm_journal_no_update BEFORE UPDATE ON alarm_journal
  BEGIN SELECT RAISE(ABORT, 'alarm journal is append-only'); END;
  CREATE TRIGGER alarm_journal_no_replace BEFORE INSERT ON alarm_journal
  WHEN EXISTS (SELECT 1 FROM alarm_journal WHERE id = NEW.id)
  BEGIN SELECT RAISE(ABORT, 'alarm journal is append-only'); END;

  CREATE TABLE alarm_rule_overrides (
    site_id TEXT NOT NULL REFERENCES sites (id),
    rule_id TEXT NOT NULL,
    device_id TEXT NOT NULL DEFAULT '',
    settings TEXT NOT NULL CHECK (json_valid(settings)),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (site_id, rule_id, device_id)
  ) STRICT;
  `,
]
