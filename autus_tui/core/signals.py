"""Signals from the metrics: which matrix rows hold now, and how long the backend is down.

``suggest(matrix, polls, now, max_age=...)`` judges every row's ``signal`` conditions
(``core.incident_matrix``) on the recorded polls (oldest first): the values of the latest
poll, its health, and for "rises" the values within the window before it. A row holds when
any of its conditions does; the suggestions come most severe first, each with its evidence
in words (``avg_response = 6200 (> 5000)``). A latest poll older than ``max_age`` means
nothing is known now: no suggestion. Declaring stays a human act.

Outages. A poll is *out* when the backend's health says ``down``, or when it gave no
answer at all: no health document, an error (unreachable, timed out, HTTP 5xx), and no
metric value. ``outages(polls)`` times each run of out polls: from the first out poll to
the first poll that is not (``end``), or ongoing. ``full_outage`` judges the runbook's
rollback condition 전체 서비스 30분 이상 중단 on the ongoing one: met once it lasted
``minimum`` (30 min, inclusive), with its evidence (since when, how long, how many polls).
An ongoing outage is measured to ``now`` while polls keep coming, else only to the last
poll that saw it (a stopped recorder proves nothing). ``follow_outage`` is the same rule
fed one poll at a time (the screen's DOWN banner).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo

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
from autus_tui.core.schedule import hms
from autus_tui.core.text import clean
from autus_tui.core.verify import OPERATORS, format_number

OUTAGE_MINIMUM = timedelta(minutes=30)
OUTAGE_CONDITION_ID = "rollback.outage"
OUTAGE_CONDITION_TEXT = "전체 서비스 30분 이상 중단"


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
        return f"no answer: {clean(latest.error, 120)}" if _no_answer(latest) else None
    if isinstance(condition, ComponentIs):
        return _component(condition, latest)
    return _rises(condition, polls)


def _value(poll: PollResult, key: str) -> float | None:
    reading = poll.readings.get(key)
    return None if reading is None else reading.value


def _no_answer(poll: PollResult) -> bool:
    return (poll.health is None and poll.error is not None
            and all(reading.value is None for reading in poll.readings.values()))


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


# -- outages ----------------------------------------------------------------------------------


def poll_is_out(poll: PollResult) -> bool:
    """Health ``down``, or no answer at all (see the module doc)."""
    return (poll.health is not None and poll.health.status == "down") or _no_answer(poll)


def out_reason(poll: PollResult) -> str:
    if poll.health is not None and poll.health.status == "down":
        return "health down" + (f": {clean(poll.health.message, 120)}"
                                if poll.health.message else "")
    return f"no answer: {clean(poll.error, 120)}"


@dataclass(frozen=True)
class Outage:
    start: datetime
    """The first out poll."""
    end: datetime | None
    """The first poll after it that was not out; ``None`` while it goes on."""
    last_out: datetime
    """The last poll that saw it."""
    polls: int
    reason: str
    """Why the first poll counted as out (``health down: ...``, ``no answer: ...``)."""

    @property
    def ongoing(self) -> bool:
        return self.end is None

    def lasted(self, now: datetime, max_age: timedelta | None = None) -> timedelta:
        """To its end; while ongoing to ``now``, or to the last poll that saw it when that
        is older than ``max_age`` (nothing is known since)."""
        if self.end is not None:
            return self.end - self.start
        if max_age is not None and now - self.last_out > max_age:
            return self.last_out - self.start
        return max(now, self.last_out) - self.start


def outages(polls: Sequence[PollResult]) -> tuple[Outage, ...]:
    """Every run of out polls in ``polls`` (oldest first)."""
    found: list[Outage] = []
    first: PollResult | None = None
    last: PollResult | None = None
    count = 0
    for poll in polls:
        if poll_is_out(poll):
            if first is None:
                first, count = poll, 0
            last, count = poll, count + 1
        elif first is not None and last is not None:
            found.append(Outage(first.at, poll.at, last.at, count, out_reason(first)))
            first = last = None
    if first is not None and last is not None:
        found.append(Outage(first.at, None, last.at, count, out_reason(first)))
    return tuple(found)


@dataclass(frozen=True)
class OutageCondition:
    """The rollback condition 전체 서비스 30분 이상 중단, judged at one moment."""

    met: bool
    outage: Outage | None
    """The ongoing outage (``None``: the backend is not down now)."""
    lasted: timedelta
    evidence: str
    condition_id: str = OUTAGE_CONDITION_ID
    text: str = OUTAGE_CONDITION_TEXT


def full_outage(
    outage: Outage | None, now: datetime, *, max_age: timedelta,
    minimum: timedelta = OUTAGE_MINIMUM, zone: tzinfo = UTC, since_at_least: bool = False,
) -> OutageCondition:
    """Judge the condition on the current outage (``since_at_least``: its start lies
    before the oldest poll kept, so it began no later than ``outage.start``)."""
    if outage is None or not outage.ongoing:
        return OutageCondition(False, None, timedelta(0), "the backend is not down now")
    lasted = outage.lasted(now, max_age)
    since = outage.start.astimezone(zone).strftime("%H:%M:%S")
    stale = now - outage.last_out > max_age
    evidence = (f"down since {'at least ' if since_at_least else ''}{since}, "
                f"{hms(int(lasted.total_seconds()), 1)} "
                f"({outage.polls} poll{'s' if outage.polls != 1 else ''}; {outage.reason})")
    if stale:
        evidence += (f"; no poll since {outage.last_out.astimezone(zone):%H:%M:%S}, "
                     "so measured to then")
    return OutageCondition(lasted >= minimum, outage, lasted, evidence)


def current_outage(polls: Sequence[PollResult]) -> Outage | None:
    """The outage going on at the latest poll, if any."""
    found = outages(polls)
    return found[-1] if found and found[-1].ongoing else None


def follow_outage(current: Outage | None, poll: PollResult) -> Outage | None:
    """``current_outage`` one poll at a time: the outage going on after ``poll``, given the
    one going on before it (a screen follows polls as they come, keeping none)."""
    if not poll_is_out(poll):
        return None
    if current is None or not current.ongoing:
        return Outage(poll.at, None, poll.at, 1, out_reason(poll))
    return replace(current, last_out=poll.at, polls=current.polls + 1)
