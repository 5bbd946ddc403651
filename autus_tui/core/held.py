"""The held level: when a metric's change of level is announced (docs/architecture.md, Levels).

This module owns the rule. Every announcement of a level change goes through it, by way
of ``core.series.MetricTracker`` and ``feed``: the recorder's ``metric.level`` events
(and so the report's level changes), and the screen's events pane, toasts and bell.

A pane shows each poll's value and level at once (the *raw* level). The *held* level
changes only when the new level held over the last polls:

- a rise to level L (WARN or CRIT) is held when the last ``needed(L)`` polls were all at L
  or worse: WARN, CRIT, CRIT is a held WARN (hold 3);
- a fall is held when the last ``hold`` polls were all better than the held level; the new
  held level is the worst among them (CRIT then WARN, OK, OK falls to WARN);
- CRIT needs ``crit_polls`` = min(hold, 1 + floor(3 s / poll interval)) polls: a rise to
  CRIT is announced within 3 s of its first poll (at 1 s polls: the 3rd, 2 s later;
  at 2 s polls: the 2nd; at 5 s: the first);
- STALE (no good value for 3 poll intervals, ``core.series``) is already a condition that
  lasted: it is held at the poll that finds it. Coming out of STALE, and at the start
  (nothing held yet), the first level is held like a rise: ``needed`` polls at it or worse
  (``hold`` polls for OK).

Only polls count (``observe`` once per poll); time passing between polls makes a pane
show STALE but never changes the held level, so every process feeding the same recorded
polls holds the same levels. A first held level is news only when it is WARN or CRIT (a
calm start is not news); STALE with nothing held before holds nothing.

A value jittering across a threshold (0, 1, 0, 1 with WARN at 1) is never held: nothing
is announced. ``pending`` says how far a change on screen is from being held
(``WARN 1/3``).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from autus_tui.core.levels import Level

DEFAULT_HOLD = 3
"""Consecutive polls a new level must hold before it is announced (per metric ``hold``)."""
MAX_HOLD = 60
CRIT_WITHIN = 3.0
"""Seconds within which a rise to CRIT is announced, counted from its first poll."""

_Test = Callable[[Level], bool]
_RANK = {Level.STALE: -1, Level.OK: 0, Level.WARN: 1, Level.CRIT: 2}
"""How bad, for this rule: STALE breaks every run of polls."""


def parse_hold(raw: object) -> int:
    """A metric's ``hold`` from configuration: a whole number of polls, 1 to 60."""
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= MAX_HOLD:
        raise ValueError(f"expected a whole number of polls from 1 to {MAX_HOLD}, got {raw!r}")
    return raw


@dataclass(frozen=True)
class HoldRule:
    hold: int = DEFAULT_HOLD
    crit_polls: int = DEFAULT_HOLD

    def needed(self, level: Level) -> int:
        """Polls ``level`` must hold for (STALE: it already did)."""
        if level is Level.STALE:
            return 1
        return self.crit_polls if level is Level.CRIT else self.hold


def hold_rule(hold: int, interval: float) -> HoldRule:
    """The rule for a metric held over ``hold`` polls taken every ``interval`` real seconds."""
    within = 1 + math.floor(CRIT_WITHIN / interval) if interval > 0 else hold
    return HoldRule(hold, max(1, min(hold, within)))


@dataclass(frozen=True)
class Pending:
    """A level on screen that is not held yet: ``polls`` of ``needed``."""

    level: Level
    polls: int
    needed: int

    def __str__(self) -> str:
        return f"{self.level.value} {self.polls}/{self.needed}"


class HeldLevel:
    """One metric's held level, fed one level per poll."""

    def __init__(self, rule: HoldRule) -> None:
        self.rule = rule
        self.held: Level | None = None
        """``None`` until a first level held (STALE from nothing holds nothing)."""
        self._recent: deque[Level] = deque(maxlen=max(rule.hold, rule.crit_polls))

    def observe(self, level: Level) -> tuple[Level | None, Level] | None:
        """One poll's level; ``(before, after)`` when that is news, else ``None``."""
        self._recent.append(level)
        after = self._next(level)
        if after is None or after is self.held:
            return None
        before = self.held
        if before is None and after is Level.STALE:
            return None  # nothing was known, nothing is: not a change
        self.held = after
        if before is None and after is Level.OK:
            return None  # a calm start is not news
        return before, after

    def pending(self, level: Level) -> Pending | None:
        """How far ``level`` (the latest, as a pane shows it) is from held; ``None`` when
        it is held, STALE, or a calm start."""
        held = self.held
        if level is held or level is Level.STALE or (held is None and level is Level.OK):
            return None
        if held is not None and held is not Level.STALE and _RANK[level] < _RANK[held]:
            polls = self._run(lambda seen: Level.STALE is not seen and
                              _RANK[seen] < _RANK[held])
            return Pending(level, polls, self.rule.hold)
        polls = self._run(lambda seen: _RANK[seen] >= _RANK[level])
        return Pending(level, polls, self.rule.needed(level))

    def _next(self, level: Level) -> Level | None:
        """The level held after this poll (``None``: nothing can be held yet)."""
        if level is Level.STALE:
            return Level.STALE
        held = self.held
        for candidate in (Level.CRIT, Level.WARN, Level.OK):
            if held is not None and held is not Level.STALE and _RANK[candidate] <= _RANK[held]:
                break  # not a rise
            if self._last_at_least(self.rule.needed(candidate), candidate):
                return candidate
        if held is None or held is Level.STALE:
            return held
        recent = list(self._recent)[-self.rule.hold:]
        if len(recent) == self.rule.hold and all(
                seen is not Level.STALE and _RANK[seen] < _RANK[held] for seen in recent):
            return max(recent, key=_RANK.__getitem__)
        return held

    def _last_at_least(self, count: int, level: Level) -> bool:
        """Were the last ``count`` polls all at ``level`` or worse?"""
        recent = list(self._recent)[-count:]
        return len(recent) == count and all(_RANK[seen] >= _RANK[level] for seen in recent)

    def _run(self, test: _Test) -> int:
        polls = 0
        for seen in reversed(self._recent):
            if not test(seen):
                break
            polls += 1
        return polls
