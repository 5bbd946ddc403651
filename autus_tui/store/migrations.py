"""The schema, as a list of forward migrations; ``PRAGMA user_version`` is its length.

Migration ``n`` (1-based) takes a database at version ``n - 1`` to ``n``. Never edit a
migration that has shipped: add a new one at the end (incidents, rollbacks...).
All pending migrations run in one ``BEGIN IMMEDIATE`` transaction that re-reads the
version first, so two processes opening a new file at once migrate it exactly once.
A new file (version 0) is not migrated step by step: it is created from ``store.schema``,
the SQL the migrations build, written by ``scripts/write_schema.py`` after a migration is
added (``tests/test_store_schema.py`` fails until then).

Version 1:
  events           append-only (triggers refuse UPDATE and DELETE): who did what, when.
                   ``at`` is clock time (simulated in rehearsal) as UTC ISO-8601;
                   ``detail`` is a JSON object.
  checklist_marks  the current state of each item that was ever marked, and the event
                   that set it.
  meta             key/value settings of this database (the rehearsal clock).

Version 2 (pairing, the recorder, the report):
  polls            one row per recorded poll (``store.samples``): clock time, readings as
                   JSON ``{key: number | "reason it was rejected"}``, health JSON, error;
                   ``stale_after`` = seconds (clock time) a value counts for at most.
  metric_minutes   per-minute, per-metric rollups of polls folded out of ``polls``
                   (count, sum, min, max, histogram at display precision, seconds in
                   WARN / CRIT, value-seconds), see ``core.rollup``.
  poll_minutes     per-minute counts of folded polls: polls, errors, health statuses.
  leases           named leases (one poller per database), times in real epoch seconds.
  presence         who is attached (operator, role, host, pid), real epoch seconds.

Version 3 (rollbacks, ``store.rollbacks``):
  rollback_runs    one row per run: who, when, why, conditions JSON, from/to, plan
                   fingerprint, rehearsal, state, runner pid/host/start/heartbeat (real
                   epoch seconds), cancel request, outcome, notice. A partial UNIQUE index
                   on ``state = 'running'`` is the lock: one running rollback per database.
  rollback_steps   the confirmed steps of a run (argv JSON, cwd, timeout) and each one's
                   result: state, exit code, duration (real seconds), pid, message.
  rollback_lines   every output line of a run, with its step, clock time and stream.
Version 4 (incidents and the escalation timer, the notification outbox):
  incidents        one row per declared incident: who declared it, when, severity,
                   situation and response as typed, the escalation policy copied in (JSON),
                   who acknowledged / resolved / reopened it and when (``store.incidents``).
  incident_levels  one row per level fired (``seq`` 0) or reminder (``seq`` 1, 2, ...);
                   UNIQUE (incident_id, level, seq): the row a process manages to insert
                   decides who notifies, so each fires once across all processes.
  outbox           notifications waiting for the team channel (``store.outbox``): text,
                   rehearsal or live, state, attempts, the next try and the claim of the
                   process sending it (real epoch seconds), the last error (host only).
Version 5 (downtime, ``core.outages``):
  polls.backend_down   1 when the backend's own Ops API gave no answer at all that poll
                       (other sources may have), 0 when it answered or is not read, NULL
                       for polls recorded before (judged on the whole poll).
  poll_minutes.runs    the minute's polls as runs of one state (out or not) as JSON
                       ``[[first, last, out, count, reason], ...]`` (clock epoch seconds),
                       so outages are timed to the poll after their raw polls are folded;
                       NULL for minutes folded before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from autus_tui.store import schema

if TYPE_CHECKING:  # imported only when a migration runs: an up-to-date file needs none
    import sqlite_utils

APPLICATION_ID = 0x41555453  # "AUTS": marks the file as ours (PRAGMA application_id)


class SchemaTooNew(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(f"schema version {version} is newer than {LATEST_VERSION}")
        self.version = version


def _v1_events_marks_meta(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            operator TEXT NOT NULL,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL DEFAULT '',
            detail TEXT NOT NULL DEFAULT '{}'
        )""")
    db.table("events").create_index(["kind"])
    db.table("events").create_index(["at"])
    for action in ("UPDATE", "DELETE"):
        db.execute(f"""
            CREATE TRIGGER events_append_only_{action.lower()} BEFORE {action} ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""")
    db.execute("""
        CREATE TABLE checklist_marks (
            item_id TEXT PRIMARY KEY,
            state TEXT NOT NULL CHECK (state IN ('open', 'done', 'na')),
            operator TEXT NOT NULL,
            at TEXT NOT NULL,
            reason TEXT,
            event_id INTEGER NOT NULL REFERENCES events(id)
        )""")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _v2_polls_leases_presence(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE polls (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            readings TEXT NOT NULL DEFAULT '{}',
            health TEXT,
            error TEXT,
            duration REAL NOT NULL DEFAULT 0,
            stale_after REAL NOT NULL DEFAULT 3
        )""")
    db.table("polls").create_index(["at"])
    db.execute("""
        CREATE TABLE metric_minutes (
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
        ) WITHOUT ROWID""")
    db.execute("""
        CREATE TABLE poll_minutes (
            minute TEXT PRIMARY KEY,
            polls INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            health TEXT NOT NULL
        ) WITHOUT ROWID""")
    db.execute("""
        CREATE TABLE leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            acquired REAL NOT NULL,
            heartbeat REAL NOT NULL,
            expires REAL NOT NULL
        )""")
    db.execute("""
        CREATE TABLE presence (
            id TEXT PRIMARY KEY,
            operator TEXT NOT NULL,
            role TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            started REAL NOT NULL,
            seen REAL NOT NULL
        )""")


def _v3_rollbacks(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE rollback_runs (
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
        )""")
    db.execute("CREATE UNIQUE INDEX rollback_runs_one_running ON rollback_runs (state)"
               " WHERE state = 'running'")
    db.execute("""
        CREATE TABLE rollback_steps (
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
        )""")
    db.execute("""
        CREATE TABLE rollback_lines (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES rollback_runs(id),
            step INTEGER,
            at TEXT NOT NULL,
            stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'system')),
            text TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX rollback_lines_run ON rollback_lines (run_id, id)")
def _v4_incidents_outbox(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE incidents (
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
        )""")
    db.table("incidents").create_index(["resolved_at"])
    db.execute("""
        CREATE TABLE incident_levels (
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
        )""")
    db.execute("""
        CREATE TABLE outbox (
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
        )""")
    db.table("outbox").create_index(["state", "next_try"])
    db.table("outbox").create_index(["subject"])


