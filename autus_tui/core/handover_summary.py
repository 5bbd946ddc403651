"""The handover summary (the 18:00 "야간 on-call 인수인계"): data in, Markdown out.

What the next on-call must know: who is on call and since when; the open incidents
first, each with its ladder state (``core.incident_report.handover_line``); the open
items of earlier slots left overdue (marked OVERDUE), of the current slot and of the
next; the metrics in WARN or CRIT; the notes written since the shift began; and the
latest rollbacks with who, why, the conditions, from → to and each step's result. With
no incident open, "Open incidents — None recorded." stays at the end, where it was.
``autus_tui.services.report_data.handover_summary`` gathers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from autus_tui.core import markdown as md
from autus_tui.core.day_report import NoteRow
from autus_tui.core.levels import Level
from autus_tui.core.rollback_report import rollback_blocks
from autus_tui.core.rollback_run import RunRecord
from autus_tui.core.schedule import SlotState


@dataclass(frozen=True)
class OpenItem:
    id: str
    text: str
    overdue: bool


@dataclass(frozen=True)
class SlotOpen:
    title: str
    at_text: str
    state: SlotState
    items: tuple[OpenItem, ...]
    """Open items only."""


@dataclass(frozen=True)
class MetricAlert:
    key: str
    label: str
    level: Level
    value: str
    """Formatted with unit, e.g. ``1.50%``."""


@dataclass(frozen=True)
class HandoverSummary:
    now: datetime
    oncall: str | None
    shift_began: datetime | None
    """The last handover's time; ``None`` when no one took over yet (all notes count)."""
    previous_oncall: str | None
    slots: tuple[SlotOpen, ...]
    alerts: tuple[MetricAlert, ...]
    notes: tuple[NoteRow, ...]
    incidents: tuple[str, ...] = ()
    """Open incidents, one line each with its ladder state."""
    rollbacks: tuple[RunRecord, ...] = ()
    """The latest rollbacks, newest first, with their steps."""


def handover_markdown(summary: HandoverSummary, zone: tzinfo) -> str:
    def when(at: datetime) -> str:
        return f"{at.astimezone(zone):%H:%M}"

    out = [f"# Handover — {summary.now.astimezone(zone):%Y-%m-%d %H:%M}", ""]
    if summary.oncall:
        since = f" since {when(summary.shift_began)}" if summary.shift_began else ""
        before = (f", taking over from {md.inline(summary.previous_oncall)}"
                  if summary.previous_oncall else "")
        out.append(f"- On call: {md.inline(summary.oncall)}{since}{before}")
    else:
        out.append("- On call: nobody has taken over yet")
    if summary.incidents:
        out += ["", "## Open incidents", ""]
        out += [f"- {md.inline(line)}" for line in summary.incidents]
    out += ["", "## Open checklist items"]
    for slot in summary.slots:
        out += ["", f"### {md.inline(slot.title)} ({slot.at_text}) — {slot.state.value}", ""]
        if not slot.items:
            out.append("Nothing open.")
        for item in slot.items:
            flag = " — OVERDUE" if item.overdue else ""
            out.append(f"- {md.inline(item.text)}{flag}")
    out += ["", "## Metrics in WARN or CRIT", ""]
    if not summary.alerts:
        out.append("None.")
    for alert in summary.alerts:
        out.append(f"- {md.inline(alert.label)}: {alert.level.value} ({md.inline(alert.value)})")
    out += ["", "## Notes since the shift began", ""]
    if not summary.notes:
        out.append("None.")
    for note in summary.notes:
        out += md.note_item(f"{when(note.at)} {md.inline(note.operator)}", note.text)
    if not summary.incidents:
        out += ["", "## Open incidents", "", "None recorded."]
    out += ["", "## Rollbacks"]
    out += rollback_blocks(summary.rollbacks, when) or ["", "None recorded."]
    return "\n".join(out) + "\n"
