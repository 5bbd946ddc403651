"""A rollback plan and a rollback run as Content lines (what the two dialogs show).

``plan_lines(plan)``: the running version, what ``git tag -l '<current_pattern>'`` lists,
the resolved target among the candidates, the commits rolled back, the preflight checks
(ok / FAILED with the reason) and each step's exact argv (shell-quoted for display) and
folder. (In rehearsal the dialog's title says "dry run: nothing is executed".)

``run_head(run, zone)`` / ``step_lines(run)`` / ``output_line(line, zone)``: the run
view's parts — state, from → to, who started it, when and why, the conditions, a
cancel request, the outcome; each step's state, exit code and duration; each output
line with its time, step and stream.

Tags, paths, commit subjects, reasons, names and command output are outside text: all of
it goes through ``ui.safe`` (never markup, no control characters).
"""

from __future__ import annotations

import shlex
from datetime import datetime, tzinfo

from autus_tui.core.rollback_plan import RollbackPlan
from autus_tui.core.rollback_run import RunLine, RunRecord, RunState, StepState
from autus_tui.core.rollback_text import seconds
from autus_tui.ui import safe

DRY_RUN = "REHEARSAL — dry run: nothing is executed"
DRY_STYLE = "bold reverse $warning"
OK_WORD = safe.Content.styled(" ok ", "bold $success")
FAILED_WORD = safe.Content.styled(" FAILED ", "bold reverse $error")
RUN_STYLES = {
    RunState.RUNNING: "bold reverse $accent", RunState.SUCCEEDED: "bold $success",
    RunState.FAILED: "bold reverse $error", RunState.CANCELLED: "bold reverse $warning",
    RunState.UNKNOWN: "bold reverse $warning",
}
STEP_STYLES = {
    StepState.PENDING: "dim", StepState.RUNNING: "bold $accent",
    StepState.SUCCEEDED: "bold $success", StepState.FAILED: "bold $error",
    StepState.TIMEOUT: "bold $error", StepState.CANCELLED: "bold $warning",
    StepState.SKIPPED: "dim", StepState.UNKNOWN: "bold $warning",
}
STREAM_STYLES = {"stderr": "$error", "system": "dim italic"}
COMMITS_SHOWN = 12


def heading(text: str) -> safe.Content:
    return safe.styled(text, "bold underline")


def plan_lines(plan: RollbackPlan) -> list[safe.Content]:
    out: list[safe.Content] = []
    head = f" (HEAD {plan.head[:12]})" if plan.head else ""
    out.append(safe.join(("Running  ", "bold"),
                         safe.styled(plan.running or "unknown", "bold", 80), safe.plain(head)))
    listing = f"git tag -l {shlex.quote(plan.current_pattern)}"
    out.append(safe.join(("$ ", "dim"), safe.plain(listing, 120)))
    out += [safe.join("  ", safe.plain(tag, 120)) for tag in plan.current_tags] or [
        safe.styled("  (no tag matches)", "dim")]
    out.append(_target(plan))
    out.append(safe.plain(""))
    out += _commits(plan)
    out += [safe.plain(""), heading("Preflight checks")]
    for check in plan.checks:
        out.append(safe.join(OK_WORD if check.ok else FAILED_WORD, " ",
                             safe.styled(check.label, "bold", 60), " — ",
                             safe.plain(check.reason, 300)))
    out += [safe.plain(""), heading("Steps (in order; argv as run, never through a shell)")]
    for step in plan.steps:
        out.append(safe.join(f"{step.index + 1}. ", safe.styled(step.name, "bold", 60),
                             safe.styled(f"  timeout {step.timeout:g} s", "dim")))
        out.append(safe.join("   $ ", safe.plain(step.command, 300)))
        out.append(safe.join(("   in ", "dim"), safe.plain(step.cwd, 300)))
    out.append(safe.join(("Then the notice: ", "dim"), safe.plain(plan.notice, 200)))
    return out


