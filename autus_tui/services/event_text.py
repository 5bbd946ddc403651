"""Recorded events in words for the events pane: ``kim done 백엔드 서버 상태 확인``.

Checklist events name the item by its runbook text (the id when the runbook no longer
has it); a verify says PASS or FAIL with its evidence; an N/A carries its reason. A note
is ``bob note: text`` (its lines joined with `` / ``), a handover ``bob took over on-call
from alice``, a poller lease change ``bob polls the backend now`` / ``alice stopped
polling``; a rollback's events say the run, from → to, reason and conditions, each step's
result (``core.rollback_text``); incidents and their notices in ``core.incident_text``'s
words (``alice declared #3 심각 서버 다운 → 즉시 재시작``, ``#3 L2 백엔드 리드 paged``,
``notice for #3 sent``). Kinds this module does not know (later work's) are shown as
``operator kind subject``.

A change of the shared rehearsal clock is said (``bob set the rehearsal clock (60x)``,
at the clock's new time): every attached process follows it, and the operators should
know why their header jumped. Left out: ``metric.level`` — the level change it records
is announced by this screen's dashboard from the same recorded poll by the same rule
(``core.held``), identically in every attached process, so showing both would say it
twice.

The line is outside text: the events pane shows it through ``ui.safe``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autus_tui.core.incident_text import event_text as incident_text
from autus_tui.core.rollback_text import event_text as rollback_text
from autus_tui.core.runbook import Runbook
from autus_tui.services.pairing import holder_operator
from autus_tui.services.recorder import LEVEL_EVENT
from autus_tui.store import Event

WORDS = {"checklist.done": "done", "checklist.na": "N/A", "checklist.undo": "reopened"}
NOTE_LIMIT = 300


CLOCK_WORDS = {"clock.set": "set the rehearsal clock", "clock.speed": "changed the pace of "
               "the rehearsal clock", "clock.start": "started the rehearsal clock"}


def event_line(event: Event, runbook: Runbook | None = None) -> str | None:
    if event.kind == LEVEL_EVENT:
        return None
    if event.kind in CLOCK_WORDS:  # the line's time is the clock's new time
        speed = event.detail.get("speed")
        pace = f" ({speed:g}x)" if isinstance(speed, (int, float)) else ""
        return f"{event.operator or 'system'} {CLOCK_WORDS[event.kind]}{pace}"
    if event.kind == "launch.day":
        return f"launch day {event.subject} stored in this database"
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
        return f"{who} verify {verdict_word(detail)} {subject}: {detail.get('evidence', '')}"
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
    if event.kind.startswith("rollback."):
        return rollback_text(event.kind, who, event.subject, detail)
    if (said := incident_text(event.kind, who, event.subject, detail)) is not None:
        return said
    if event.kind == "poller.stop":
        return f"{who} stopped polling the backend"
    return f"{who} {event.kind} {subject}".rstrip()


def verdict_word(detail: Mapping[str, Any]) -> str:
    """A recorded verify verdict's word: its own (a probe's WARN), else PASS or FAIL."""
    word = detail.get("word")
    if isinstance(word, str) and word:
        return word
    return "PASS" if detail.get("passed") else "FAIL"
