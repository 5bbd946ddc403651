"""Incidents: declare, acknowledge, escalate now, resolve, reopen — and fire a level once.

Every operation is one short write transaction that reads the incident, changes it (or
finds it already so), appends an event and enqueues the notice for the team channel
(``store.outbox``), so state, timeline and notice never disagree. Each states an intent,
never a toggle: when another operator got there first, nothing changes, an event with
``detail.already = true`` still records the attempt, and the ``IncidentResult`` says what
happened (``result.already_text(zone)`` → "already acknowledged by alice at 09:41").

Firing (``fire``): a level is one ``incident_levels`` row, UNIQUE (incident_id, level,
seq). ``INSERT OR IGNORE`` decides: the process whose insert lands appends the event and
enqueues the notice in the same transaction; any other finds the row and does nothing.
So each level fires once across every process on the database, whatever restarts.

Events (subject: the incident id): ``incident.declare``, ``incident.acknowledge``,
``incident.level`` (the timer fired a level), ``incident.escalate`` (fired by hand, with
``detail.reason``), ``incident.reminder``, ``incident.resolve``, ``incident.reopen``.
Text is stored exactly as typed (bounded, not empty): markup and escapes come back
literally for the UI to show safely. Reads and the read model: ``store.incident_records``
(re-exported here).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from autus_tui.core import notices
from autus_tui.core.escalation import (
    REASON_ESCALATE,
    REASON_REMINDER,
    Due,
    EscalationPolicy,
    Firing,
    escalation_target,
    highest_fired,
    scheduled_at,
)
from autus_tui.store import outbox
from autus_tui.store.events import Event, to_text
from autus_tui.store.incident_records import (
    Incident,
    IncidentView,
    all_incidents,
    get,
    open_incidents,
    open_views,
    read_incidents,
    read_one,
    view,
)
from autus_tui.store.store import Store, Transaction

__all__ = [
    "Already", "Due", "Fired", "Incident", "IncidentResult", "IncidentView", "acknowledge",
    "all_incidents", "declare", "escalate_now", "fire", "get", "open_incidents", "open_views",
    "read_incidents", "reopen", "resolve", "view",
]

DECLARE, ACKNOWLEDGE, LEVEL, ESCALATE = (
    "incident.declare", "incident.acknowledge", "incident.level", "incident.escalate")
REMINDER, RESOLVE, REOPEN = "incident.reminder", "incident.resolve", "incident.reopen"
MAX_FIELD, MAX_REASON = 200, 500


@dataclass(frozen=True)
class Already:
    """What another operator (or the timer) did first."""

    what: str
    """``acknowledged``, ``resolved``, ``escalated to L2 백엔드 리드``, ``declared as #3``..."""
    by: str = ""
    at: datetime | None = None

    def text(self, zone: tzinfo) -> str:
        line = f"already {self.what}"
        if self.by:
            line += f" by {self.by}"
        if self.at is not None:
            line += f" at {self.at.astimezone(zone):%H:%M}"
        return line


@dataclass(frozen=True)
class IncidentResult:
    incident: Incident
    """The incident after the write (as the winner left it, when this one lost)."""
    event: Event
    already: Already | None = None
    """``None``: this call changed the incident. Else why it did not."""

    @property
    def done(self) -> bool:
        return self.already is None

    def already_text(self, zone: tzinfo) -> str | None:
        return None if self.already is None else self.already.text(zone)


def _text(value: str, what: str, limit: int = MAX_FIELD) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValueError(f"{what} is needed")
    if len(text) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    return text


def _load(tx: Transaction, incident_id: int) -> Incident:
    incident = read_one(tx.conn, incident_id)
    if incident is None:
        raise ValueError(f"no incident #{incident_id}")
    return incident


def _finish(tx: Transaction, incident_id: int, event: Event,
            already: Already | None = None) -> IncidentResult:
    return IncidentResult(_load(tx, incident_id), event, already)


def _refuse(tx: Transaction, incident: Incident, kind: str, operator: str, already: Already,
            detail: dict[str, Any] | None = None) -> IncidentResult:
    event = tx.event(operator, kind, incident.subject, {
        **(detail or {}), "already": True, "what": already.what, "by": already.by})
    return IncidentResult(incident, event, already)


def _notify(tx: Transaction, incident: Incident, text: str) -> None:
    outbox.enqueue(tx, text=text, rehearsal=incident.rehearsal, subject=incident.subject)


# -- firing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fired:
    """A firing this process won: its event and the notice it enqueued."""

    incident_id: int
    firing: Firing
    event: Event
    notice_id: int | None


