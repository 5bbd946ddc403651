"""The handover summary as Content lines (what ``HandoverScreen`` shows).

Sections, top to bottom: who is on call (and since when, from whom); one line of
counts (open, overdue, alerts, notes, DOWN while an outage goes on: what 80x24 shows
above the fold); the open incidents first, one per line with its ladder state
(``INCIDENT`` in reverse video); the open items of earlier overdue slots, the current slot
and the next (``[ ]``, OVERDUE in words); the metrics in WARN or CRIT (level words); who
hands over to whom and when, the shifts this view covers and the health now; the health
over the shift (each outage with its duration, each metric's worst level with its time
in WARN and CRIT); what was done in the shift; the notes since the shift began (each
line of a note on its own line, indented); "Open incidents — none open" at the end when
there is none; "Rollbacks — none", else the latest runs: who, when, from → to, how they
ended, the reason and conditions, each step's result and duration. Runbook text,
operator names, notes, incidents and rollback records are outside text: everything goes
through ``ui.safe``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from autus_tui.core.handover_summary import (
    HandoverSummary,
    covered_text,
    handed_text,
    outage_text,
    worst_text,
)
from autus_tui.core.rollback_run import RunRecord
from autus_tui.core.rollback_text import run_headline, run_why, step_line
from autus_tui.ui import safe
from autus_tui.ui.widgets.checklist.render import OVERDUE_STYLE, STATE_STYLES

INCIDENTS_NONE = "none open"
ROLLBACK_NONE = "none"
DONE_LINES = 40
"""Entries of work done shown here (the export keeps more)."""
NOTE_LINES = 12
"""Lines of one note shown here (the export and the timeline keep the whole note)."""


def summary_lines(summary: HandoverSummary, zone: tzinfo) -> list[safe.Content]:
    def when(at: datetime) -> str:
        return at.astimezone(zone).strftime("%H:%M")

    def heading(text: str, extra: safe.Content | None = None) -> safe.Content:
        return safe.join((text, "bold underline"), *([extra] if extra is not None else []))

    out = [_oncall(summary, when), _at_a_glance(summary), safe.plain("")]
    if summary.incidents:
        out.append(heading("Open incidents"))
        out += [safe.join("  ", ("INCIDENT", "bold reverse $error"), " ", safe.plain(line, 400))
                for line in summary.incidents]
        out.append(safe.plain(""))
    out.append(heading("Open checklist items"))
    for slot in summary.slots:
        out.append(safe.join(
            (slot.at_text, "bold"), " ", safe.styled(slot.title, "bold", 40), " ",
            safe.styled(f" {slot.state.value.upper()} ", STATE_STYLES[slot.state])))
        if not slot.items:
            out.append(safe.styled("  nothing open", "dim"))
        for item in slot.items:
            parts: list[safe.Part] = ["  [ ] "]
            if item.overdue:
                parts += [safe.styled("OVERDUE", OVERDUE_STYLE), " "]
            parts.append(safe.plain(item.text, 300))
            out.append(safe.join(*parts))
    if not summary.slots:
        out.append(safe.styled("  no slots", "dim"))

    out += [safe.plain(""), heading("Metrics in WARN or CRIT")]
    if not summary.alerts:
        out.append(safe.styled("  none", "dim"))
    for alert in summary.alerts:
        out.append(safe.join("  ", safe.level_word(alert.level, 7), " ",
                             safe.styled(alert.label, "bold", 30), " ",
                             safe.plain(alert.value, 30)))

    since = safe.plain(f" (since {when(summary.window_start)})" if summary.window_start else "")
    out += _shift_lines(summary, zone, when, heading, since)
    out += [safe.plain(""), heading("Notes since the shift began", since)]
    if not summary.notes:
        out.append(safe.styled("  none", "dim"))
    for note in summary.notes:
        lines = note.text.splitlines() or [""]
        head = safe.join("  ", (when(note.at), "dim"), " ", safe.styled(note.operator, "bold", 24),
                         "  ", safe.plain(lines[0], 300))
        out.append(head)
        for line in lines[1:NOTE_LINES]:
            out.append(safe.join("        ", safe.plain(line, 300)))
        if len(lines) > NOTE_LINES:
            out.append(safe.styled(f"        … {len(lines) - NOTE_LINES} more lines", "dim"))

    out.append(safe.plain(""))
    if not summary.incidents:
        out.append(safe.join(("Open incidents", "bold underline"), " — ",
                             safe.styled(INCIDENTS_NONE, "dim")))
    if not summary.rollbacks:
        out.append(safe.join(("Rollbacks", "bold underline"), " — ",
                             safe.styled(ROLLBACK_NONE, "dim")))
    else:
        out.append(heading("Rollbacks"))
    for run in summary.rollbacks:
        out += _rollback(run, when)
    return out


def _shift_lines(
    summary: HandoverSummary, zone: tzinfo, when: Callable[[datetime], str],
    heading: Callable[[str, safe.Content | None], safe.Content], since: safe.Content,
) -> list[safe.Content]:
    def seconds(at: datetime) -> str:
        return at.astimezone(zone).strftime("%H:%M:%S")

    out = [safe.plain(""), heading("Handover", None),
           safe.join("  ", safe.styled(handed_text(summary, when), "bold", 200)),
           safe.join("  covers ", safe.plain(covered_text(summary, when), 200)),
           safe.join("  health now ", safe.styled(summary.health or "no poll recorded",
                                                  "bold $error" if summary.down_now else "",
                                                  200)),
           safe.plain(""), heading("Health over the shift", since)]
    if not summary.outages:
        out.append(safe.styled("  no outage", "dim"))
    for outage in summary.outages:
        out.append(safe.join("  ", ("DOWN", "bold reverse $error"), " ",
                             safe.plain(outage_text(outage, summary.now, seconds), 300)))
    if not summary.worst:
        out.append(safe.styled("  every metric stayed OK", "dim"))
    for worst in summary.worst:
        out.append(safe.join("  ", safe.level_word(worst.worst, 7), " ",
                             safe.styled(worst.label, "bold", 30), " ",
                             safe.plain(worst_text(worst).split(" — ", 1)[-1], 120)))
    out += [safe.plain(""), heading("Done in the shift", since)]
    if summary.more_done:
        out.append(safe.styled(f"  … {summary.more_done} earlier (t: the timeline)", "dim"))
    if not summary.done and not summary.more_done:
        out.append(safe.styled("  nothing recorded", "dim"))
    for row in summary.done[-DONE_LINES:]:
        out.append(safe.join("  ", (when(row.at), "dim"), " ", safe.plain(row.text, 300)))
    return out


def _rollback(run: RunRecord, when: Callable[[datetime], str]) -> list[safe.Content]:
    lines = [safe.join("  ", safe.styled(run_headline(run, when), "bold", 200)),
             safe.join("    ", safe.plain(run_why(run), 300))]
    if run.outcome:
        lines.append(safe.join("    ", safe.styled(run.outcome, "dim", 300)))
    lines += [safe.join("    ", safe.plain(step_line(step), 200)) for step in run.steps]
    return lines


def _oncall(summary: HandoverSummary, when: Callable[[datetime], str]) -> safe.Content:
    label = ("On call ", "bold")
    if not summary.oncall:
        return safe.join(label, safe.styled("nobody has taken over yet", "bold $warning"),
                         safe.styled("  (o: take over)", "dim"))
    parts: list[safe.Part] = [label, safe.styled(summary.oncall, "bold reverse $accent", 24)]
    if summary.shift_began is not None:
        parts.append(f" since {when(summary.shift_began)}")
    if summary.previous_oncall:
        parts += [", taking over from ", safe.plain(summary.previous_oncall, 24)]
    return safe.join(*parts)


def _at_a_glance(summary: HandoverSummary) -> safe.Content:
    """One line that fits 80 columns: the counts of every section below."""
    items = [item for slot in summary.slots for item in slot.items]
    overdue = sum(item.overdue for item in items)
    notes = len(summary.notes)
    parts: list[safe.Part] = [f"{len(items)} open"]
    if overdue:
        parts += [" (", safe.styled(f"{overdue} OVERDUE", OVERDUE_STYLE), ")"]
    parts.append(f" · {len(summary.alerts)} in WARN/CRIT · {notes} note{'s' * (notes != 1)}")
    if summary.down_now:
        parts += [" · ", safe.styled("DOWN", "bold reverse $error")]
    calm = not overdue and not summary.down_now
    return safe.join(*parts).stylize("dim") if calm else safe.join(*parts)


def title(summary: HandoverSummary, zone: tzinfo) -> safe.Content:
    moment = summary.now.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
    return safe.join(("Handover", "bold"), " — ", moment)
