"""Incidents as stored, and the read model screens render (``IncidentView``).

An ``Incident`` is one ``incidents`` row with its fired levels (``incident_levels``), as
typed frozen values; ``state`` gives the ``core.escalation.LadderState`` the ladder is
computed from. ``open_views(store, now)`` is what a screen needs for every unresolved
incident: the record, its ladder rows (level, who, fires at, countdown, state), the time
since it was declared and the delivery state of its notices. Text is returned exactly as
typed (markup, escapes and all): showing it literally is the UI's job (``ui.safe``).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from autus_tui.core.escalation import (
    LATE_GRACE,
    EscalationPolicy,
    Firing,
    Ladder,
    LadderLevel,
    LadderState,
    ladder,
)
from autus_tui.core.escalation_config import policy_from_json
from autus_tui.store import outbox
from autus_tui.store.events import from_text
from autus_tui.store.outbox import DeliverySummary
from autus_tui.store.store import Store

log = logging.getLogger(__name__)

_COLUMNS = ("id, declared_at, declared_by, severity, situation, response, policy, rehearsal,"
            " acknowledged_by, acknowledged_at, resolved_by, resolved_at, resolution,"
            " reopened_by, reopened_at, reopen_from, reopens, event_id")
_LEVEL_COLUMNS = "incident_id, level, seq, due, at, late, reason, by, note"


@dataclass(frozen=True)
class Incident:
    id: int
    declared_at: datetime
    declared_by: str
    severity: str
    situation: str
    response: str
    policy: EscalationPolicy
    """Copied in when it was declared: a later config change does not move its ladder."""
    rehearsal: bool
    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    """Who owns it (cleared by a reopen); the ladder keeps running either way."""
    resolved_by: str | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None
    reopened_by: str | None = None
    reopened_at: datetime | None = None
    reopen_from: int = -1
    reopens: int = 0
    event_id: int = 0
    firings: tuple[Firing, ...] = ()
    """Levels fired (``seq`` 0) and reminders (``seq`` > 0), oldest first."""

    @property
    def label(self) -> str:
        return f"#{self.id}"

    @property
    def subject(self) -> str:
        """The subject of its events and notices."""
        return str(self.id)

    @property
    def open(self) -> bool:
        return self.resolved_at is None

    @property
    def state(self) -> LadderState:
        return LadderState(self.declared_at, self.policy, self.firings, self.resolved_at,
                           self.reopened_at, self.reopen_from)

    def level(self, index: int) -> LadderLevel:
        return self.policy.levels[index]


@dataclass(frozen=True)
class IncidentView:
    """One incident as a screen shows it at ``now``."""

    incident: Incident
    ladder: Ladder
    age: timedelta
    """Since it was declared."""
    delivery: DeliverySummary
    """Its notices: pending / sent / failed / skipped, and the last error (host only)."""


def _time(text: str | None) -> datetime | None:
    return from_text(text) if text else None


def _policy(text: str, incident_id: int) -> EscalationPolicy:
    try:
        return policy_from_json(json.loads(text))
    except ValueError as error:  # our own data, damaged: show the default ladder, say so
        log.warning("incident #%s: stored policy unreadable (%s); default used",
                    incident_id, error)
        return EscalationPolicy()


def _firing(row: Sequence[Any]) -> Firing:
    _incident, level, seq, due, at, late, reason, by, note = row
    return Firing(int(level), int(seq), from_text(due), from_text(at), bool(late), reason,
                  by, note)


def read_incidents(
    conn: sqlite3.Connection, where: str = "", params: Sequence[Any] = ()
) -> list[Incident]:
    """Inside a read or a write: incidents matching ``where`` (SQL), oldest first."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM incidents {where} ORDER BY id",
                        list(params)).fetchall()
    if not rows:
        return []
    ids = [row[0] for row in rows]
    marks = ", ".join("?" for _ in ids)
    firings: dict[int, list[Firing]] = {}
    for level_row in conn.execute(
            f"SELECT {_LEVEL_COLUMNS} FROM incident_levels WHERE incident_id IN ({marks})"
            " ORDER BY at, level, seq", ids):
        firings.setdefault(int(level_row[0]), []).append(_firing(level_row))
    return [_incident(row, tuple(firings.get(int(row[0]), ()))) for row in rows]


def _incident(row: Sequence[Any], firings: tuple[Firing, ...]) -> Incident:
    (incident_id, declared_at, declared_by, severity, situation, response, policy, rehearsal,
     ack_by, ack_at, resolved_by, resolved_at, resolution, reopened_by, reopened_at,
     reopen_from, reopens, event_id) = row
    return Incident(
        int(incident_id), from_text(declared_at), declared_by, severity, situation, response,
        _policy(policy, incident_id), bool(rehearsal), ack_by, _time(ack_at), resolved_by,
        _time(resolved_at), resolution, reopened_by, _time(reopened_at), int(reopen_from),
        int(reopens), int(event_id or 0), firings)


def read_one(conn: sqlite3.Connection, incident_id: int) -> Incident | None:
    found = read_incidents(conn, "WHERE id = ?", (incident_id,))
    return found[0] if found else None


# -- the store's reads ------------------------------------------------------------------------


def get(store: Store, incident_id: int) -> Incident | None:
    with store.read() as conn:
        return read_one(conn, incident_id)


def open_incidents(store: Store) -> list[Incident]:
    """Every unresolved incident, oldest first."""
    with store.read() as conn:
        return read_incidents(conn, "WHERE resolved_at IS NULL")


def all_incidents(store: Store) -> list[Incident]:
    """Every incident of the day, oldest first (the report, the handover)."""
    with store.read() as conn:
        return read_incidents(conn)


def open_views(
    store: Store, now: datetime, grace: timedelta = LATE_GRACE
) -> list[IncidentView]:
    """The read model of the timer and the incident panel: open incidents, oldest first."""
    with store.read() as conn:
        found = read_incidents(conn, "WHERE resolved_at IS NULL")
        return [_view(conn, incident, now, grace) for incident in found]


def view(
    store: Store, incident_id: int, now: datetime, grace: timedelta = LATE_GRACE
) -> IncidentView | None:
    """One incident, open or resolved."""
    with store.read() as conn:
        incident = read_one(conn, incident_id)
        return None if incident is None else _view(conn, incident, now, grace)


def _view(
    conn: sqlite3.Connection, incident: Incident, now: datetime, grace: timedelta
) -> IncidentView:
    return IncidentView(incident, ladder(incident.state, now, grace),
                        max(now - incident.declared_at, timedelta(0)),
                        outbox.summary(conn, incident.subject))
