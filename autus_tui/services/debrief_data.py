"""Reading a rehearsal's database into the debrief (``core.debrief``), the I/O half.

``debrief_data(store, runbook, config, launch_date, now)``: the scenario recorded when the
rehearsal began (``store.scenario_record``), its events placed on the database's launch
day in the launch timezone, and the checklist items done late against their slot (or
still open) among the slots whose window ended between the first thing recorded and
``now``. The incidents and rollback runs come from the report's own extras.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from autus_tui.core.config import Config
from autus_tui.core.debrief import DebriefData, Injected, LateItem
from autus_tui.core.runbook import ItemState, Runbook
from autus_tui.core.schedule import LaunchDay, windows
from autus_tui.store import Store, samples
from autus_tui.store.scenario_record import read_scenario


def debrief_data(store: Store, runbook: Runbook, config: Config, launch_date: date,
                 now: datetime) -> DebriefData:
    zone = config.launch.zone
    midnight = datetime.combine(launch_date, time(0, 0), tzinfo=zone)
    recorded = read_scenario(store)
    injected = () if recorded is None else tuple(
        Injected(e.number, e.kind, e.label, midnight + timedelta(seconds=e.at),
                 midnight + timedelta(seconds=e.until)) for e in recorded.events)
    return DebriefData(recorded.name if recorded else None, injected,
                       _late(store, runbook, LaunchDay(launch_date, config.launch.time, zone),
                             now))


def _late(store: Store, runbook: Runbook, day: LaunchDay, now: datetime) -> tuple[LateItem, ...]:
    firsts = [e.at for e in store.events_since(0, limit=1)]
    span = samples.poll_span(store)
    if span:
        firsts.append(span[0])
    if not firsts:
        return ()
    began = min(firsts)
    marks = store.marks()
    late = []
    for window in windows(day, runbook.slots):
        if not began <= window.end <= now:
            continue
        for item in window.slot.items:
            mark = marks.get(item.id)
            if mark is None or mark.state is ItemState.OPEN:
                late.append(LateItem(item.text, window.slot.title, window.end, None))
            elif mark.at > window.end:
                late.append(LateItem(item.text, window.slot.title, window.end, mark.at))
    return tuple(late)
