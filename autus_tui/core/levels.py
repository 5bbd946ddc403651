"""Levels and thresholds: how a metric's value is judged.

For a metric where higher is worse (the default): WARN when ``value >= warning``, CRIT
when ``value > critical``, else OK. This reproduces the seed runbook's table exactly
(error rate 1 / 5 %, response 500 / 2000 ms, gate failures 1 / 10, DB connections
80 / 95 % of the pool). Where lower is worse the comparisons mirror.
STALE is not judged from a value: it means no good sample arrived recently.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Level(enum.Enum):
    OK = "OK"
    WARN = "WARN"
    CRIT = "CRIT"
    STALE = "STALE"

    @property
    def severity(self) -> int:
        """Order for "did it get worse?"; STALE sits between OK and WARN."""
        return _SEVERITY[self]


_SEVERITY = {Level.OK: 0, Level.STALE: 1, Level.WARN: 2, Level.CRIT: 3}


class Direction(enum.Enum):
    HIGHER_IS_WORSE = "higher"
    LOWER_IS_WORSE = "lower"


@dataclass(frozen=True)
class Thresholds:
    warning: float
    critical: float
    direction: Direction = Direction.HIGHER_IS_WORSE

    def judge(self, value: float) -> Level:
        if self.direction is Direction.HIGHER_IS_WORSE:
            if value > self.critical:
                return Level.CRIT
            return Level.WARN if value >= self.warning else Level.OK
        if value < self.critical:
            return Level.CRIT
        return Level.WARN if value <= self.warning else Level.OK

    def describe(self, unit: str = "") -> str:
        """Short, unambiguous text of the rule, e.g. ``warn ≥1%  crit >5%``."""
        if self.direction is Direction.HIGHER_IS_WORSE:
            return f"warn ≥{_num(self.warning)}{unit}  crit >{_num(self.critical)}{unit}"
        return f"warn ≤{_num(self.warning)}{unit}  crit <{_num(self.critical)}{unit}"


def judge(value: float, thresholds: Thresholds | None) -> Level:
    return Level.OK if thresholds is None else thresholds.judge(value)


def _num(value: float) -> str:
    return f"{value:g}"
