"""Incidents as the report and the handover read them (``core.incident_report``).

``incident_facts(store)``: every incident of the day, oldest first, as ``IncidentFacts``:
the stored incident and its fired levels, its first acknowledgement (from the
``incident.acknowledge`` events: a reopen clears the incident's current owner, not the
time it first took someone to answer) and how its notices went (``store.outbox``).
"""

from __future__ import annotations

from datetime import datetime

from autus_tui.core.incident_report import IncidentFacts
from autus_tui.store import outbox
from autus_tui.store.incident_records import read_incidents
from autus_tui.store.store import Store

MAX_EVENTS = 20_000


def incident_facts(store: Store) -> tuple[IncidentFacts, ...]:
    with store.read() as conn:
        found = read_incidents(conn)
        delivery = {i.id: outbox.summary(conn, i.subject) for i in found}
    first_ack: dict[str, tuple[str, datetime]] = {}
    for event in reversed(store.timeline(kinds=["incident.acknowledge"], limit=MAX_EVENTS)):
        if not event.detail.get("already") and event.subject not in first_ack:
            first_ack[event.subject] = (event.operator, event.at)
    facts = []
    for incident in found:
        by, at = incident.acknowledged_by, incident.acknowledged_at
        if incident.subject in first_ack:
            by, at = first_ack[incident.subject]
        summary = delivery[incident.id]
        facts.append(IncidentFacts(
            incident.id, incident.severity, incident.situation, incident.response,
            incident.declared_at, incident.declared_by, incident.state,
            acknowledged_by=by, acknowledged_at=at,
            resolved_by=incident.resolved_by, resolved_at=incident.resolved_at,
            resolution=incident.resolution, reopens=incident.reopens, sent=summary.sent,
            failed=summary.failed, pending=summary.pending, skipped=summary.skipped))
    return tuple(facts)
