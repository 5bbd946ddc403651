"""The escalation step every process runs once a second: fire what is due, exactly once.

``fire_due(store, clock)`` computes, for every open incident, the levels and reminders
due at ``clock.now()`` (``core.escalation.due_now``) and fires them (``store.incidents.
fire``): an ``INSERT OR IGNORE`` of the firing row decides which process notifies, and the
winner enqueues the notice in the same transaction. A level that came due while nothing
was running fires at the next step of whichever process starts first, once, marked late.

The UI and ``autus-tui record`` both run it from the recorder's loop, so the ladder climbs
with no screen open. It first reads (which never waits for a writer) and writes only when
something is due, so the idle step costs one small read. After a declare or an escalate,
a screen may call it at once rather than wait for the next step.
"""

from __future__ import annotations

from datetime import timedelta

from autus_tui.core.clock import Clock
from autus_tui.core.escalation import due_now, late_grace
from autus_tui.store import incidents
from autus_tui.store.incident_records import open_incidents, read_incidents
from autus_tui.store.store import Store

STEP_SECONDS = 1.0
"""How often the recorder runs a step (real seconds)."""


def grace_for(clock: Clock) -> timedelta:
    """How late a firing may be and still count as on time, at this clock's speed."""
    return late_grace(clock.speed, STEP_SECONDS)


def fire_due(
    store: Store, clock: Clock, *, grace: timedelta | None = None
) -> list[incidents.Fired]:
    """Fire everything due now; what this process won (empty when nothing was due, or
    another process fired it first)."""
    grace = grace_for(clock) if grace is None else grace
    now = clock.now()
    if not any(due_now(incident.state, now, grace) for incident in open_incidents(store)):
        return []
    fired: list[incidents.Fired] = []
    with store.write() as tx:
        tx.at = clock.now()  # every row and event of this step at one moment of this clock
        for incident in read_incidents(tx.conn, "WHERE resolved_at IS NULL"):
            for due in due_now(incident.state, tx.at, grace):
                won = incidents.fire(tx, incident, due)
                if won is not None:
                    fired.append(won)
    return fired
