"""The handover summary (the 18:00 "야간 on-call 인수인계"): data in, Markdown out.

What the next on-call must know, for *the shift being handed over* (``core.shifts``:
before a take-over the current on-call's shift; after one, the previous on-call's shift
and the current one, so taking over never hides what the outgoing shift wrote):

- who is on call and since when, who handed over to whom and when, the shifts covered;
- the health now (the latest poll's health, DOWN while an outage goes on, or how old the
  latest poll is);
- the open incidents first, each with its ladder state (``core.incident_report``);
- the open items of earlier slots left overdue (OVERDUE), of the current slot and the next;
- the metrics in WARN or CRIT now;
- the health over the shift: each outage with its duration, and per metric the worst held
  level with its time in WARN and CRIT (``core.episodes``);
- what was done in the shift: items done, N/A with reasons, verifications with evidence,
  incidents and rollbacks (``WorkRow``: the timeline's words);
- the notes written in the shift;
- the latest rollbacks with who, why, the conditions, from → to and each step's result.

``handover_markdown(summary, zone)`` is the export: the same content, a REHEARSAL banner
first for a rehearsal database. ``services.handover_data.handover_summary`` gathers it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from autus_tui.core import markdown as md
from autus_tui.core.day_report import NoteRow, duration
from autus_tui.core.levels import Level
from autus_tui.core.outages import Outage
from autus_tui.core.rehearsal_mark import BANNER
from autus_tui.core.rollback_report import rollback_blocks
from autus_tui.core.rollback_run import RunRecord
from autus_tui.core.schedule import SlotState
from autus_tui.core.shifts import Shift


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
class MetricWorst:
    """A metric's worst held level over the shift, and its time in WARN and CRIT."""

    key: str
    label: str
    worst: Level
    warn_s: float
    crit_s: float
    episodes: int


@dataclass(frozen=True)
class WorkRow:
    at: datetime
    text: str
    """In the timeline's words: ``alice done 에러 로그 실시간 감시``."""


@dataclass(frozen=True)
class HandoverSummary:
    now: datetime
    oncall: str | None
    shift_began: datetime | None
    """The current on-call's shift start; ``None`` when no one took over yet."""
    previous_oncall: str | None
    slots: tuple[SlotOpen, ...]
    alerts: tuple[MetricAlert, ...]
    notes: tuple[NoteRow, ...]
    """Written since ``window_start``."""
    incidents: tuple[str, ...] = ()
    """Open incidents, one line each with its ladder state."""
    rollbacks: tuple[RunRecord, ...] = ()
    """The latest rollbacks, newest first, with their steps."""
    window_start: datetime | None = None
    """Where the shift handed over began (``core.shifts.handover_window``)."""
    covered: tuple[Shift, ...] = ()
    health: str = ""
    """The health now in words (``ok``, ``degraded: slow``, ``DOWN since 09:01:00 …``)."""
    down_now: bool = False
    outages: tuple[Outage, ...] = ()
    """Outages that overlap the shift, oldest first."""
    worst: tuple[MetricWorst, ...] = ()
    done: tuple[WorkRow, ...] = ()
    """What was done in the shift, oldest first."""
    more_done: int = 0
    """Older entries left out of ``done`` (it keeps the newest)."""
    rehearsal: bool = False


Clock = Callable[[datetime], str]


def outage_text(outage: Outage, now: datetime, when: Clock) -> str:
    """``09:01:00–09:36:00 (0:35:00): health down: db`` (``since …`` while it goes on)."""
    lasted = duration(outage.lasted(now).total_seconds())
    if outage.end is None:
        return f"since {when(outage.start)}, {lasted} so far: {outage.reason}"
    return f"{when(outage.start)}–{when(outage.end)} ({lasted}): {outage.reason}"


def worst_text(row: MetricWorst) -> str:
    return (f"{row.worst.value} — {duration(row.crit_s)} in CRIT, {duration(row.warn_s)} in "
            f"WARN ({row.episodes} episode{'s' * (row.episodes != 1)})")


def handed_text(summary: HandoverSummary, when: Clock) -> str:
    """Who hands over to whom, and when."""
    if not summary.covered:
        return "nobody has taken over yet"
    handed = summary.covered[0] if len(summary.covered) > 1 else None
    if handed is not None and handed.end is not None:
        return f"{handed.oncall} → {handed.handed_to} at {when(handed.end)}"
    current = summary.covered[-1]
    return f"{current.oncall} hands over to the next on-call (not taken over yet)"


def covered_text(summary: HandoverSummary, when: Clock) -> str:
    parts = [f"{s.oncall} {when(s.start)}–{when(s.end)}" if s.end else
             f"{s.oncall} since {when(s.start)}" for s in summary.covered]
    return ", ".join(parts) if parts else "everything recorded"


def handover_markdown(summary: HandoverSummary, zone: tzinfo) -> str:
    def when(at: datetime) -> str:
        return f"{at.astimezone(zone):%H:%M}"

    def when_s(at: datetime) -> str:
        return f"{at.astimezone(zone):%H:%M:%S}"

    since = f" (since {when(summary.window_start)})" if summary.window_start else ""
    out = [f"# Handover — {summary.now.astimezone(zone):%Y-%m-%d %H:%M}", ""]
    if summary.rehearsal:
        out += [BANNER, ""]
    if summary.oncall:
        began = f" since {when(summary.shift_began)}" if summary.shift_began else ""
        before = (f", taking over from {md.inline(summary.previous_oncall)}"
                  if summary.previous_oncall else "")
        out.append(f"- On call: {md.inline(summary.oncall)}{began}{before}")
    else:
        out.append("- On call: nobody has taken over yet")
    out += [f"- Handed over: {md.inline(handed_text(summary, when))}",
            f"- This handover covers: {md.inline(covered_text(summary, when))}",
            f"- Health now: {md.inline(summary.health or 'no poll recorded')}"]
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
    out += _shift_health(summary, when_s, since)
    out += ["", f"## Done in the shift{since}", ""]
    if summary.more_done:
        out.append(f"- … {summary.more_done} earlier (see the timeline)")
    out += [f"- {when(row.at)} {md.inline(row.text)}" for row in summary.done]
    if not summary.done and not summary.more_done:
        out.append("Nothing recorded.")
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


def _shift_health(summary: HandoverSummary, when: Clock, since: str) -> list[str]:
    out = ["", f"## Health over the shift{since}", ""]
    if not summary.outages:
        out.append("- Outages: none")
    else:
        total = sum((o.lasted(summary.now) for o in summary.outages), timedelta(0))
        out.append(f"- Outages: {len(summary.outages)}, down "
                   f"{duration(total.total_seconds())} in all")
        out += [f"  - {md.inline(outage_text(o, summary.now, when))}" for o in summary.outages]
    if not summary.worst:
        out.append("- Levels: every metric stayed OK")
    out += [f"- {md.inline(row.label)}: {worst_text(row)}" for row in summary.worst]
    return out
