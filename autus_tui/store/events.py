"""The append-only event log: who did what, when, with details.

Every write of the store appends one event in the same transaction as the state it
changes, so the timeline and the report (which read only this table) always agree with
the current state. Ids only grow (AUTOINCREMENT, and triggers forbid UPDATE and
DELETE), so ``events_since(last_id)`` is a complete incremental read.

Kinds are dotted words, the first part naming the area: ``checklist.done``,
``checklist.na``, ``checklist.undo``, ``checklist.verify`` (the UI's ``v``),
``clock.start``, ``clock.set``, ``clock.speed`` (``store.meta``), ``note``, ``handover``
(``store.notes``), ``poller.start``, ``poller.stop`` (``store.lease``), ``metric.level``
(``recorder``), ``incident.declare`` / ``.acknowledge`` / ``.level`` / ``.escalate`` /
``.reminder`` / ``.resolve`` / ``.reopen`` (``store.incidents``), ``notify.sent`` /
``.retry`` / ``.failed`` / ``.skipped`` (``store.outbox``); rollbacks will add ``rollback.*``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from autus_tui.core.text import operator_name


@dataclass(frozen=True)
class Event:
    id: int
    at: datetime
    """Clock time (UTC, aware) when it happened: simulated time in rehearsal."""
    operator: str
    kind: str
    subject: str = ""
    """What it is about: an item id, an incident id, ..."""
    detail: Mapping[str, Any] = field(default_factory=dict)


def to_text(at: datetime) -> str:
    """UTC ISO-8601 with microseconds: fixed width, so text order is time order."""
    if at.tzinfo is None:
        raise ValueError("event times must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def append(
    conn: sqlite3.Connection, at: datetime, operator: str, kind: str, subject: str = "",
    detail: Mapping[str, Any] | None = None,
) -> Event:
    """Insert one event (the caller holds the write transaction)."""
    if not kind:
        raise ValueError("an event needs a kind")
    body = dict(detail or {})
    operator = operator_name(operator)  # cleaned and capped where it is stored
    cursor = conn.execute(
        "INSERT INTO events (at, operator, kind, subject, detail) VALUES (?, ?, ?, ?, ?)",
        (to_text(at), operator, kind, subject, json.dumps(body, ensure_ascii=False)),
    )
    return Event(int(cursor.lastrowid or 0), at.astimezone(UTC), operator, kind, subject, body)


_COLUMNS = "id, at, operator, kind, subject, detail"


def from_row(row: Sequence[Any]) -> Event:
    event_id, at, operator, kind, subject, detail = row
    try:
        body = json.loads(detail)
    except (TypeError, ValueError):
        body = {"unreadable": str(detail)}
    if not isinstance(body, dict):
        body = {"value": body}
    return Event(int(event_id), from_text(at), operator, kind, subject, body)


def since(conn: sqlite3.Connection, last_id: int, limit: int | None = None) -> list[Event]:
    """Events with id > last_id, oldest first."""
    sql = f"SELECT {_COLUMNS} FROM events WHERE id > ? ORDER BY id"
    params: list[Any] = [last_id]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [from_row(row) for row in conn.execute(sql, params)]


def newest_first(
    conn: sqlite3.Connection,
    *,
    kinds: Sequence[str] | None = None,
    kind_prefix: str | None = None,
    operator: str | None = None,
    before_id: int | None = None,
    limit: int = 500,
) -> list[Event]:
    """The timeline: newest first, filtered by exact kinds, a kind prefix, an operator."""
    clauses: list[str] = []
    params: list[Any] = []
    if kinds:
        clauses.append(f"kind IN ({', '.join('?' for _ in kinds)})")
        params.extend(kinds)
    if kind_prefix:
        clauses.append("substr(kind, 1, ?) = ?")
        params.extend([len(kind_prefix), kind_prefix])
    if operator is not None:
        clauses.append("operator = ?")
        params.append(operator)
    if before_id is not None:
        clauses.append("id < ?")
        params.append(before_id)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"SELECT {_COLUMNS} FROM events {where} ORDER BY id DESC LIMIT ?"
    return [from_row(row) for row in conn.execute(sql, [*params, limit])]


def last_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])


def distinct(conn: sqlite3.Connection, column: str) -> list[str]:
    """Every kind or operator seen, for the timeline's filters."""
    if column not in ("kind", "operator"):
        raise ValueError(f"not a filter column: {column}")
    return [row[0] for row in conn.execute(f"SELECT DISTINCT {column} FROM events ORDER BY 1")]
