"""Recorded events in words for the events pane: ``kim done 백엔드 서버 상태 확인``.

Checklist events name the item by its runbook text (the id when the runbook no longer
has it); a verify says PASS or FAIL with its evidence; an N/A carries its reason. Kinds
this module does not know (later work's) are shown as ``operator kind subject``; clock
events are left to the header. The line is outside text: the events pane shows it
through ``ui.safe``.
"""

from __future__ import annotations

from autus_tui.core.runbook import Runbook
from autus_tui.store import Event

WORDS = {"checklist.done": "done", "checklist.na": "N/A", "checklist.undo": "reopened"}


def event_line(event: Event, runbook: Runbook | None = None) -> str | None:
    if event.kind.startswith("clock."):
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
    return f"{who} {event.kind} {subject}".rstrip()
