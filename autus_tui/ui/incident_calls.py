"""What the controller runs for an incident intent (always in a worker thread).

``IncidentSite`` is what every incident operation of this control room shares: the
``[escalation]`` policy copied into a new incident, whether this is a rehearsal, and the
one clock. ``incident_call`` turns an intent into the store call (``store.incidents``).
After a declare or an escalation the levels now due are fired at once
(``services.escalation_firing.fire_due``) rather than at the recorder's next step: the
first level pages as the incident is declared. A busy database at that moment is left to
the recorder, which fires it within a second (the declare itself is already kept).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from autus_tui.core.clock import Clock
from autus_tui.core.escalation import EscalationPolicy
from autus_tui.services.escalation_firing import fire_due
from autus_tui.store import Store, StoreError, incidents
from autus_tui.store.incidents import IncidentResult
from autus_tui.ui.intents import (
    Acknowledge,
    Declare,
    EscalateNow,
    IncidentIntent,
    Reopen,
    Resolve,
)


@dataclass(frozen=True)
class IncidentSite:
    policy: EscalationPolicy
    rehearsal: bool
    clock: Clock


def incident_call(
    store: Store, site: IncidentSite, operator: str, intent: IncidentIntent
) -> Callable[[], IncidentResult]:
    if isinstance(intent, Declare):
        def declare() -> IncidentResult:
            result = incidents.declare(
                store, operator, severity=intent.severity, situation=intent.situation,
                response=intent.response, policy=site.policy, rehearsal=site.rehearsal)
            _fire(store, site)
            return result

        return declare
    if isinstance(intent, EscalateNow):
        def escalate() -> IncidentResult:
            result = incidents.escalate_now(store, intent.incident_id, operator, intent.reason,
                                            seen_level=intent.seen_level)
            _fire(store, site)
            return result

        return escalate
    if isinstance(intent, Acknowledge):
        return lambda: incidents.acknowledge(store, intent.incident_id, operator)
    if isinstance(intent, Resolve):
        return lambda: incidents.resolve(store, intent.incident_id, operator, intent.resolution)
    if isinstance(intent, Reopen):
        return lambda: incidents.reopen(store, intent.incident_id, operator, intent.reason)
    raise TypeError(f"no incident call for {type(intent).__name__}")


def _fire(store: Store, site: IncidentSite) -> None:
    # Kept already if this fails: the recorder's next step fires what is due.
    with contextlib.suppress(StoreError):
        fire_due(store, site.clock)
