"""Reading the database into the handover view (``core.handover_summary``).

``handover_summary(store, runbook, day, now, metrics, stale_after, trackers=None)``:
what the next on-call must know at ``now`` for the shift being handed over
(``core.shifts.handover_window``: from the outgoing on-call's take-over; everything when
nobody took over yet). Earlier slots left overdue, the current slot and the next with
their open items; the metric levels now (``trackers``, the screen's own; without them
rebuilt from the latest recorded polls); the health now (the latest poll, the ongoing
outage); the outages overlapping the shift (``services.downtime``: the one definition)
and each metric's worst held level over it with its time in WARN and CRIT
(``core.episodes``); what was done in it in the timeline's words; the notes written in it;
open incidents; the latest rollbacks. ``handover_markdown`` exports it.

It is read on every change the store watcher sees while the view is open, so every read
is an indexed query or bounded (``MAX_DONE`` newest entries of work done).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from autus_tui.core.day_report import NoteRow, duration
from autus_tui.core.episodes import BAD, episodes
from autus_tui.core.handover_summary import (
    HandoverSummary,
    MetricAlert,
    MetricWorst,
    OpenItem,
    SlotOpen,
    WorkRow,
    handover_markdown,
)
from autus_tui.core.incident_report import handover_line
from autus_tui.core.levels import Level
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.outages import Outage, outage_runs
from autus_tui.core.payload import Health
from autus_tui.core.runbook import ItemState, Runbook
from autus_tui.core.schedule import (
    LaunchDay,
    SlotState,
    current_index,
    item_overdue,
    slot_state,
    windows,
)
from autus_tui.core.series import MetricTracker
from autus_tui.core.shifts import handover_window
from autus_tui.services.day_facts import (
    MAX_EVENTS,
    day_shifts,
    is_rehearsal_mode,
    level_changes,
    levels_at,
)
from autus_tui.services.downtime import day_coverage, day_marks
from autus_tui.services.event_text import event_line
from autus_tui.services.incident_facts import incident_facts
from autus_tui.services.recorder import recorded_trackers
from autus_tui.store import Store, rollbacks, samples
from autus_tui.store import notes as note_store

__all__ = ["handover_markdown", "handover_summary"]
HANDOVER_ROLLBACKS = 5
DOWN_AGE = 3
"""An ongoing outage is DOWN now while its last poll is at most this many stale windows
old (the poller backs off to one poll in 5 s while the backend fails)."""
MAX_DONE = 200
WORK_KINDS = ("checklist.done", "checklist.na", "checklist.undo", "checklist.verify",
              "incident.declare", "incident.acknowledge", "incident.escalate",
              "incident.resolve", "incident.reopen", "rollback.start", "rollback.finish",
              "rollback.cancel")


def handover_summary(
    store: Store,
    runbook: Runbook,
    day: LaunchDay,
    now: datetime,
    metrics: Sequence[MetricSpec],
    stale_after: timedelta,
    trackers: Mapping[str, MetricTracker] | None = None,
    health: tuple[Health | None, datetime | None] | None = None,
) -> HandoverSummary:
    """What the next on-call must know at ``now`` (see the module doc). ``health``: the
    screen's own latest health document and its time (else the latest recorded poll's)."""
    window = handover_window(day_shifts(store))
    current = window.current
    marks = day_marks(store)
    found = outage_runs(marks)
    start = window.start
    shift_outages = tuple(o for o in found if start is None or o.until(now) >= start)
    # Going on, and seen lately (the poller backs off while the backend fails).
    down = found[-1] if found and found[-1].ongoing and \
        now - found[-1].last_out <= DOWN_AGE * stale_after else None
    done = _work(store, runbook, window.start_id)
    return HandoverSummary(
        now=now, oncall=note_store.current_oncall(store),
        shift_began=current.start if current else None,
        previous_oncall=(current.handed_from or None) if current else None,
        slots=_open_slots(store, runbook, day, now),
        alerts=_alerts(store, metrics, stale_after, trackers, now),
        notes=tuple(NoteRow(e.at, e.operator, str(e.detail.get("text", "")))
                    for e in note_store.notes(store, window.start_id)),
        rollbacks=tuple(rollbacks.past_runs(store, HANDOVER_ROLLBACKS)),
        incidents=tuple(handover_line(facts, now, day.zone) for facts in incident_facts(store)
                        if facts.open),
        window_start=start, covered=window.covered,
        health=_health_now(store, down, now, stale_after, day, health),
        down_now=down is not None,
        outages=shift_outages,
        worst=_worst(store, metrics, start, now, day_coverage(store, marks)),
        done=tuple(done[-MAX_DONE:]), more_done=max(0, len(done) - MAX_DONE),
        rehearsal=is_rehearsal_mode(store),
    )


def _open_slots(store: Store, runbook: Runbook, day: LaunchDay,
                now: datetime) -> tuple[SlotOpen, ...]:
    states = store.item_states()
    all_windows = windows(day, runbook.slots)
    index = current_index(all_windows, now)
    earlier = [w for w in all_windows[:index] if slot_state(w, now, states) is SlotState.OVERDUE]
    slots = []
    for window in [*earlier, *all_windows[index:index + 2]]:
        state = slot_state(window, now, states)
        items = tuple(
            OpenItem(item.id, item.text, item_overdue(state, ItemState.OPEN))
            for item in window.slot.items if states.get(item.id, ItemState.OPEN) is ItemState.OPEN
        )
        slots.append(SlotOpen(window.slot.title, window.slot.at_text, state, items))
    return tuple(slots)


def _alerts(
    store: Store, metrics: Sequence[MetricSpec], stale_after: timedelta,
    trackers: Mapping[str, MetricTracker] | None, now: datetime,
) -> tuple[MetricAlert, ...]:
    if trackers is None:
        # Only the levels at ``now`` are read here, not the held ones: any interval will do.
        trackers = recorded_trackers(store, metrics, stale_after, interval=1.0)
    alerts = []
    for spec in metrics:
        tracker = trackers.get(spec.key)
        if tracker is None or tracker.last is None:
            continue
        level = tracker.level(now)
        if level in (Level.WARN, Level.CRIT):
            alerts.append(MetricAlert(spec.key, spec.label, level, spec.format(tracker.last[1])))
    return tuple(alerts)


def _health_now(
    store: Store, down: Outage | None, now: datetime, stale_after: timedelta,
    day: LaunchDay, shown: tuple[Health | None, datetime | None] | None,
) -> str:
    if shown is not None and shown[1] is not None:
        health, at, error = shown[0], shown[1], None
    else:
        latest = samples.latest_polls(store, 1)
        if not latest:
            return ""
        poll = latest[0][1]
        health, at, error = poll.health, poll.at, poll.error
    zone = day.zone
    if down is not None:
        words = (f"DOWN since {down.start.astimezone(zone):%H:%M:%S}, "
                 f"{duration(down.lasted(now).total_seconds())} ({down.reason})")
    elif health is not None:
        words = health.status + (f": {health.message}" if health.message else "")
    else:
        words = f"no health read ({error})" if error else "no health read"
    if now - at > stale_after:
        words += f"; nothing read since {at.astimezone(zone):%H:%M:%S}"
    return words


def _worst(store: Store, metrics: Sequence[MetricSpec], start: datetime | None,
           now: datetime, covered: list[tuple[datetime, datetime]] | None,
           ) -> tuple[MetricWorst, ...]:
    changes = level_changes(store)
    since = start or min((c.at for c in changes), default=now)
    found = episodes([c for c in changes if c.at >= since], since, max(now, since),
                     initial=levels_at(changes, since), covered=covered)
    out = []
    for spec in metrics:
        mine = [e for e in found if e.key == spec.key]
        if not mine:
            continue
        worst = max((e.worst for e in mine), key=lambda lv: lv.severity)
        if worst in BAD:
            out.append(MetricWorst(spec.key, spec.label, worst, sum(e.warn_s for e in mine),
                                   sum(e.crit_s for e in mine), len(mine)))
    return tuple(out)


def _work(store: Store, runbook: Runbook, after_id: int) -> list[WorkRow]:
    events = store.timeline(kinds=list(WORK_KINDS), limit=MAX_EVENTS)
    rows = []
    for event in reversed(events):
        if event.id <= after_id:
            continue
        line = event_line(event, runbook)
        if line:
            rows.append(WorkRow(event.at, line))
    return rows
