"""What the replay screen shows at its cursor, read in one go from a ``ReplayStore``.

``read_frame(store, at)`` moves the store's cursor to ``at`` (every later read of every
screen is then as of ``at``) and returns a ``Frame``: the polls that end the sparklines
there (oldest first, at most ``count``), the checklist marks then, the latest events up
to then, and the rollback run as it stood.

Sparklines over folded periods. Raw polls are kept for the last two hours of the record
only (``store.samples``); before that each minute is a rollup. A folded minute comes back
as one poll stamped at the minute's end, with each metric's mean over the minute and the
backend's most frequent health status then (``Health(status, "minute summary: ...")``).
``Frame.folded`` says the last one is such a summary: a minute's mean is the value of the
whole following minute, so a screen stretches its stale window by ``FOLDED_STALE``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from autus_tui.core.marks import Mark
from autus_tui.core.observations import PollResult
from autus_tui.core.payload import Health, Reading
from autus_tui.core.rollback_run import RunRecord
from autus_tui.core.series import HISTORY
from autus_tui.store import Event, samples
from autus_tui.store.as_of import ReplayStore
from autus_tui.store.events import from_text
from autus_tui.store.rollbacks import current_run

EVENTS = 200
FOLDED_STALE = timedelta(seconds=61)
"""How long a folded minute's mean counts as the value (its minute, and a second)."""


@dataclass(frozen=True)
class Frame:
    at: datetime
    polls: tuple[PollResult, ...]
    marks: Mapping[str, Mark]
    events: tuple[Event, ...]
    """The latest events up to ``at``, oldest first."""
    rollback: RunRecord | None
    folded: bool = False
    """The last poll is a folded minute's summary (see the module doc)."""


def read_frame(store: ReplayStore, at: datetime, count: int = HISTORY,
               events: int = EVENTS) -> Frame:
    store.move_to(at)
    raw = [result for _id, result in samples.latest_polls(store, count)]
    first_raw = raw[0].at if raw else None
    summaries = [poll for poll in minute_polls(store, count)
                 if first_raw is None or poll.at < first_raw]
    polls = [*summaries, *raw][-count:]
    latest = list(reversed(store.timeline(limit=events)))
    return Frame(at, tuple(polls), store.marks(), tuple(latest), current_run(store),
                 folded=bool(polls) and not raw)


def minute_polls(store: ReplayStore, count: int) -> list[PollResult]:
    """The last ``count`` folded minutes before the cursor, each as one poll."""
    with store.read() as conn:
        minutes = [row[0] for row in conn.execute(
            "SELECT minute FROM poll_minutes ORDER BY minute DESC LIMIT ?", (count,))]
        if not minutes:
            return []
        first = minutes[-1]
        values: dict[str, dict[str, float]] = {}
        for minute, key, number, total in conn.execute(
                "SELECT minute, key, count, sum FROM metric_minutes WHERE minute >= ?",
                (first,)):
            if number:
                values.setdefault(minute, {})[key] = total / number
        rows = conn.execute("SELECT minute, polls, errors, health FROM poll_minutes"
                            " WHERE minute >= ? ORDER BY minute", (first,)).fetchall()
    result = []
    for minute, polls, errors, health_text in rows:
        health = _health(health_text, int(polls), int(errors))
        readings = {key: Reading(value) for key, value in values.get(minute, {}).items()}
        error = "backend errors all minute" if polls and errors >= polls and not readings \
            else None
        end = from_text(f"{minute}:00+00:00") + timedelta(minutes=1)
        result.append(PollResult(end, readings, health, error, 0.0))
    return result


def _health(text: str, polls: int, errors: int) -> Health | None:
    import json

    try:
        counts = Counter({str(k): int(v) for k, v in json.loads(text).items()})
    except (TypeError, ValueError, AttributeError):
        return None
    if not counts:
        return None
    status = counts.most_common(1)[0][0]
    return Health(status, f"minute summary: {polls} polls, {errors} with errors")
