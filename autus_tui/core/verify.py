"""Verify rules: a checklist item's claim checked against live metrics, never ``eval``.

The grammar is two forms, nothing more (case-sensitive metric keys, spaces optional
around the operator)::

    METRIC OP NUMBER      OP is one of  <  <=  >  >=  ==  !=     e.g. "error_rate < 1"
    METRIC increasing     the latest sample is above an earlier one  "gate_observe increasing"

``parse_rule`` accepts only printable ASCII; anything else (markup, control characters,
Korean text) is rejected with a message that quotes the text cleaned of controls.

``evaluate`` judges a rule against the history the UI keeps: metric key -> samples
``(time, value)``, oldest first. A metric whose newest sample is older than
``stale_after`` (or that has none) FAILS with "no recent value": a check must never pass
on old data. "increasing" compares the newest sample with the oldest one taken within
the last minute before it (or the one just before, when the newest is alone in that
minute). The verdict carries its evidence in words: ``error_rate = 0.42 (< 1) at 09:12:03``.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from autus_tui.core.text import clean

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt,
    ">=": operator.ge, "==": operator.eq, "!=": operator.ne,
}
INCREASING = "increasing"
INCREASE_WINDOW = timedelta(minutes=1)
DEFAULT_STALE_AFTER = timedelta(seconds=3)
MAX_RULE_LENGTH = 200

_METRIC = r"[A-Za-z_][A-Za-z0-9_.-]*"
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_COMPARISON = re.compile(rf"({_METRIC})\s*(<=|>=|==|!=|<|>)\s*({_NUMBER})")
_TREND = re.compile(rf"({_METRIC})\s+{INCREASING}")
_ALLOWED = re.compile(r"[ -~]*")  # printable ASCII only

Samples = Sequence[tuple[datetime, float]]


class RuleError(ValueError):
    """A rule that does not parse or names an unknown metric; the message says which."""


@dataclass(frozen=True)
class Rule:
    metric: str
    op: str
    """One of OPERATORS, or "increasing"."""
    threshold: float | None = None

    @property
    def text(self) -> str:
        if self.op == INCREASING:
            return f"{self.metric} {INCREASING}"
        return f"{self.metric} {self.op} {format_number(self.threshold or 0.0)}"


@dataclass(frozen=True)
class Verdict:
    passed: bool
    evidence: str

    @property
    def word(self) -> str:
        return "PASS" if self.passed else "FAIL"


def parse_rule(text: str, metric_keys: set[str] | frozenset[str]) -> Rule:
    shown = clean(text, 80)
    if len(text) > MAX_RULE_LENGTH:
        raise RuleError(f"rule is too long ({len(text)} characters, at most {MAX_RULE_LENGTH})")
    if not _ALLOWED.fullmatch(text):
        raise RuleError(
            f"rule {shown!r} contains characters a rule cannot have "
            "(only letters, digits, spaces and < > = ! . _ - + are allowed)"
        )
    stripped = text.strip()
    if not stripped:
        raise RuleError("rule is empty")
    if comparison := _COMPARISON.fullmatch(stripped):
        metric, op, number = comparison.groups()
        threshold = float(number)
        if not math.isfinite(threshold):
            raise RuleError(f"rule {shown!r}: {number} is not a finite number")
        rule = Rule(metric, op, threshold)
    elif trend := _TREND.fullmatch(stripped):
        rule = Rule(trend.group(1), INCREASING)
    else:
        raise RuleError(
            f"rule {shown!r} does not parse: expected 'METRIC OP NUMBER' "
            "(OP one of < <= > >= == !=) or 'METRIC increasing'"
        )
    if rule.metric not in metric_keys:
        known = ", ".join(sorted(metric_keys)) or "none"
        raise RuleError(f"rule {shown!r} names unknown metric {rule.metric!r} (known: {known})")
    return rule


def evaluate(
    rule: Rule,
    history: Mapping[str, Samples],
    now: datetime,
    *,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    zone: tzinfo = UTC,
) -> Verdict:
    """Judge ``rule`` on the samples in ``history``; times in the evidence are in ``zone``."""
    samples = history.get(rule.metric, ())
    if not samples:
        return Verdict(False, f"{rule.metric}: no recent value (no samples yet)")
    latest_at, latest = samples[-1]
    age = now - latest_at
    if age >= stale_after:
        return Verdict(
            False,
            f"{rule.metric}: no recent value (last {format_number(latest)} "
            f"at {_clock(latest_at, zone)}, {int(age.total_seconds())} s old)",
        )
    if rule.op == INCREASING:
        return _increasing(rule.metric, samples, zone)
    threshold = rule.threshold if rule.threshold is not None else 0.0
    passed = OPERATORS[rule.op](latest, threshold)
    relation = f"{rule.op} {format_number(threshold)}"
    verb = "" if passed else "not "
    return Verdict(
        passed,
        f"{rule.metric} = {format_number(latest)} ({verb}{relation}) at {_clock(latest_at, zone)}",
    )


def _increasing(metric: str, samples: Samples, zone: tzinfo) -> Verdict:
    latest_at, latest = samples[-1]
    if len(samples) < 2:
        return Verdict(
            False, f"{metric} = {format_number(latest)} at {_clock(latest_at, zone)}: "
            "only one sample, needs two to see it increase",
        )
    earlier_at, earlier = next(
        (at, value) for at, value in samples if latest_at - at <= INCREASE_WINDOW
    )
    if earlier_at >= latest_at:
        earlier_at, earlier = samples[-2]
    seconds = int((latest_at - earlier_at).total_seconds())
    passed = latest > earlier
    trend = "increasing" if passed else "not increasing"
    return Verdict(
        passed,
        f"{metric} {format_number(earlier)} → {format_number(latest)} over {seconds} s "
        f"({trend}) at {_clock(latest_at, zone)}",
    )


def format_number(value: float) -> str:
    """``0.42``, ``1``, ``1234``: plain digits, no exponent, at most 4 decimals."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _clock(at: datetime, zone: tzinfo) -> str:
    return at.astimezone(zone).strftime("%H:%M:%S")
