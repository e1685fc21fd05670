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
  // 5: work orders, their timeline and photos, SLA policies, technicians' trades, PM plans and schedules. The partial
  // UNIQUE indexes hold "one open work order per (device, rule)" for alarms and per (plan, device) for PM whoever
  // writes: an INSERT that would break them does nothing (work-orders.ts). A site-level PM plan has device ''.
  `
  CREATE TABLE pm_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    site_id TEXT NOT NULL REFERENCES sites (id),
    template_id TEXT,
    title TEXT NOT NULL CHECK (json_valid(title)),
    category TEXT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
    device_id TEXT REFERENCES devices (id),
    kind TEXT,
    device_match TEXT CHECK (device_match IS NULL OR json_valid(device_match)),
    every_days INTEGER CHECK (every_days > 0),
    calendar TEXT NOT NULL DEFAULT 'fixed' CHECK (calendar IN ('fixed', 'floating')),
    usage_field TEXT,
    usage_every REAL CHECK (usage_every > 0),
    checklist TEXT NOT NULL CHECK (json_valid(checklist)),
    basis TEXT,
    mandatory INTEGER NOT NULL CHECK (mandatory IN (0, 1)),
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    UNIQUE (site_id, template_id),
    CHECK (every_days IS NOT NULL OR usage_field IS NOT NULL),
    CHECK ((usage_field IS NULL) = (usage_every IS NULL))
  ) STRICT;

  -- base_at anchors the calendar: due at base_at + every_days (plan creation, then the last due or completion)
  CREATE TABLE pm_schedules (
    plan_id INTEGER NOT NULL REFERENCES pm_plans (id) ON DELETE CASCADE,
    device_id TEXT NOT NULL,
    base_at INTEGER NOT NULL,
    last_done_at INTEGER,
    usage_base REAL,
    PRIMARY KEY (plan_id, device_id)
  ) STRICT;

  CREATE TABLE work_orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL,
    site_id TEXT NOT NULL REFERENCES sites (id),
    building_id TEXT,
    room_id TEXT,
    device_id TEXT REFERENCES devices (id),
    unit TEXT,
    resident TEXT CHECK (resident IS NULL OR json_valid(resident)),
    origin TEXT NOT NULL CHECK (origin IN ('alarm', 'pm', 'request', 'guard', 'inspection', 'complaint')),
    category TEXT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
    state TEXT NOT NULL CHECK (state IN ('new', 'triaged', 'assigned', 'accepted', 'in_progress', 'on_hold',
      'resolved', 'verified', 'cancelled', 'rejected')),
    title TEXT NOT NULL,
    description TEXT,
    alarm_id INTEGER REFERENCES alarms (id) ON DELETE SET NULL,
    rule_id TEXT,
    retriggers INTEGER NOT NULL DEFAULT 0 CHECK (retriggers >= 0),
    pm_plan_id INTEGER REFERENCES pm_plans (id),
    pm_due_at INTEGER,
    parent_id INTEGER REFERENCES work_orders (id),
    parent_item_id TEXT,
    assignee TEXT REFERENCES users (username),
    created_by TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    hold_reason TEXT CHECK (hold_reason IN ('parts', 'resident', 'contractor', 'approval')),
    hold_since INTEGER,
    hold_note TEXT,
    resolution TEXT CHECK (resolution IS NULL OR json_valid(resolution)),
    resolved_at INTEGER,
    verified_at INTEGER,
    first_time_pass INTEGER NOT NULL DEFAULT 1 CHECK (first_time_pass IN (0, 1)),
    rework INTEGER NOT NULL DEFAULT 0 CHECK (rework IN (0, 1)),
    escalated_at INTEGER,
    sla_targets TEXT NOT NULL CHECK (json_valid(sla_targets)),
    checklist TEXT CHECK (checklist IS NULL OR json_valid(checklist)),
    checklist_results TEXT CHECK (checklist_results IS NULL OR json_valid(checklist_results)),
    FOREIGN KEY (site_id, building_id) REFERENCES buildings (site_id, id),
    FOREIGN KEY (site_id, room_id) REFERENCES rooms (site_id, id),
    CHECK ((state = 'on_hold') = (hold_reason IS NOT NULL)),
    CHECK (origin != 'alarm' OR (device_id IS NOT NULL AND rule_id IS NOT NULL)),
    CHECK (origin != 'pm' OR pm_plan_id IS NOT NULL)
  ) STRICT;
  CREATE UNIQUE INDEX work_orders_number ON work_orders (site_id, number);
  CREATE UNIQUE INDEX work_orders_open_alarm ON work_orders (device_id, rule_id)
    WHERE origin = 'alarm' AND state IN ('new', 'triaged', 'assigned', 'accepted', 'in_progress', 'on_hold', 'resolved');
  CREATE UNIQUE INDEX work_orders_open_pm ON work_orders (pm_plan_id, coalesce(device_id, ''))
    WHERE origin = 'pm' AND state IN ('new', 'triaged', 'assigned', 'accepted', 'in_progress', 'on_hold', 'resolved');
  -- a failed checklist item opens one corrective work order, however often its work order is resolved
  CREATE UNIQUE INDEX work_orders_corrective ON work_orders (parent_id, parent_item_id)
    WHERE parent_item_id IS NOT NULL;
  CREATE INDEX work_orders_site_created ON work_orders (site_id, created_at);
  CREATE INDEX work_orders_state ON work_orders (state);
  CREATE INDEX work_orders_assignee ON work_orders (assignee, state);
  CREATE INDEX work_orders_device ON work_orders (device_id, created_at);

  CREATE TABLE work_order_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_order_id INTEGER NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    by_name TEXT NOT NULL,
    by_username TEXT,
    note TEXT,
    detail TEXT CHECK (detail IS NULL OR json_valid(detail))
  ) STRICT;
  CREATE INDEX work_order_events_order ON work_order_events (work_order_id, id);
  CREATE TRIGGER work_order_events_no_update BEFORE UPDATE ON work_order_events
  BEGIN SELECT RAISE(ABORT, 'the work-order timeline is append-only'); END;
  CREATE TRIGGER work_order_events_no_replace BEFORE INSERT ON work_order_events
  WHEN EXISTS (SELECT 1 FROM work_order_events WHERE id = NEW.id)
  BEGIN SELECT RAISE(ABORT, 'the work-order timeline is append-only'); END;

  CREATE TABLE work_order_photos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_order_id INTEGER NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes BLOB NOT NULL CHECK (length(bytes) BETWEEN 1 AND 5242880),
    at INTEGER NOT NULL,
    by_name TEXT NOT NULL,
    by_username TEXT
  ) STRICT;
  CREATE INDEX work_order_photos_order ON work_order_photos (work_order_id, id);

  CREATE TABLE sla_policies (
    site_id TEXT NOT NULL REFERENCES sites (id),
    category TEXT NOT NULL,
    priority TEXT NOT NULL CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
    targets TEXT NOT NULL CHECK (json_valid(targets)),
    updated_at INTEGER NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (site_id, category, priority)
  ) STRICT;

  CREATE TABLE user_trades (
    username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    category TEXT NOT NULL,
    PRIMARY KEY (username, category)
  ) STRICT;
  `,
]
