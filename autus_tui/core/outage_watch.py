"""The backend's outage as a screen follows it: going on now, held, and news.

``OutageWatch(interval)`` is fed every poll in order (``apply``) and keeps the ongoing
outage by ``core.outages``' rule (``follow_outage``: health ``down`` or no answer at
all), so the screen, the rollback condition and the report agree on what an outage is
and since when. ``held`` follows ``core.held``'s rule for CRIT: an outage is announced
once it lasted ``crit_polls`` polls (within 3 s of its first poll at 1 s polls), so one
lost poll does not ring the bell. ``apply`` returns the news in words: the start
(``started=True``: announced loudly, with the bell) and the end of an outage that was
announced (how long it lasted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from autus_tui.core.held import DEFAULT_HOLD, hold_rule
from autus_tui.core.observations import PollResult
from autus_tui.core.outages import Outage, follow_outage


@dataclass(frozen=True)
class OutageNews:
    at: datetime
    text: str
    started: bool


def lasted_text(lasted: timedelta) -> str:
    """``45s``, ``2m13s``, ``1h02m``: how long, in few cells."""
    seconds = max(0, int(lasted.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def outage_words(outage: Outage) -> str:
    """What is down, in words: the backend unreachable, or its health down."""
    return "health down" if outage.reason.startswith("health down") else "backend unreachable"


class OutageWatch:
    def __init__(self, interval: float) -> None:
        self.needed = hold_rule(DEFAULT_HOLD, interval).crit_polls
        self.outage: Outage | None = None
        self.announced = False

    @property
    def held(self) -> bool:
        return self.outage is not None and self.outage.polls >= self.needed

    def apply(self, poll: PollResult) -> OutageNews | None:
        before, self.outage = self.outage, follow_outage(self.outage, poll)
        if self.outage is not None:
            if self.announced or not self.held:
                return None
            self.announced = True
            return OutageNews(poll.at, f"backend DOWN: {self.outage.reason}", True)
        if before is None or not self.announced:
            return None
        self.announced = False
        lasted = lasted_text(poll.at - before.start)
        return OutageNews(poll.at, f"backend recovered after {lasted} DOWN "
                          f"({outage_words(before)})", False)
