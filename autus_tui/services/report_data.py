"""Reading the database into the report and the handover summary (the I/O half).

``collect_report`` gathers ``core.day_report.ReportData`` (checklist marks, per-metric
figures from ``store.samples.day_buckets``, level-change and note events, the rollback
runs as ``extra["rollbacks"]``, oldest first, the incidents as ``extra["incidents"]``,
``services.incident_facts``), and for a rehearsal its debrief as ``extra["debrief"]``
(``services.debrief_data``);
(``commands.report`` is ``autus-tui report``.) ``handover_summary`` gathers
``core.handover_summary.HandoverSummary`` for the handover view; ``handover_markdown`` exports it.

The launch date is the one stored in the database on first use, else the configured one,
else the launch-timezone date of the first recorded event or poll. The report's "now" is
the rehearsal clock stored in a rehearsal database, else the wall clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from autus_tui.core.config import Config
from autus_tui.core.day_report import ItemRow, LevelRow, NoteRow, ReportData, SlotRows
from autus_tui.core.handover_summary import (
    HandoverSummary,
    MetricAlert,
    OpenItem,
    SlotOpen,
    handover_markdown,
)
from autus_tui.core.incident_report import handover_line
from autus_tui.core.levels import Level
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.rollup import figures
from autus_tui.core.runbook import ItemState, Runbook
from autus_tui.core.schedule import (
    LaunchDay,
    SlotState,
    current_index,
    item_overdue,
    progress,
    slot_state,
    windows,
)
from autus_tui.core.series import MetricTracker
from autus_tui.services.debrief_data import debrief_data
from autus_tui.services.incident_facts import incident_facts
from autus_tui.services.launch_day import stored_launch_date
from autus_tui.services.recorder import LEVEL_EVENT, recorded_trackers
from autus_tui.store import Store, rollbacks, samples
from autus_tui.store import notes as note_store

__all__ = ["collect_report", "handover_markdown", "handover_summary"]
MAX_EVENTS = 20_000
MAX_ROLLBACKS = 200
HANDOVER_ROLLBACKS = 5


def collect_report(
    store: Store, config: Config, runbook: Runbook, now: datetime
) -> ReportData:
    zone = config.launch.zone
    marks = store.marks()
    states = {item_id: mark.state for item_id, mark in marks.items()}
    slots = []
    for slot in runbook.slots:
        rows = []
        for item in slot.items:
            mark = marks.get(item.id)
            if mark is None or mark.state is ItemState.OPEN:
                rows.append(ItemRow(item.text, ItemState.OPEN))
            else:
                rows.append(ItemRow(item.text, mark.state, mark.operator, mark.at,
                                    mark.reason or ""))
        slots.append(SlotRows(slot.title, slot.at_text, progress(slot, states), tuple(rows)))

    buckets, minutes = samples.day_buckets(store, config.metrics, now)
    metric_figures = tuple((spec, figures(buckets, spec.key)) for spec in config.metrics)
    span = samples.poll_span(store)
    specs = {spec.key: spec for spec in config.metrics}
    changes = tuple(_level_row(event.at, event.subject, event.detail, specs) for event in
                    reversed(store.timeline(kinds=[LEVEL_EVENT], limit=MAX_EVENTS)))
    written = tuple(NoteRow(e.at, e.operator, str(e.detail.get("text", "")))
                    for e in note_store.notes(store, limit=MAX_EVENTS))
    return ReportData(
        title=runbook.title, launch_date=_launch_date(store, config, now), zone=zone,
        zone_name=config.launch.timezone, generated_at=now, rehearsal=config.rehearsal,
        slots=tuple(slots), metrics=metric_figures,
        polls=sum(m.polls for m in minutes.values()),
        poll_errors=sum(m.errors for m in minutes.values()),
        first_poll=span[0] if span else None, last_poll=span[1] if span else None,
        level_changes=changes, notes=written,
        extra={"rollbacks": tuple(reversed(rollbacks.past_runs(store, MAX_ROLLBACKS))),
               "incidents": incident_facts(store),
               **({"debrief": debrief_data(store, runbook, config,
                                           _launch_date(store, config, now), now)}
                  if config.rehearsal else {})},
    )


def _level_row(
    at: datetime, key: str, detail: Mapping[str, object], specs: Mapping[str, MetricSpec]
) -> LevelRow:
    spec = specs.get(key)
    value = detail.get("value")
    number = float(value) if isinstance(value, (int, float)) else None
    shown = spec.format(number) if spec else ("—" if number is None else f"{number:g}")
    label = str(detail.get("label") or (spec.label if spec else key))
    return LevelRow(at, label, str(detail.get("before") or "—"), str(detail.get("after", "?")),
                    shown)


def _launch_date(store: Store, config: Config, now: datetime) -> date:
    stored = stored_launch_date(store)  # the day this record was kept under
    if stored is not None:
        return stored
    if config.launch.date is not None:
        return config.launch.date
    moments = [e.at for e in store.events_since(0, limit=1)]
    span = samples.poll_span(store)
    if span:
        moments.append(span[0])
    first = min(moments) if moments else now
    return first.astimezone(config.launch.zone).date()


# -- the handover view -----------------------------------------------------------------


def handover_summary(
    store: Store,
    runbook: Runbook,
    day: LaunchDay,
    now: datetime,
    metrics: Sequence[MetricSpec],
    stale_after: timedelta,
    trackers: Mapping[str, MetricTracker] | None = None,
) -> HandoverSummary:
    """What the next on-call must know at ``now``: earlier slots that are overdue, the
    current slot and the next, each with its open items. ``trackers`` (the screen's own) give
    the metric levels; without them they are rebuilt from the latest recorded polls."""
    states = store.item_states()
    all_windows = windows(day, runbook.slots)
    index = current_index(all_windows, now)
    slots = []
    earlier = [w for w in all_windows[:index] if slot_state(w, now, states) is SlotState.OVERDUE]
    for window in [*earlier, *all_windows[index:index + 2]]:
        state = slot_state(window, now, states)
        items = tuple(
            OpenItem(item.id, item.text, item_overdue(state, ItemState.OPEN))
            for item in window.slot.items if states.get(item.id, ItemState.OPEN) is ItemState.OPEN
        )
        slots.append(SlotOpen(window.slot.title, window.slot.at_text, state, items))

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

    handover, written = note_store.notes_since_shift(store)
    previous = str(handover.detail.get("from") or "") if handover else ""
    return HandoverSummary(
        now=now, oncall=note_store.current_oncall(store),
        shift_began=handover.at if handover else None, previous_oncall=previous or None,
        slots=tuple(slots), alerts=tuple(alerts),
        notes=tuple(NoteRow(e.at, e.operator, str(e.detail.get("text", ""))) for e in written),
        rollbacks=tuple(rollbacks.past_runs(store, HANDOVER_ROLLBACKS)),
        incidents=tuple(handover_line(facts, now, day.zone) for facts in incident_facts(store)
                        if facts.open),
    )
