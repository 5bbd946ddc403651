"""The debrief of a rehearsal: what the scenario injected and when, against what the
operators did. Data in (``DebriefData`` in ``ReportData.extra["debrief"]``, with the
report's ``incidents`` and ``rollbacks``), Markdown out (``report_section``: the report's
"Debrief" section, only for a rehearsal).

Matching. Each injected event, earliest first, is answered by the first incident declared
from its start until ``MATCH_AFTER`` after its end that no earlier event took. Its row
gives the times from the injection's start: to declare, to the first acknowledgement, to
resolve (and whether the incident was still open). Incidents that answer no injected event
are listed after the table. Items done late against their slot: marked after the slot's
window ended (the next slot began), or still open then, for the slots that ended while
the rehearsal was recorded (an hour's rehearsal from 09:00 does not blame the night's
checks). The rollback dry runs: who, when (from the start of an injected event running
then), from → to, conditions, how it ended.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from autus_tui.core import markdown as md
from autus_tui.core.incident_report import IncidentFacts
from autus_tui.core.rollback_run import RunRecord
from autus_tui.core.schedule import hms

if TYPE_CHECKING:
    from autus_tui.core.day_report import ReportData

MATCH_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class Injected:
    number: int
    kind: str
    label: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class LateItem:
    text: str
    slot: str
    due: datetime
    """When its slot's window ended."""
    done_at: datetime | None
    """When it was marked done or N/A; ``None``: still open."""


@dataclass(frozen=True)
class DebriefData:
    scenario: str | None
    """The scenario played (``None``: none was recorded in this database)."""
    injected: tuple[Injected, ...] = ()
    late: tuple[LateItem, ...] = ()


@dataclass(frozen=True)
class Answer:
    injected: Injected
    incident: IncidentFacts | None


def match(injected: Sequence[Injected], facts: Sequence[IncidentFacts]) -> list[Answer]:
    taken: set[int] = set()
    answers = []
    for event in sorted(injected, key=lambda e: (e.start, e.number)):
        found = next((f for f in sorted(facts, key=lambda f: (f.declared_at, f.id))
                      if f.id not in taken
                      and event.start <= f.declared_at < event.end + MATCH_AFTER), None)
        if found is not None:
            taken.add(found.id)
        answers.append(Answer(event, found))
    return answers


def after(start: datetime, moment: datetime) -> str:
    seconds = int((moment - start).total_seconds())
    return f"+{hms(seconds, hour_digits=1)}" if seconds >= 0 else f"-{hms(-seconds, 1)}"


def report_section(data: ReportData) -> list[str]:
    debrief = data.extra.get("debrief")
    if not data.rehearsal or not isinstance(debrief, DebriefData):
        return []
    facts: Sequence[IncidentFacts] = data.extra.get("incidents", ())
    runs: Sequence[RunRecord] = data.extra.get("rollbacks", ())
    out = ["## Debrief (rehearsal)", ""]
    if debrief.scenario is None:
        out += ["No scenario was recorded in this database (it is recorded when `demo` or "
                "`backend --db` starts one).", ""]
    else:
        out += [f"Scenario: {md.inline(debrief.scenario)}. Times are from the start of "
                "each injected event.", ""]
    answers = match(debrief.injected, facts)
    if answers:
        out += md.table(["Injected", "Window", "Declared", "Acknowledged", "Resolved"],
                        [_row(data, answer) for answer in answers])
    elif debrief.scenario is not None:
        out.append("The scenario injected nothing.")
    tied = {a.incident.id for a in answers if a.incident is not None}
    loose = [f for f in facts if f.id not in tied]
    if loose:
        out += ["", "Incidents that answer no injected event: " + "; ".join(
            f"{f.label} {md.inline(f.severity)} {md.inline(f.situation)} declared "
            f"{data.when(f.declared_at)} by {md.inline(f.declared_by)}" for f in loose)]
    out += ["", "### Items done late against their slot", ""]
    if not debrief.late:
        out.append("None: every slot that ended during the rehearsal was closed in time.")
    else:
        out += md.table(["Item", "Slot", "Due", "Done", "Late by"], [
            [md.inline(item.text), md.inline(item.slot), data.when(item.due),
             data.when(item.done_at) if item.done_at else "still open",
             hms(int((item.done_at - item.due).total_seconds()), 1) if item.done_at else "—"]
            for item in debrief.late])
    out += ["", "### Rollback dry run", ""]
    dry = [run for run in runs if run.rehearsal]
    if not dry:
        out.append("None was started.")
    for run in dry:
        running = next((e for e in debrief.injected if e.start <= run.started_at <= e.end), None)
        when = ""
        if running is not None:
            what = md.inline(running.label or running.kind)
            when = f" ({after(running.start, run.started_at)} after {what} began)"
        conditions = ", ".join(md.inline(c) for c in run.conditions) or "none ticked"
        ended = run.state.value + (f" at {data.when(run.ended_at)}" if run.ended_at else "")
        out.append(f"- #{run.id} by {md.inline(run.started_by)} at "
                   f"{data.when(run.started_at)}{when}: {md.inline(run.from_version)} → "
                   f"{md.inline(run.target)}, {ended}; conditions: {conditions}")
    return out


def _row(data: ReportData, answer: Answer) -> list[str]:
    event, found = answer.injected, answer.incident
    what = f"#{event.number} " + md.inline(event.kind + (f" — {event.label}" if event.label
                                                         else ""))
    window = f"{data.when(event.start)}–{data.when(event.end)}"
    if found is None:
        return [what, window, "not declared", "—", "—"]
    declared = (f"{found.label} {after(event.start, found.declared_at)} by "
                f"{md.inline(found.declared_by)}")
    acked = "—"
    if found.acknowledged_at is not None:
        acked = (f"{after(event.start, found.acknowledged_at)} by "
                 f"{md.inline(found.acknowledged_by or '')}")
    resolved = "still open"
    if found.resolved_at is not None:
        resolved = (f"{after(event.start, found.resolved_at)} by "
                    f"{md.inline(found.resolved_by or '')}")
    return [what, window, declared, acked, resolved]