def fire(tx: Transaction, incident: Incident, due: Due, *, by: str = "",
         note: str = "") -> Fired | None:
    """Fire ``due`` for ``incident`` at ``tx.at`` unless some process already did; what
    this call wrote when it won (event and notice), else ``None``."""
    at = tx.at
    cursor = tx.conn.execute(
        "INSERT OR IGNORE INTO incident_levels (incident_id, level, seq, due, at, late, reason,"
        " by, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (incident.id, due.level, due.seq, to_text(due.due), to_text(at), int(due.late),
         due.reason, by, note))
    if not cursor.rowcount:
        return None
    level = incident.level(due.level)
    kind = {REASON_ESCALATE: ESCALATE, REASON_REMINDER: REMINDER}.get(due.reason, LEVEL)
    detail: dict[str, Any] = {
        "level": due.level, "name": level.name, "who": level.who, "seq": due.seq,
        "due": to_text(due.due), "late": due.late, "reason": due.reason}
    if note:
        detail["note"] = note
    event = tx.event(by or "system", kind, incident.subject, detail)
    tx.conn.execute("UPDATE incident_levels SET event_id = ? WHERE incident_id = ? AND"
                    " level = ? AND seq = ?", (event.id, incident.id, due.level, due.seq))
    late_by = at - due.due if due.late else None
    if due.reason == REASON_REMINDER:
        text = notices.reminder_notice(
            incident.id, incident.severity, incident.situation, level, due.seq,
            rehearsal=incident.rehearsal, open_for=at - incident.declared_at, late_by=late_by)
    else:
        text = notices.level_notice(
            incident.id, incident.severity, incident.situation, incident.response, level,
            rehearsal=incident.rehearsal, late_by=late_by, escalated_by=by, note=note)
    notice_id = outbox.enqueue(tx, text=text, rehearsal=incident.rehearsal,
                               dedupe=f"incident:{incident.id}:level:{due.level}:{due.seq}",
                               subject=incident.subject)
    firing = Firing(due.level, due.seq, due.due, at, due.late, due.reason, by, note)
    return Fired(incident.id, firing, event, notice_id)


# -- operations --------------------------------------------------------------------------


def declare(
    store: Store, operator: str, *, severity: str, situation: str, response: str = "",
    policy: EscalationPolicy, rehearsal: bool = False, allow_duplicate: bool = False,
) -> IncidentResult:
    """Open an incident with ``policy`` copied in. An open incident of the same severity
    and situation already there is the answer instead (``already declared as #3 by...``),
    unless ``allow_duplicate``. Its first level fires on the next ``fire_due`` step."""
    operator = _text(operator, "an operator")
    severity, situation = _text(severity, "a severity"), _text(situation, "a situation")
    response = response.strip()[:MAX_FIELD] if response else ""
    with store.write() as tx:
        if not allow_duplicate:
            same = read_incidents(tx.conn, "WHERE resolved_at IS NULL AND severity = ? AND"
                                  " situation = ?", (severity, situation))
            if same:
                first = same[0]
                return _refuse(tx, first, DECLARE, operator, Already(
                    f"declared as {first.label}", first.declared_by, first.declared_at))
        cursor = tx.conn.execute(
            "INSERT INTO incidents (declared_at, declared_by, severity, situation, response,"
            " policy, rehearsal) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (to_text(tx.at), operator, severity, situation, response,
             json.dumps(policy.to_json(), ensure_ascii=False), int(rehearsal)))
        incident_id = int(cursor.lastrowid or 0)
        event = tx.event(operator, DECLARE, str(incident_id), {
            "severity": severity, "situation": situation, "response": response,
            "levels": [f"{lvl.name} {lvl.who} +{lvl.minutes:g}" for lvl in policy.levels],
            "rehearsal": rehearsal})
        tx.conn.execute("UPDATE incidents SET event_id = ? WHERE id = ?", (event.id, incident_id))
        return _finish(tx, incident_id, event)


def acknowledge(store: Store, incident_id: int, operator: str) -> IncidentResult:
    """``operator`` owns it. The ladder keeps running (only resolving stops it)."""
    operator = _text(operator, "an operator")
    with store.write() as tx:
        incident = _load(tx, incident_id)
        if not incident.open:
            return _refuse(tx, incident, ACKNOWLEDGE, operator,
                           Already("resolved", incident.resolved_by or "", incident.resolved_at))
        if incident.acknowledged_by is not None:
            return _refuse(tx, incident, ACKNOWLEDGE, operator, Already(
                "acknowledged", incident.acknowledged_by, incident.acknowledged_at))
        tx.conn.execute("UPDATE incidents SET acknowledged_by = ?, acknowledged_at = ?"
                        " WHERE id = ?", (operator, to_text(tx.at), incident.id))
        event = tx.event(operator, ACKNOWLEDGE, incident.subject, {"running": True})
        _notify(tx, incident, notices.state_notice(
            incident.id, incident.severity, incident.situation, "acknowledged", operator,
            rehearsal=incident.rehearsal, detail="the escalation timer keeps running"))
        return _finish(tx, incident.id, event)


