"""Outages: when the backend was down, from the recorded polls. One definition for all.

A poll is *out* (``judge_out``) when the backend's own answer says so:

- its health document says ``down``; or
- the backend's own Ops API gave no answer at all: unreachable, timed out, or HTTP errors
  (a 5xx) with no health document and no metric value of its own. Other sources (an
  exporter, a Prometheus server) answering in the same poll change nothing: they are not
  the service. A poll that does not say whose answer it was (``PollResult.backend_down``
  is ``None``: made by hand, or recorded before that was kept) is judged on the whole
  poll: no health document, an error, and no metric value at all.

The store's SQL (``services.downtime.OUT_SQL``) and the folding of old polls into minutes
(``store.samples``) apply this same rule to stored rows; the tests hold them to it.

Timing. ``outage_runs(marks)`` times each run of out marks, oldest first: from the first
out poll to the first poll after it that is not out (``end``), or ongoing. A mark is one
poll, or a run of polls of one state kept in a folded minute (its first and last poll and
their count, ``core.rollup``), so an outage is timed the same before and after its raw
polls are folded. ``outages(polls)`` does it on ``PollResult``s. ``full_outage`` judges the
runbook's rollback condition 전체 서비스 30분 이상 중단 on the ongoing one: met once it
lasted ``minimum`` (30 min, inclusive), with its evidence (since when, how long, how many
polls). An ongoing outage is measured to ``now`` while polls keep coming, else only to the
last poll that saw it (a stopped recorder proves nothing). ``follow_outage`` is the same
rule fed one poll at a time (the screen's DOWN banner). ``downtime`` is the part of outages
within a span (availability, an hour of the report, a shift).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo

from autus_tui.core.observations import PollResult
from autus_tui.core.rollup import PollMinute
from autus_tui.core.schedule import hms
from autus_tui.core.text import clean

OUTAGE_MINIMUM = timedelta(minutes=30)
OUTAGE_CONDITION_ID = "rollback.outage"
OUTAGE_CONDITION_TEXT = "전체 서비스 30분 이상 중단"


def judge_out(
    status: str | None, message: str, error: str | None, any_value: bool,
    backend_down: bool | None,
) -> str | None:
    """Why a poll is out (``health down: ...``, ``no answer: ...``), or ``None``.

    ``status``/``message``: its health document's (``None``: none was read);
    ``any_value``: whether any metric had a value (used only when ``backend_down`` is
    ``None``: polls that do not say whose answer it was)."""
    if status == "down":
        return "health down" + (f": {clean(message, 120)}" if message else "")
    if status is not None:
        return None
    if backend_down is None:
        backend_down = error is not None and not any_value
    return f"no answer: {clean(error or 'nothing answered', 120)}" if backend_down else None


def no_answer(poll: PollResult) -> bool:
    """The backend gave no answer at all (the incident matrix's ``no answer``)."""
    return poll.health is None and judge_out(None, "", poll.error, _any_value(poll),
                                             poll.backend_down) is not None


def _any_value(poll: PollResult) -> bool:
    return any(reading.value is not None for reading in poll.readings.values())


def poll_out_reason(poll: PollResult) -> str | None:
    health = poll.health
    return judge_out(None if health is None else health.status,
                     "" if health is None else health.message, poll.error, _any_value(poll),
                     poll.backend_down)


def poll_is_out(poll: PollResult) -> bool:
    """Health ``down``, or no answer from the backend itself (see the module doc)."""
    return poll_out_reason(poll) is not None


def out_reason(poll: PollResult) -> str:
    return poll_out_reason(poll) or "not out"


@dataclass(frozen=True)
class PollMark:
    """One poll, or a run of polls of one state (a folded minute keeps them so)."""

    at: datetime
    out: bool
    reason: str = ""
    polls: int = 1
    last: datetime | None = None
    """The last poll of the run (``None``: one poll, at ``at``)."""


def polled_spans(
    marks: Iterable[PollMark], stale: timedelta, pause: timedelta | None = None,
) -> list[tuple[datetime, datetime]]:
    """When polls were being recorded: polls at most ``pause`` apart (default ``stale``;
    the poller's longest back-off while the backend fails), each span ending ``stale``
    after its last poll (a value counts that long at most). A longer pause is a gap in
    the record (nobody polled), whatever the levels held."""
    pause = stale if pause is None else max(pause, stale)
    spans: list[tuple[datetime, datetime, datetime]] = []  # (first, last poll, end)
    for mark in marks:
        last = mark.last or mark.at
        if spans and mark.at - spans[-1][1] <= pause:
            first, before, _end = spans[-1]
            last = max(last, before)
            spans[-1] = (first, last, last + stale)
        else:
            spans.append((mark.at, last, last + stale))
    return [(first, end) for first, _last, end in spans]


def mark_of(poll: PollResult) -> PollMark:
    reason = poll_out_reason(poll)
    return PollMark(poll.at, reason is not None, reason or "")


def minute_marks(minute: str, summary: PollMinute) -> list[PollMark]:
    """A folded minute (``YYYY-MM-DDTHH:MM``, UTC) as marks, one per run of its polls. A
    minute folded before runs were kept is one mark: out when most of its polls said
    health down (nothing else of it was kept)."""
    if summary.runs:
        return [PollMark(_epoch(first), out, reason, count, _epoch(last))
                for first, last, out, count, reason in summary.runs]
    if summary.polls <= 0:
        return []
    start = datetime.fromisoformat(minute).replace(tzinfo=UTC)
    out = summary.health.get("down", 0) * 2 > summary.polls
    return [PollMark(start, out, "health down (folded: no detail kept)" if out else "",
                     summary.polls, start + timedelta(seconds=59))]


def _epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


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

    def until(self, now: datetime, max_age: timedelta | None = None) -> datetime:
        return self.start + self.lasted(now, max_age)


def outage_runs(marks: Iterable[PollMark]) -> tuple[Outage, ...]:
    """Every run of out marks (oldest first)."""
    found: list[Outage] = []
    first: PollMark | None = None
    last_at = datetime.min.replace(tzinfo=UTC)
    count = 0
    for mark in marks:
        if mark.out:
            if first is None:
                first, count = mark, 0
            last_at, count = mark.last or mark.at, count + mark.polls
        elif first is not None:
            found.append(Outage(first.at, mark.at, last_at, count, first.reason))
            first = None
    if first is not None:
        found.append(Outage(first.at, None, last_at, count, first.reason))
    return tuple(found)


def outages(polls: Sequence[PollResult]) -> tuple[Outage, ...]:
    """Every run of out polls in ``polls`` (oldest first)."""
    return outage_runs(mark_of(poll) for poll in polls)


def follow_outage(current: Outage | None, poll: PollResult) -> Outage | None:
    """``current_outage`` one poll at a time: the outage going on after ``poll``, given the
    one going on before it (a screen follows polls as they come, keeping none)."""
    if not poll_is_out(poll):
        return None
    if current is None or not current.ongoing:
        return Outage(poll.at, None, poll.at, 1, out_reason(poll))
    return replace(current, last_out=poll.at, polls=current.polls + 1)


def current_outage(polls: Sequence[PollResult]) -> Outage | None:
    """The outage going on at the latest poll, if any."""
    found = outages(polls)
    return found[-1] if found and found[-1].ongoing else None


def downtime(
    found: Iterable[Outage], start: datetime, end: datetime, *, now: datetime,
    max_age: timedelta | None = None,
) -> timedelta:
    """How much of ``start``–``end`` the outages cover."""
    total = timedelta(0)
    for outage in found:
        overlap = min(end, outage.until(now, max_age)) - max(start, outage.start)
        total += max(overlap, timedelta(0))
    return total


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