def _target(plan: RollbackPlan) -> safe.Content:
    among = " ".join(plan.candidates) or "none"
    if plan.target is None:
        return safe.join(("Target   ", "bold"), safe.styled("none", "bold $error"),
                         safe.plain(f" — no usable tag matches {plan.pattern} ({among})", 300))
    sha = f" ({plan.target_sha[:12]})" if plan.target_sha else ""
    return safe.join(("Target   ", "bold"), safe.styled(plan.target, "bold reverse", 80),
                     safe.plain(sha), safe.plain(f" — highest of {plan.pattern}: {among}", 300))


def _commits(plan: RollbackPlan) -> list[safe.Content]:
    if plan.target is None or not plan.target_sha:
        return [heading("Commits rolled back"), safe.styled("  not known: no target", "dim")]
    count = f" ({plan.commits_total})" if plan.commits_total else ""
    out = [safe.join(heading("Commits rolled back"), safe.plain(count))]
    out += [safe.join("  ", safe.styled(c.sha, "dim", 16), " ", safe.plain(c.subject, 200))
            for c in plan.commits[:COMMITS_SHOWN]]
    more = plan.commits_total - min(len(plan.commits), COMMITS_SHOWN)
    if more > 0:
        out.append(safe.styled(f"  … {more} more", "dim"))
    if not plan.commits_total:
        out.append(safe.styled("  none: HEAD is the target already", "dim"))
    return out


def state_word(run: RunRecord) -> safe.Content:
    return safe.styled(f" {run.state.value.upper()} ", RUN_STYLES[run.state])


def run_head(run: RunRecord, zone: tzinfo) -> list[safe.Content]:
    def when(at: datetime | None) -> str:
        return "?" if at is None else at.astimezone(zone).strftime("%H:%M:%S")

    title: list[safe.Part] = [("Rollback ", "bold"), (f"#{run.id} ", "bold"), state_word(run),
                              " ", safe.styled(run.from_version or "?", "bold", 60), " → ",
                              safe.styled(run.target, "bold", 60)]
    out = [safe.join(*title)]
    if run.rehearsal:
        out.append(safe.styled(f" {DRY_RUN} ", DRY_STYLE))
    out.append(safe.join("started by ", safe.styled(run.started_by, "bold", 40),
                         f" at {when(run.started_at)} · reason: ", safe.plain(run.reason, 300)))
    conditions = ", ".join(run.condition_labels) or "none"
    out.append(safe.join(("conditions: ", "dim"), safe.plain(conditions, 300)))
    if run.cancel_requested_by:
        out.append(safe.join("cancel requested by ",
                             safe.styled(run.cancel_requested_by, "bold", 40),
                             f" at {when(run.cancel_requested_at)}"))
    if run.state is RunState.UNKNOWN:
        out.append(safe.styled("state unknown: its runner stopped without finishing; "
                               "it is never re-run", "bold $warning"))
    if run.outcome:
        out.append(safe.join(("outcome: ", "bold"), safe.plain(run.outcome, 400)))
    return out


def step_lines(run: RunRecord) -> list[safe.Content]:
    """Two lines a step: number, state, exit code, duration, name; then argv and folder."""
    out = []
    for step in run.steps:
        exit_code = "" if step.exit_code is None else f"  exit {step.exit_code}"
        duration = f"  {seconds(step.duration)}" if step.duration is not None else ""
        out.append(safe.join(
            f"{step.index + 1}. ", safe.styled(step.state.value.upper(), STEP_STYLES[step.state]),
            safe.plain(f"{exit_code}{duration}"), "  ", safe.styled(step.name, "bold", 60)))
        out.append(safe.join("   $ ", safe.plain(step.command, 200),
                             safe.styled("  in ", "dim"), safe.plain(step.cwd, 200)))
    return out


def output_line(line: RunLine, zone: tzinfo) -> safe.Content:
    step = "  " if line.step is None else f"{line.step + 1} "
    text = safe.styled(line.text, STREAM_STYLES[line.stream], 1000) \
        if line.stream in STREAM_STYLES else safe.plain(line.text, 1000)
    return safe.join((line.at.astimezone(zone).strftime("%H:%M:%S"), "dim"), " ",
                     (step, "dim"), text)