def escalate_now(
    store: Store, incident_id: int, operator: str, reason: str, *,
    seen_level: int | None = None,
) -> IncidentResult:
    """Fire the next level at once. ``seen_level`` is the level the operator saw as
    current (-1: none yet): if the incident went past it meanwhile, nothing more fires."""
    operator, reason = _text(operator, "an operator"), _text(reason, "a reason", MAX_REASON)
    with store.write() as tx:
        incident = _load(tx, incident_id)
        state = incident.state
        if not incident.open:
            return _refuse(tx, incident, ESCALATE, operator,
                           Already("resolved", incident.resolved_by or "", incident.resolved_at),
                           {"reason": reason})
        highest = highest_fired(state)
        if seen_level is not None and highest > seen_level:
            firing = next(f for f in state.firings if f.level == highest and f.seq == 0)
            level = incident.level(highest)
            return _refuse(tx, incident, ESCALATE, operator, Already(
                f"escalated to {level.name} {level.who}", firing.by or "the timer", firing.at),
                {"reason": reason})
        target = escalation_target(state)
        if target is None:
            top = incident.level(len(incident.policy.levels) - 1)
            return _refuse(tx, incident, ESCALATE, operator,
                           Already(f"at the top level ({top.name} {top.who})"),
                           {"reason": reason})
        due = Due(target, 0, scheduled_at(state, target), False, REASON_ESCALATE)
        fired = fire(tx, incident, due, by=operator, note=reason)
        if fired is None:  # cannot happen inside this transaction; never a blind second try
            level = incident.level(target)
            return _refuse(tx, incident, ESCALATE, operator,
                           Already(f"escalated to {level.name} {level.who}"), {"reason": reason})
        return _finish(tx, incident.id, fired.event)


def resolve(store: Store, incident_id: int, operator: str, resolution: str) -> IncidentResult:
    """Stop the ladder, with a short resolution."""
    operator = _text(operator, "an operator")
    resolution = _text(resolution, "a resolution", MAX_REASON)
    with store.write() as tx:
        incident = _load(tx, incident_id)
        if not incident.open:
            return _refuse(tx, incident, RESOLVE, operator,
                           Already("resolved", incident.resolved_by or "", incident.resolved_at),
                           {"resolution": resolution})
        tx.conn.execute("UPDATE incidents SET resolved_by = ?, resolved_at = ?, resolution = ?"
                        " WHERE id = ?", (operator, to_text(tx.at), resolution, incident.id))
        highest = highest_fired(incident.state)
        event = tx.event(operator, RESOLVE, incident.subject, {
            "resolution": resolution, "level": highest,
            "open_seconds": round((tx.at - incident.declared_at).total_seconds(), 1)})
        _notify(tx, incident, notices.state_notice(
            incident.id, incident.severity, incident.situation, "resolved", operator,
            rehearsal=incident.rehearsal, detail=resolution))
        return _finish(tx, incident.id, event)


def reopen(store: Store, incident_id: int, operator: str, reason: str = "") -> IncidentResult:
    """Open a resolved incident again: its ladder goes on from the highest level it
    reached (the levels above come as long after the reopen as they would have after that
    level); the acknowledgement is cleared, so someone owns it anew."""
    operator = _text(operator, "an operator")
    reason = reason.strip()[:MAX_REASON] if reason else ""
    with store.write() as tx:
        incident = _load(tx, incident_id)
        if incident.open:
            what = "reopened" if incident.reopened_by else "open"
            return _refuse(tx, incident, REOPEN, operator,
                           Already(what, incident.reopened_by or "", incident.reopened_at))
        highest = highest_fired(incident.state)
        tx.conn.execute(
            "UPDATE incidents SET resolved_by = NULL, resolved_at = NULL, resolution = NULL,"
            " acknowledged_by = NULL, acknowledged_at = NULL, reopened_by = ?, reopened_at = ?,"
            " reopen_from = ?, reopens = reopens + 1 WHERE id = ?",
            (operator, to_text(tx.at), highest, incident.id))
        event = tx.event(operator, REOPEN, incident.subject, {
            "reason": reason, "from_level": highest,
            "previous_resolution": incident.resolution or ""})
        _notify(tx, incident, notices.state_notice(
            incident.id, incident.severity, incident.situation, "reopened", operator,
            rehearsal=incident.rehearsal, detail=reason,
            level=incident.level(highest) if highest >= 0 else None))
        return _finish(tx, incident.id, event)

