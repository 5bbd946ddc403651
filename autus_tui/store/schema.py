"""The latest schema as SQL: what a new database file is created from (``migrations``).

Written by ``scripts/write_schema.py`` from the migrations; do not edit by hand.
``tests/test_store_schema.py`` checks that it still equals what the migrations build.
"""

VERSION = 5
STATEMENTS = (
    """CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    operator TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '{}'
)""",
    """CREATE INDEX "idx_events_kind"
    ON "events" ("kind")""",
    """CREATE INDEX "idx_events_at"
    ON "events" ("at")""",
    """CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
    """CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
    """CREATE TABLE checklist_marks (
    item_id TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('open', 'done', 'na')),
    operator TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT,
    event_id INTEGER NOT NULL REFERENCES events(id)
)""",
    """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE polls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    readings TEXT NOT NULL DEFAULT '{}',
    health TEXT,
    error TEXT,
    duration REAL NOT NULL DEFAULT 0,
    stale_after REAL NOT NULL DEFAULT 3
    , "backend_down" INTEGER)""",
    """CREATE INDEX "idx_polls_at"
    ON "polls" ("at")""",
    """CREATE TABLE metric_minutes (
    minute TEXT NOT NULL,
    key TEXT NOT NULL,
    count INTEGER NOT NULL,
    sum REAL NOT NULL,
    min REAL NOT NULL,
    max REAL NOT NULL,
    hist TEXT NOT NULL,
    warn_s REAL NOT NULL,
    crit_s REAL NOT NULL,
    area REAL NOT NULL,
    PRIMARY KEY (minute, key)
) WITHOUT ROWID""",
    """CREATE TABLE poll_minutes (
    minute TEXT PRIMARY KEY,
    polls INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    health TEXT NOT NULL
    , "runs" TEXT) WITHOUT ROWID""",
    """CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    acquired REAL NOT NULL,
    heartbeat REAL NOT NULL,
    expires REAL NOT NULL
)""",
    """CREATE TABLE presence (
    id TEXT PRIMARY KEY,
    operator TEXT NOT NULL,
    role TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started REAL NOT NULL,
    seen REAL NOT NULL
)""",
    """CREATE TABLE rollback_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_by TEXT NOT NULL,
    started_at TEXT NOT NULL,
    reason TEXT NOT NULL,
    conditions TEXT NOT NULL DEFAULT '[]',
    from_version TEXT NOT NULL,
    target TEXT NOT NULL,
    repo TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    rehearsal INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN
    ('running', 'succeeded', 'failed', 'cancelled', 'unknown')),
    runner_pid INTEGER,
    runner_host TEXT NOT NULL DEFAULT '',
    runner_started REAL,
    heartbeat REAL,
    cancel_requested_by TEXT NOT NULL DEFAULT '',
    cancel_requested_at TEXT,
    ended_at TEXT,
    outcome TEXT NOT NULL DEFAULT '',
    notice TEXT NOT NULL DEFAULT ''
)""",
    """CREATE UNIQUE INDEX rollback_runs_one_running ON rollback_runs (state) WHERE state = 'running'""",
    """CREATE TABLE rollback_steps (
    run_id INTEGER NOT NULL REFERENCES rollback_runs(id),
    step INTEGER NOT NULL,
    name TEXT NOT NULL,
    argv TEXT NOT NULL,
    cwd TEXT NOT NULL,
    timeout REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running',
    'succeeded', 'failed', 'timeout', 'cancelled', 'skipped', 'unknown')),
    started_at TEXT,
    ended_at TEXT,
    exit_code INTEGER,
    duration REAL,
    pid INTEGER,
    message TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, step)
)""",
    """CREATE TABLE rollback_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES rollback_runs(id),
    step INTEGER,
    at TEXT NOT NULL,
    stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'system')),
    text TEXT NOT NULL
)""",
    """CREATE INDEX rollback_lines_run ON rollback_lines (run_id, id)""",
    """CREATE TABLE incidents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    declared_at TEXT NOT NULL,
    declared_by TEXT NOT NULL,
    severity TEXT NOT NULL,
    situation TEXT NOT NULL,
    response TEXT NOT NULL DEFAULT '',
    policy TEXT NOT NULL,
    rehearsal INTEGER NOT NULL DEFAULT 0,
    acknowledged_by TEXT,
    acknowledged_at TEXT,
    resolved_by TEXT,
    resolved_at TEXT,
    resolution TEXT,
    reopened_by TEXT,
    reopened_at TEXT,
    reopen_from INTEGER NOT NULL DEFAULT -1,
    reopens INTEGER NOT NULL DEFAULT 0,
    event_id INTEGER REFERENCES events(id)
)""",
    """CREATE INDEX "idx_incidents_resolved_at"
    ON "incidents" ("resolved_at")""",
    """CREATE TABLE incident_levels (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    level INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    due TEXT NOT NULL,
    at TEXT NOT NULL,
    late INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL,
    by TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    event_id INTEGER REFERENCES events(id),
    UNIQUE (incident_id, level, seq)
)""",
    """CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    rehearsal INTEGER NOT NULL DEFAULT 0,
    dedupe TEXT UNIQUE,
    state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'sent', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0,
    claimed_by TEXT,
    claim_until REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    done_at TEXT
)""",
    """CREATE INDEX "idx_outbox_state_next_try"
    ON "outbox" ("state", "next_try")""",
    """CREATE INDEX "idx_outbox_subject"
    ON "outbox" ("subject")""",
)
