"""A rollback run as it is recorded: the run, its steps, its output lines, start results.

These are the read model a dialog renders (``store.rollbacks`` builds them from the
database). Every text here that came from outside (command output, the reason, names)
was cleaned before it was written, with ``clean_line``: control characters, escape
sequences and bidi/zero-width format characters removed, length capped. It is still
outside text: show it literally (``ui.safe``), never as markup.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from autus_tui.core.rollback import condition_label
from autus_tui.core.rollback_plan import Problem, RollbackPlan
from autus_tui.core.text import clip, strip_controls

LINE_LIMIT = 1000
"""Characters kept of one output line (the rest becomes '…')."""
# Bidi embeddings/overrides/isolates and zero-width format characters
# (docs/architecture.md, "Safety").
_FORMAT = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]")


def clean_line(value: object, limit: int = LINE_LIMIT) -> str:
    """Outside text as one printable, bounded line without bidi or control characters."""
    return clip(_FORMAT.sub("", strip_controls(str(value))), limit)


class RunState(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"
    """Its runner died mid-run: what happened after the last line is not known."""


class StepState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"
    """Not run: an earlier step failed, or the run was cancelled or ended before it."""
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class StepRecord:
    index: int
    name: str
    argv: tuple[str, ...]
    cwd: str
    timeout: float
    state: StepState
    started_at: datetime | None = None
    ended_at: datetime | None = None
    exit_code: int | None = None
    """The process's exit status; negative is the signal that ended it; None: no exit."""
    duration: float | None = None
    """Real seconds the step took."""
    pid: int | None = None
    message: str = ""
    """One line: "exited 0", "timed out after 5 s: process group ended", "cancelled by bob"."""

    @property
    def command(self) -> str:
        return shlex.join(self.argv)


@dataclass(frozen=True)
class RunRecord:
    id: int
    started_by: str
    started_at: datetime
    reason: str
    conditions: tuple[str, ...]
    from_version: str
    target: str
    repo: str
    fingerprint: str
    rehearsal: bool
    state: RunState
    steps: tuple[StepRecord, ...] = ()
    runner_pid: int | None = None
    runner_host: str = ""
    runner_started: float | None = None
    """The runner process's start time (epoch seconds): tells it from a reused pid."""
    heartbeat: float | None = None
    """Real epoch seconds of the runner's last sign of life."""
    cancel_requested_by: str = ""
    cancel_requested_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: str = ""
    """One line saying how it ended (or why it is unknown)."""
    notice: str = ""
    """The internal notification ("v1.0.0 → v0.9.10 롤백 완료"): the planned text while
    running, kept when the run succeeded, "" when it ended any other way."""

    @property
    def active(self) -> bool:
        return self.state is RunState.RUNNING

    @property
    def condition_labels(self) -> tuple[str, ...]:
        return tuple(condition_label(key) for key in self.conditions)

    @property
    def current_step(self) -> StepRecord | None:
        return next((s for s in self.steps if s.state is StepState.RUNNING), None)

    def describe(self) -> str:
        """"rollback #3 to v0.9.10 started by alice at 2026-…", for refusals and lists."""
        kind = "rehearsal rollback" if self.rehearsal else "rollback"
        return (f"{kind} #{self.id} to {self.target} started by {self.started_by} "
                f"at {self.started_at:%Y-%m-%d %H:%M:%S} UTC")


@dataclass(frozen=True)
class RunLine:
    id: int
    """Grows with every line of every run: ``lines_since(run, last_id)`` streams."""
    run_id: int
    step: int | None
    """The 0-based step it belongs to; None for lines about the whole run."""
    at: datetime
    stream: str
    """``stdout``, ``stderr`` or ``system`` (written by the runner itself)."""
    text: str


@dataclass(frozen=True)
class RunView:
    """What an attached screen shows: the run and its lines after the ones it has."""

    run: RunRecord
    lines: tuple[RunLine, ...]
    last_line_id: int
    """Pass this back as ``after_id`` on the next poll."""


@dataclass(frozen=True)
class Started:
    run: RunRecord


@dataclass(frozen=True)
class Refused:
    """Nothing was started, and why: ``why`` is ``running`` (``running`` is that run),
    ``plan_changed`` (``plan`` is the fresh plan to show) or ``not_confirmed``
    (``problems`` says what is missing)."""

    why: str
    message: str
    running: RunRecord | None = None
    plan: RollbackPlan | None = None
    problems: tuple[Problem, ...] = ()


StartResult = Started | Refused


@dataclass(frozen=True)
class CancelResult:
    ok: bool
    message: str
    """"cancel requested by bob" or why not ("rollback #3 already succeeded")."""
