"""The replay's events pane: the recorded events up to the cursor, in words.

Live, a level change reaches the events pane from the screen's own dashboard (the
``metric.level`` event it also records is left out, ``services.event_text``). A replay has
no live dashboard to announce anything: every line comes from the record, the level
changes from their ``metric.level`` events (``error rate OK → WARN (1.20%)``, with the
level word), everything else as the live pane words it (``ui.event_news``). Nothing here
toasts or rings: the past is not news.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from autus_tui.core.levels import Level
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.runbook import Runbook
from autus_tui.services.recorder import LEVEL_EVENT
from autus_tui.store import Event
from autus_tui.ui.event_news import announcements

Line = tuple[datetime, str, Level | None]


def replay_lines(events: Iterable[Event], runbook: Runbook | None,
                 specs: Mapping[str, MetricSpec]) -> list[Line]:
    out: list[Line] = []
    for event in events:
        if event.kind == LEVEL_EVENT:
            out.append(_level_line(event, specs))
            continue
        out += [(news.at, news.text, news.level) for news in announcements([event], runbook)]
    return out


def _level_line(event: Event, specs: Mapping[str, MetricSpec]) -> Line:
    detail = event.detail
    spec = specs.get(event.subject)
    label = str(detail.get("label") or (spec.label if spec else event.subject))
    value = detail.get("value")
    number = float(value) if isinstance(value, (int, float)) else None
    shown = spec.format(number) if spec else ("—" if number is None else f"{number:g}")
    after = str(detail.get("after", ""))
    level = Level(after) if after in Level.__members__ else None
    return event.at, f"{label} {detail.get('before') or '—'} → {after} ({shown})", level
