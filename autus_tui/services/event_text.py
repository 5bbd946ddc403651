"""Recorded events in words for the events pane: ``kim done 백엔드 서버 상태 확인``.

Checklist events name the item by its runbook text (the id when the runbook no longer
has it); a verify says PASS or FAIL with its evidence; an N/A carries its reason. A note
is ``bob note: text`` (its lines joined with `` / ``), a handover ``bob took over on-call
from alice``, a poller lease change ``bob polls the backend now`` / ``alice stopped
polling``. Kinds this module does not know (later work's) are shown as
``operator kind subject``.

Left out: clock events (the header shows the clock) and ``metric.level`` — the level
change it records is announced by this screen's dashboard from the same recorded poll by
the same rule (``core.held``), identically in every attached process, so showing both
would say it twice.

The line is outside text: the events pane shows it through ``ui.safe``.
"""

from __future__ import annotations

from autus_tui.core.runbook import Runbook
from autus_tui.services.pairing import holder_operator
from autus_tui.services.recorder import LEVEL_EVENT
from autus_tui.store import Event

WORDS = {"checklist.done": "done", "checklist.na": "N/A", "checklist.undo": "reopened"}
NOTE_LIMIT = 300


def event_line(event: Event, runbook: Runbook | None = None) -> str | None:
    if event.kind.startswith("clock.") or event.kind == LEVEL_EVENT:
        return None
    item = runbook.item(event.subject) if runbook and event.subject else None
    subject = item.text if item else event.subject
    who = event.operator or "system"
    detail = event.detail
    if event.kind in WORDS:
        line = f"{who} {WORDS[event.kind]} {subject}"
        if detail.get("reason"):
            line += f": {detail['reason']}"
        if detail.get("already"):
            line += " (already so)"
        return line
    if event.kind == "checklist.verify":
        word = "PASS" if detail.get("passed") else "FAIL"
        return f"{who} verify {word} {subject}: {detail.get('evidence', '')}"
    if event.kind == "note":
        text = " / ".join(line for line in str(detail.get("text", "")).splitlines() if line)
        return f"{who} note: {text[:NOTE_LIMIT]}"
    if event.kind == "handover":
        before = str(detail.get("from") or "")
        return f"{who} took over on-call" + (f" from {before}" if before else "")
    if event.kind == "poller.start":
        line = f"{who} polls the backend now"
        previous = str(detail.get("previous") or "")
        return line + (f" (after {holder_operator(previous)})" if previous else "")
    if event.kind == "poller.stop":
        return f"{who} stopped polling the backend"
    return f"{who} {event.kind} {subject}".rstrip()
