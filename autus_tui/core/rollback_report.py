"""The rollbacks, in Markdown, for the D-Day report and the handover export.

``rollback_blocks(runs, when)``: for each run (in the order given) a heading with who,
when, from → to and how it ended, its reason, conditions and outcome, and a table of its
steps: command, folder, result, exit code, duration. ``report_section(data)`` is the
report's "## Rollbacks" builder; its runs are ``data.extra["rollbacks"]`` (oldest first,
``services.report_data`` reads them). Everything recorded is outside text: ``md.inline``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from autus_tui.core import markdown as md
from autus_tui.core.rollback_run import RunRecord
from autus_tui.core.rollback_text import When, run_headline, seconds

if TYPE_CHECKING:
    from autus_tui.core.day_report import ReportData

NONE = "No rollback was run."


def rollback_blocks(runs: Sequence[RunRecord], when: When, level: str = "###") -> list[str]:
    out: list[str] = []
    for run in runs:
        conditions = ", ".join(md.inline(label) for label in run.condition_labels) or "none"
        out += ["", f"{level} {md.inline(run_headline(run, when))}", "",
                f"- Reason: {md.inline(run.reason) or '—'}",
                f"- Conditions: {conditions}"]
        if run.outcome:
            out.append(f"- Outcome: {md.inline(run.outcome)}")
        if run.cancel_requested_by:
            at = when(run.cancel_requested_at) if run.cancel_requested_at else "?"
            out.append(f"- Cancel asked by {md.inline(run.cancel_requested_by)} at {at}")
        rows = [[str(step.index + 1), md.inline(step.name), md.inline(step.command),
                 md.inline(step.cwd), step.state.value,
                 "—" if step.exit_code is None else str(step.exit_code),
                 seconds(step.duration)] for step in run.steps]
        out += ["", *md.table(["#", "Step", "Command", "Folder", "Result", "Exit", "Duration"],
                              rows)]
    return out


def report_section(data: ReportData) -> list[str]:
    runs = data.extra.get("rollbacks") or ()
    if not runs:
        return ["## Rollbacks", "", NONE]
    return ["## Rollbacks", *rollback_blocks(runs, lambda at: data.when(at, seconds=True))]
