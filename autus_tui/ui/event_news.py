"""New recorded events as announcements: the events pane's lines, and for a level paged
a toast and the terminal bell.

``announcements(events, runbook, about)``: one ``Announcement`` per event that has a line
(``services.event_text.event_line``). A level paged (``incident.level``,
``incident.escalate``, ``incident.reminder``: the timer's firing and a manual one alike)
also toasts and rings the bell, naming the incident's severity and situation (from a
declare in the same batch, else ``about(incident id)``, the screen's board). A notice
given up (``notify.failed``) toasts as a warning.

Events reach this only from the store watcher, which hands each event over once and
none of the history on file at start-up: so every attached UI announces a firing exactly
once, whichever process fired it, and a UI started later does not ring for the past.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from autus_tui.core.dashboard import Announcement
from autus_tui.core.incident_text import is_firing
from autus_tui.core.levels import Level
from autus_tui.core.runbook import Runbook
from autus_tui.core.text import clean
from autus_tui.services.event_text import event_line
from autus_tui.store import Event


def announcements(
    events: Iterable[Event], runbook: Runbook | None,
    about: Callable[[str], str | None] = lambda subject: None,
) -> list[Announcement]:
    events = list(events)
    declared = {e.subject: f"{clean(e.detail.get('severity', ''), 12)} "
                           f"{clean(e.detail.get('situation', ''), 60)}"
                for e in events if e.kind == "incident.declare" and not e.detail.get("already")}
    news: list[Announcement] = []
    for event in events:
        line = event_line(event, runbook)
        if line is None:
            continue
        if is_firing(event.kind, event.detail):
            what = declared.get(event.subject) or about(event.subject)
            text = f"{line} — {what}" if what else line
            news.append(Announcement(event.at, text, toast=True, bell=True))
        elif event.kind == "notify.failed":
            news.append(Announcement(event.at, line, Level.WARN, toast=True))
        else:
            news.append(Announcement(event.at, line))
    return news
