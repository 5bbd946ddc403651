"""The recorded day as it stood at a moment: a store whose every read is "as of T".

``ReplayStore(path)`` is a ``ReadOnlyStore`` (a private in-memory copy, ``store.readonly``)
with a cursor: ``move_to(at)`` and from then on every read of every existing reader (the
incident board, the handover, the timeline, the checklist marks, the polls, the report)
sees the day as it was at ``at``, with nothing recorded later. How: in the connection's
``temp`` schema, which SQLite searches before ``main`` for an unqualified name, each table
is shadowed by

- a view of the rows recorded up to the cursor, for what is only ever appended:
  ``events``, ``polls`` and ``incident_levels`` (clock time ``at`` <= T),
  ``rollback_lines``, and the minute rollups ``metric_minutes`` / ``poll_minutes`` of the
  minutes before T's minute (a minute folded is summed whole: the one T is in would show
  later values);
- a table rebuilt at each move, for what is updated in place:
  ``checklist_marks`` from the ``checklist.done`` / ``.na`` / ``.undo`` events up to T
  (the item's last one that changed it, as ``store.checklist`` writes them);
  ``incidents`` declared by T, acknowledged / resolved / reopened by the events up to T;
  ``rollback_runs`` and ``rollback_steps`` started by T, running when they ended later;
  ``outbox`` notices made by T, pending when they were delivered later;
  ``leases`` and ``presence`` empty (nobody is attached to a replay, nobody polls).

``meta`` is read as it is. A move is one short transaction on the temp schema (the copy
stays ``query_only`` otherwise). ``recorded_span`` gives the first and last recorded
moment, ignoring the cursor. Not thread-safe beyond ``Store``'s read lock, which a move
holds too.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from autus_tui.core.clock import Clock
from autus_tui.store.events import from_text, to_text
from autus_tui.store.readonly import ReadOnlyStore

APPENDED = {
    "events": "at <= (SELECT at FROM temp.replay_cursor)",
    "polls": "at <= (SELECT at FROM temp.replay_cursor)",
    "incident_levels": "at <= (SELECT at FROM temp.replay_cursor)",
    "rollback_lines": "at <= (SELECT at FROM temp.replay_cursor)",
    "metric_minutes": "minute < (SELECT minute FROM temp.replay_cursor)",
    "poll_minutes": "minute < (SELECT minute FROM temp.replay_cursor)",
}
REBUILT = ("checklist_marks", "incidents", "rollback_runs", "rollback_steps", "outbox",
           "leases", "presence")
MARK_KINDS = ("checklist.done", "checklist.na", "checklist.undo")
INCIDENT_KINDS = ("incident.acknowledge", "incident.resolve", "incident.reopen")
_INCIDENT_COLUMNS = ("id, declared_at, declared_by, severity, situation, response, policy,"
                     " rehearsal, acknowledged_by, acknowledged_at, resolved_by, resolved_at,"
                     " resolution, reopened_by, reopened_at, reopen_from, reopens, event_id")


class ReplayStore(ReadOnlyStore):
    def __init__(self, path: str | Path, clock: Clock | None = None) -> None:
        super().__init__(path, clock)
        self.cursor: datetime | None = None
        """Where the reads stand; ``None``: not moved yet (everything recorded)."""
        self.moves = 0
        with self.read() as conn:
            conn.execute("PRAGMA query_only = OFF")
            try:
                _install(conn)
            finally:
                conn.execute("PRAGMA query_only = ON")

    def move_to(self, at: datetime) -> None:
        """From now on every read sees the day as it was at ``at``."""
        with self.read() as conn:
            conn.execute("PRAGMA query_only = OFF")
            try:
                conn.execute("BEGIN")
                try:
                    _rebuild(conn, to_text(at))
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            finally:
                conn.execute("PRAGMA query_only = ON")
        self.cursor = at
        self.moves += 1

    def data_version(self) -> int:
        """Changes with every move (nothing else can change this copy)."""
        return self.moves

    def recorded_span(self) -> tuple[datetime, datetime] | None:
        """The first and the last moment anything was recorded (whatever the cursor)."""
        with self.read() as conn:
            rows = conn.execute(
                "SELECT min(at), max(at) FROM main.events UNION ALL"
                " SELECT min(at), max(at) FROM main.polls UNION ALL"
                " SELECT min(minute), max(minute) FROM main.poll_minutes").fetchall()
        moments = [_moment(text) for row in rows for text in row if text]
        return (min(moments), max(moments)) if moments else None


def _moment(text: str) -> datetime:
    if len(text) == 16:  # a rollup's minute, "2026-11-27T00:05"
        text += ":00+00:00"
    return from_text(text)


def _install(conn: Any) -> None:
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("CREATE TEMP TABLE replay_cursor (at TEXT NOT NULL, minute TEXT NOT NULL)")
    conn.execute("INSERT INTO temp.replay_cursor VALUES ('9999', '9999')")
    for table, where in APPENDED.items():
        conn.execute(f"CREATE TEMP VIEW {table} AS SELECT * FROM main.{table} WHERE {where}")
    for table in REBUILT:
        conn.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM main.{table} WHERE 0")
        conn.execute(f"INSERT INTO temp.{table} SELECT * FROM main.{table}")


def _rebuild(conn: Any, at: str) -> None:
    conn.execute("UPDATE temp.replay_cursor SET at = ?, minute = ?", (at, at[:16]))
    for table in REBUILT:
        conn.execute(f"DELETE FROM temp.{table}")
    kinds = ", ".join(f"'{kind}'" for kind in MARK_KINDS)
    conn.execute(
        "INSERT INTO temp.checklist_marks (item_id, state, operator, at, reason, event_id)"
        " SELECT subject, json_extract(detail, '$.state'), operator, at,"
        " json_extract(detail, '$.reason'), id FROM main.events WHERE id IN ("
        f"  SELECT max(id) FROM main.events WHERE kind IN ({kinds}) AND at <= ?"
        "   AND NOT coalesce(json_extract(detail, '$.already'), 0) GROUP BY subject)", (at,))
    _incidents(conn, at)
    conn.execute(
        "INSERT INTO temp.rollback_runs SELECT id, started_by, started_at, reason, conditions,"
        " from_version, target, repo, fingerprint, rehearsal,"
        " CASE WHEN ended_at <= :at THEN state ELSE 'running' END, runner_pid, runner_host,"
        " runner_started, heartbeat,"
        " CASE WHEN cancel_requested_at <= :at THEN cancel_requested_by ELSE '' END,"
        " CASE WHEN cancel_requested_at <= :at THEN cancel_requested_at END,"
        " CASE WHEN ended_at <= :at THEN ended_at END,"
        " CASE WHEN ended_at <= :at THEN outcome ELSE '' END,"
        " CASE WHEN ended_at <= :at THEN notice ELSE '' END"
        " FROM main.rollback_runs WHERE started_at <= :at", {"at": at})
    conn.execute(
        "INSERT INTO temp.rollback_steps SELECT s.run_id, s.step, s.name, s.argv, s.cwd,"
        " s.timeout,"
        " CASE WHEN s.started_at <= :at AND s.ended_at <= :at THEN s.state"
        "  WHEN s.started_at <= :at THEN 'running'"
        "  WHEN r.ended_at <= :at THEN s.state ELSE 'pending' END,"
        " CASE WHEN s.started_at <= :at THEN s.started_at END,"
        " CASE WHEN s.ended_at <= :at THEN s.ended_at END,"
        " CASE WHEN s.ended_at <= :at THEN s.exit_code END,"
        " CASE WHEN s.ended_at <= :at THEN s.duration END,"
        " CASE WHEN s.started_at <= :at THEN s.pid END,"
        " CASE WHEN s.ended_at <= :at THEN s.message ELSE '' END"
        " FROM main.rollback_steps s JOIN main.rollback_runs r ON r.id = s.run_id"
        " WHERE r.started_at <= :at", {"at": at})
    conn.execute(
        "INSERT INTO temp.outbox SELECT id, created_at, subject, text, rehearsal, dedupe,"
        " CASE WHEN done_at <= :at THEN state ELSE 'pending' END, attempts, next_try,"
        " claimed_by, claim_until, CASE WHEN done_at <= :at THEN last_error END,"
        " CASE WHEN done_at <= :at THEN done_at END"
        " FROM main.outbox WHERE created_at <= :at", {"at": at})


def _incidents(conn: Any, at: str) -> None:
    """Incidents declared by ``at``, each as its events up to ``at`` left it (the same
    changes ``store.incidents`` makes to the row)."""
    rows = {row[0]: list(row) for row in conn.execute(
        f"SELECT {_INCIDENT_COLUMNS} FROM main.incidents WHERE declared_at <= ?", (at,))}
    for row in rows.values():
        row[8:17] = [None, None, None, None, None, None, None, -1, 0]
    kinds = ", ".join(f"'{kind}'" for kind in INCIDENT_KINDS)
    for subject, kind, operator, when, detail_text in conn.execute(
            "SELECT subject, kind, operator, at, detail FROM main.events"
            f" WHERE kind IN ({kinds}) AND at <= ? ORDER BY id", (at,)):
        found = rows.get(int(subject)) if str(subject).isdigit() else None
        detail = _detail(detail_text)
        if found is None or detail.get("already"):
            continue
        row = found
        if kind == "incident.acknowledge":
            row[8], row[9] = operator, when
        elif kind == "incident.resolve":
            row[10], row[11], row[12] = operator, when, str(detail.get("resolution", ""))
        else:  # reopen: resolution and owner cleared, the ladder goes on from a level
            row[8:13] = [None, None, None, None, None]
            row[13], row[14] = operator, when
            row[15] = int(detail.get("from_level", -1))
            row[16] += 1
    marks = ", ".join("?" for _ in range(18))
    conn.executemany(f"INSERT INTO temp.incidents ({_INCIDENT_COLUMNS}) VALUES ({marks})",
                     list(rows.values()))


def _detail(text: str) -> dict[str, Any]:
    try:
        doc = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}
