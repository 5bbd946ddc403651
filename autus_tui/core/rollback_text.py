"""A rollback run in words: one source for the events pane, timeline, handover and report.

``run_headline(run, when)``: ``#3 alice 09:05: v1.0.0 → v0.9.10 SUCCEEDED``
(``(rehearsal, dry run)`` after it in rehearsal);
``run_why(run)``: ``reason: gate down 35 min · conditions: 전체 서비스 30분 이상 중단``;
``step_line(step)``: ``1. 태그 확인 — succeeded, exit 0, 0.4 s``. ``when`` formats a
time (each caller has its zone and format). ``event_detail(kind, detail)`` says what one
``rollback.*`` event recorded (its detail as written by ``store.rollbacks``);
``event_text`` makes it a line of the events pane, naming the run and who.

Every text here is outside text (names, reasons, tags, command output were cleaned
when recorded): callers still show it through ``ui.safe`` or ``core.markdown``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from autus_tui.core.rollback import condition_label
from autus_tui.core.rollback_run import RunRecord, StepRecord

When = Callable[[datetime], str]


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} s"


def run_headline(run: RunRecord, when: When) -> str:
    dry = " (rehearsal, dry run)" if run.rehearsal else ""
    return (f"#{run.id} {run.started_by} {when(run.started_at)}: "
            f"{run.from_version or '?'} → {run.target} {run.state.value.upper()}{dry}")


def run_why(run: RunRecord) -> str:
    conditions = ", ".join(run.condition_labels) or "none"
    return f"reason: {run.reason or '—'} · conditions: {conditions}"


def step_result(step: StepRecord) -> str:
    """``succeeded, exit 0, 0.4 s``; a step never started says only its state."""
    parts = [step.state.value]
    if step.exit_code is not None:
        parts.append(f"exit {step.exit_code}")
    if step.duration is not None:
        parts.append(seconds(step.duration))
    return ", ".join(parts)


def step_line(step: StepRecord) -> str:
    return f"{step.index + 1}. {step.name} — {step_result(step)}"


def run_lines(run: RunRecord, when: When) -> list[str]:
    """Headline, why, the outcome when it ended, then one line per step."""
    lines = [run_headline(run, when), run_why(run)]
    if run.outcome:
        lines.append(f"outcome: {run.outcome}")
    lines += [step_line(step) for step in run.steps]
    return lines


def event_detail(kind: str, detail: Mapping[str, Any]) -> str:
    """What a ``rollback.*`` event recorded (the timeline's detail column)."""
    if kind == "rollback.start":
        labels = ", ".join(condition_label(str(key)) for key in detail.get("conditions") or [])
        dry = " (rehearsal, dry run)" if detail.get("rehearsal") else ""
        return (f"{detail.get('from') or '?'} → {detail.get('target', '?')}{dry} · "
                f"reason: {detail.get('reason', '')} · conditions: {labels or 'none'}")
    if kind == "rollback.step":
        parts = [str(detail.get("state", "?"))]
        if detail.get("exit_code") is not None:
            parts.append(f"exit {detail['exit_code']}")
        duration = detail.get("duration")
        if isinstance(duration, (int, float)):
            parts.append(seconds(float(duration)))
        number = int(detail.get("step", 0)) + 1
        return f"step {number} ({detail.get('name', '?')}): {', '.join(parts)}"
    if kind == "rollback.cancel":
        return f"cancel asked (target {detail.get('target', '?')})"
    if kind in ("rollback.finish", "rollback.unknown"):
        state = "unknown" if kind == "rollback.unknown" else str(detail.get("state", "?"))
        return f"{state.upper()}: {detail.get('outcome', '')}"
    return ""


def event_text(kind: str, who: str, run: str, detail: Mapping[str, Any]) -> str:
    """A ``rollback.*`` event as one line of the events pane (``run``: the run's id)."""
    said = event_detail(kind, detail)
    if kind == "rollback.start":
        return f"{who} started rollback #{run}: {said}"
    if kind == "rollback.cancel":
        return f"{who} asked to cancel rollback #{run}"
    if kind == "rollback.unknown":
        return f"rollback #{run} {said} (seen by {who})"
    return f"rollback #{run} {said}".rstrip()
