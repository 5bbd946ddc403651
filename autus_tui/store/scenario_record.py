"""The scenario a rehearsal played, kept in its database for the debrief.

``record_scenario(store, file, name)`` (``demo`` when it starts, ``backend --db`` when it
attaches) writes ``meta`` rows: ``scenario.name`` and ``scenario.events``, a JSON list of
what the scenario injects (number, kind, label, start and end in seconds after launch-day
midnight, launch timezone). A later call replaces them (the scenario now playing).
``read_scenario(store)`` gives them back (``None`` when no scenario was recorded, or the
rows are unreadable). Times stay launch-day seconds here: the debrief places them on the
database's launch day (``services.debrief_data``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from autus_tui.core.scenario_file import ScenarioFile
from autus_tui.store.meta import set_meta
from autus_tui.store.store import Store

NAME, EVENTS = "scenario.name", "scenario.events"


@dataclass(frozen=True)
class ScenarioEventRecord:
    number: int
    kind: str
    label: str
    at: int
    """Seconds after launch-day midnight (launch timezone)."""
    until: int


@dataclass(frozen=True)
class ScenarioRecord:
    name: str
    events: tuple[ScenarioEventRecord, ...]


def record_scenario(store: Store, file: ScenarioFile, name: str | None = None) -> None:
    events = [{"number": e.number, "kind": e.kind, "label": e.label, "at": e.at,
               "until": e.until} for e in file.events]
    with store.write() as tx:
        set_meta(tx.conn, NAME, name or file.name)
        set_meta(tx.conn, EVENTS, json.dumps(events, ensure_ascii=False))


def read_scenario(store: Store) -> ScenarioRecord | None:
    name, text = store.get_meta(NAME), store.get_meta(EVENTS)
    if name is None or text is None:
        return None
    try:
        raw: Any = json.loads(text)
        events = tuple(ScenarioEventRecord(int(e["number"]), str(e["kind"]), str(e["label"]),
                                           int(e["at"]), int(e["until"])) for e in raw)
    except (TypeError, ValueError, KeyError):
        return None
    return ScenarioRecord(name, events)
