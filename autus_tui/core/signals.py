"""Signals from the metrics: which matrix rows hold now, and how long the backend is down.

``suggest(matrix, polls, now, max_age=...)`` judges every row's ``signal`` conditions
(``core.incident_matrix``) on the recorded polls (oldest first): the values of the latest
poll, its health, and for "rises" the values within the window before it. A row holds when
any of its conditions does; the suggestions come most severe first, each with its evidence
in words (``avg_response = 6200 (> 5000)``). A latest poll older than ``max_age`` means
nothing is known now: no suggestion. Declaring stays a human act.

Outages (when a poll counts as out, how long each run lasted, the 30-minute rollback
condition) live in ``core.outages``; their names are re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from autus_tui.core.incident_matrix import (
    ComponentIs,
    Condition,
    HealthIs,
    IncidentMatrix,
    MatrixRow,
    MetricCompare,
    NoAnswer,
    Rises,
)
from autus_tui.core.observations import PollResult
from autus_tui.core.outages import (
    OUTAGE_CONDITION_ID,
    OUTAGE_CONDITION_TEXT,
    OUTAGE_MINIMUM,
    Outage,
    OutageCondition,
    current_outage,
    full_outage,
    no_answer,
    out_reason,
    outages,
    poll_is_out,
)
from autus_tui.core.schedule import hms
from autus_tui.core.text import clean
from autus_tui.core.verify import OPERATORS, format_number

__all__ = ["OUTAGE_CONDITION_ID", "OUTAGE_CONDITION_TEXT", "OUTAGE_MINIMUM", "Outage",
           "OutageCondition", "Suggestion", "current_outage", "full_outage", "holds",
           "out_reason", "outages", "poll_is_out", "suggest"]


@dataclass(frozen=True)
class Suggestion:
    row: MatrixRow
    evidence: tuple[str, ...]
    """Each condition that holds, in words."""

    @property
    def severity(self) -> str:
        return self.row.severity

    @property
    def situation(self) -> str:
        return self.row.situation

    @property
    def response(self) -> str:
        return self.row.response


def suggest(
    matrix: IncidentMatrix, polls: Sequence[PollResult], now: datetime, *, max_age: timedelta
) -> tuple[Suggestion, ...]:
    """The matrix rows whose signal holds at ``now``, most severe first."""
    if not polls or now - polls[-1].at > max_age:
        return ()
    found: list[Suggestion] = []
    for row in matrix.rows:
        evidence = tuple(text for condition in row.signal
                         if (text := holds(condition, polls)) is not None)
        if evidence:
            found.append(Suggestion(row, evidence))
    order = {row.id: number for number, row in enumerate(matrix.rows)}
    return tuple(sorted(found, key=lambda s: (s.row.rank, order[s.row.id])))


def holds(condition: Condition, polls: Sequence[PollResult]) -> str | None:
    """The evidence when ``condition`` holds on the latest of ``polls``, else ``None``."""
    latest = polls[-1]
    if isinstance(condition, MetricCompare):
        value = _value(latest, condition.metric)
        if value is None or not OPERATORS[condition.op](value, condition.threshold):
            return None
        return f"{condition.metric} = {format_number(value)} " \
               f"({condition.op} {format_number(condition.threshold)})"
    if isinstance(condition, HealthIs):
        health = latest.health
        if health is None or health.status != condition.status:
            return None
        return f"health {health.status}" + (f": {clean(health.message, 120)}"
                                            if health.message else "")
    if isinstance(condition, NoAnswer):
        return f"no answer: {clean(latest.error, 120)}" if no_answer(latest) else None
    if isinstance(condition, ComponentIs):
        return _component(condition, latest)
    return _rises(condition, polls)


def _value(poll: PollResult, key: str) -> float | None:
    reading = poll.readings.get(key)
    return None if reading is None else reading.value


def _component(condition: ComponentIs, poll: PollResult) -> str | None:
    if poll.health is None:
        return None
    for name, status, detail in poll.health.components:
        if name.lower() != condition.name:
            continue
        same = status.lower() == condition.status
        if same == (condition.op == "=="):
            return f"component {clean(name, 40)}: {clean(status, 20)}" + (
                f" ({clean(detail, 80)})" if detail else "")
    return None


def _rises(condition: Rises, polls: Sequence[PollResult]) -> str | None:
    latest = polls[-1]
    value = _value(latest, condition.metric)
    if value is None:
        return None
    start = latest.at - condition.window
    baseline = next(((poll.at, v) for poll in polls
                     if poll.at >= start and (v := _value(poll, condition.metric)) is not None),
                    None)
    if baseline is None or baseline[1] <= 0 or baseline[0] >= latest.at:
        return None
    rise = (value - baseline[1]) / baseline[1] * 100
    if rise < condition.pct:
        return None
    return (f"{condition.metric} {format_number(baseline[1])} → {format_number(value)} "
            f"(+{rise:.0f}%) in {hms(int((latest.at - baseline[0]).total_seconds()), 1)}")
