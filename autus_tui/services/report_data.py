"""Reading the database into the D-Day report (the I/O half of ``core.day_report``).

``collect_report(store, config, runbook, now)`` gathers ``ReportData``: the checklist
marks with each item's last verify verdict; per-metric figures from
``store.samples.day_buckets``; the outages (``services.downtime``, folded minutes
included); the held level changes folded into episodes (``core.episodes``) whose peaks
come from the minute rollups; the day hour by hour (``core.hourly``); the on-call shifts;
the notes; the rollback runs as ``extra["rollbacks"]``, oldest first, and the incidents
as ``extra["incidents"]`` (``services.incident_facts``); for a rehearsal, its debrief
as ``extra["debrief"]`` (``services.debrief_data``). ``commands.report`` is
``autus-tui report``. The handover view's model is ``services.handover_data`` (its
``handover_summary`` and ``handover_markdown`` are re-exported here).

The launch date is the one stored in the database on first use, else the configured one,
else the launch-timezone date of the first recorded event or poll. The report's "now" is
the rehearsal clock stored in a rehearsal database, else the wall clock. A rehearsal
database (``store.mode``) gets the REHEARSAL banner whatever the run's flags.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from autus_tui.core.config import Config
from autus_tui.core.d1_review import d1_facts
from autus_tui.core.day_report import ItemRow, NoteRow, ReportData, SlotRows, Verdict
from autus_tui.core.episodes import episodes as episodes_of
from autus_tui.core.episodes import refine_peaks
from autus_tui.core.hourly import hourly
from autus_tui.core.outages import outage_runs
from autus_tui.core.rollup import figures
from autus_tui.core.runbook import ItemState, Runbook
from autus_tui.core.schedule import progress
from autus_tui.services.day_facts import (
    day_shifts,
    is_rehearsal,
    last_verdicts,
    level_changes,
    peak_reader,
    worse_for,
)
from autus_tui.services.debrief_data import debrief_data
from autus_tui.services.downtime import day_coverage, day_marks
from autus_tui.services.event_text import verdict_word
from autus_tui.services.handover_data import handover_markdown, handover_summary
from autus_tui.services.incident_facts import incident_facts
from autus_tui.services.launch_day import stored_launch_date
from autus_tui.store import Event, Store, rollbacks, samples
from autus_tui.store import notes as note_store

__all__ = ["collect_report", "handover_markdown", "handover_summary"]
MAX_EVENTS = 20_000
MAX_ROLLBACKS = 200


def collect_report(
    store: Store, config: Config, runbook: Runbook, now: datetime, *, d1: bool = False,
) -> ReportData:
    """The report's data; ``d1``: also what the D+1 review needs (``extra["d1"]``)."""
    zone = config.launch.zone
    marks = store.marks()
    verdicts = last_verdicts(store)
    states = {item_id: mark.state for item_id, mark in marks.items()}
    slots = []
    for slot in runbook.slots:
        rows = []
        for item in slot.items:
            mark = marks.get(item.id)
            verdict = _verdict(verdicts.get(item.id))
            if mark is None or mark.state is ItemState.OPEN:
                rows.append(ItemRow(item.text, ItemState.OPEN, verified=verdict))
            else:
                rows.append(ItemRow(item.text, mark.state, mark.operator, mark.at,
                                    mark.reason or "", verdict))
        slots.append(SlotRows(slot.title, slot.at_text, progress(slot, states), tuple(rows)))

    buckets, minutes = samples.day_buckets(store, config.metrics, now)
    metric_figures = tuple((spec, figures(buckets, spec.key)) for spec in config.metrics)
    span = samples.poll_span(store)
    until = span[1] if span else now
    polled = day_marks(store)
    found = outage_runs(polled)
    worse = worse_for(config.metrics)
    changes = level_changes(store)
    start = min([c.at for c in changes] + ([span[0]] if span else []), default=now)
    spans = day_coverage(store, polled, config.backend.interval)
    episodes = refine_peaks(episodes_of(changes, start, max(until, start), worse=worse,
                                        covered=spans),
                            peak_reader(buckets, config.metrics), until, worse)
    written = tuple(NoteRow(e.at, e.operator, str(e.detail.get("text", "")))
                    for e in note_store.notes(store, limit=MAX_EVENTS))
    return ReportData(
        title=runbook.title, launch_date=_launch_date(store, config, now), zone=zone,
        zone_name=config.launch.timezone, generated_at=now,
        rehearsal=is_rehearsal(store, config),
        slots=tuple(slots), metrics=metric_figures,
        polls=sum(m.polls for m in minutes.values()),
        poll_errors=sum(m.errors for m in minutes.values()),
        first_poll=span[0] if span else None, last_poll=span[1] if span else None,
        notes=written, outages=found, episodes=episodes,
        hours=hourly(buckets, minutes, zone, outages=found, now=until),
        shifts=day_shifts(store), covered=tuple(spans or ()),
        extra={"rollbacks": tuple(reversed(rollbacks.past_runs(store, MAX_ROLLBACKS))),
               "incidents": incident_facts(store),
               **({"d1": d1_facts(buckets, minutes, _d1_slot(runbook))} if d1 else {}),
               **({"debrief": debrief_data(store, runbook, config,
                                           _launch_date(store, config, now), now)}
                  if config.rehearsal else {})},
    )


def _d1_slot(runbook: Runbook) -> str:
    """The runbook's D+1 morning slot: ``d1``, else the first slot a day after launch."""
    found = next((s for s in runbook.slots if s.id == "d1"), None) or next(
        (s for s in runbook.slots if s.offset >= timedelta(days=1, hours=1)), None)
    return found.title if found else ""


def _verdict(event: Event | None) -> Verdict | None:
    if event is None:
        return None
    return Verdict(verdict_word(event.detail), event.operator, event.at,
                   str(event.detail.get("evidence", "")))


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