def _v5_downtime(db: sqlite_utils.Database) -> None:
    # Plain added columns are what sqlite-utils' table API is for; the tables above keep
    # their SQL for what it cannot say (CHECK constraints, a partial unique index).
    db.table("polls").add_column("backend_down", int)
    db.table("poll_minutes").add_column("runs", str)


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1_events_marks_meta,
    _v2_polls_leases_presence,
    _v3_rollbacks,
    _v4_incidents_outbox,
    _v5_downtime,
]
LATEST_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to LATEST_VERSION; return the version it had before."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > LATEST_VERSION:
            raise SchemaTooNew(version)
        if version == 0 and schema.VERSION == LATEST_VERSION:
            # A new file: the schema the migrations build, as SQL (``store.schema``), so
            # the start of a fresh day needs none of sqlite-utils' imports (~35 ms, ~3 MB).
            for statement in schema.STATEMENTS:
                conn.execute(statement)
        elif version < LATEST_VERSION:
            import sqlite_utils

            db = sqlite_utils.Database(conn, execute_plugins=False)
            for number in range(version, LATEST_VERSION):
                MIGRATIONS[number](db)
        if version < LATEST_VERSION:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {LATEST_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return int(version)


def schema_statements(conn: sqlite3.Connection) -> list[str]:
    """The SQL that creates ``conn``'s schema, in the order it was created."""
    return [row[0] for row in conn.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        " ORDER BY rowid")]


def migrated_schema(through: int = LATEST_VERSION) -> list[str]:
    """The schema an empty database has after migrations 1..``through``, step by step."""
    import sqlite_utils

    conn = sqlite3.connect(":memory:")
    db = sqlite_utils.Database(conn, execute_plugins=False)
    for migration in MIGRATIONS[:through]:
        migration(db)
    statements = schema_statements(conn)
    conn.close()
    return statements
