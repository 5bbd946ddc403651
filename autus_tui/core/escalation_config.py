"""Parsing the ``[escalation]`` table, and an incident's stored policy, strictly.

Offsets strictly increase (the first may be 0), no level lacks a name, a who or its
minutes, no text is empty, no minute is negative, NaN or past a day, at most
``MAX_LEVELS`` levels; ``reminder_minutes`` is at least 1. Errors are ``ConfigError``
naming the key, e.g. ``autus.toml: escalation.levels[3].minutes: 15 is not after L2's 30:
the offsets must increase level by level`` (levels are counted from 1, as a person reads
the list). ``policy_from_json`` reads back what an incident stored, by the same rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from autus_tui.core.config import ConfigError
from autus_tui.core.escalation import EscalationPolicy, LadderLevel

MAX_LEVELS = 10
MAX_MINUTES = 24 * 60.0
MAX_NAME, MAX_WHO = 40, 120


def parse_escalation(
    source: str, raw: object, base: EscalationPolicy | None = None
) -> EscalationPolicy:
    """The ``[escalation]`` table over ``base`` (keys it does not set stay as they were)."""

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(source, key, problem)

    policy = base or EscalationPolicy()
    if not isinstance(raw, Mapping):
        raise fail("escalation", f"expected a table, got {raw!r}")
    for key in raw:
        if key not in ("levels", "reminder_minutes"):
            raise fail(f"escalation.{key}", "unknown key (known: levels, reminder_minutes)")
    levels = policy.levels
    if "levels" in raw:
        try:
            levels = _levels(raw["levels"])
        except _Problem as problem:
            raise fail(problem.key, problem.text) from None
    reminder = policy.reminder_minutes
    if "reminder_minutes" in raw:
        try:
            reminder = _minutes(raw["reminder_minutes"], minimum=1.0)
        except _Problem as problem:
            raise fail("escalation.reminder_minutes", problem.text) from None
    return EscalationPolicy(levels, reminder)


def policy_from_json(doc: object) -> EscalationPolicy:
    """An incident's stored policy; ``ValueError`` when it does not hold together."""
    if not isinstance(doc, Mapping):
        raise ValueError("the stored policy is not an object")
    raw_reminder = doc.get("reminder_minutes")
    try:
        levels = _levels(doc.get("levels"))
        reminder = None if raw_reminder is None else _minutes(raw_reminder, minimum=1.0)
    except _Problem as problem:
        raise ValueError(f"{problem.key or 'reminder_minutes'}: {problem.text}") from None
    return EscalationPolicy(levels, reminder)


class _Problem(Exception):
    def __init__(self, key: str, text: str) -> None:
        super().__init__(text)
        self.key, self.text = key, text


def _levels(raw: object) -> tuple[LadderLevel, ...]:
    key = "escalation.levels"
    if not isinstance(raw, list) or not raw:
        raise _Problem(key, "expected a list of at least one {name, who, minutes}, "
                            f"got {_show(raw)}")
    if len(raw) > MAX_LEVELS:
        raise _Problem(key, f"at most {MAX_LEVELS} levels, got {len(raw)}")
    levels: list[LadderLevel] = []
    for number, entry in enumerate(raw, 1):
        where = f"{key}[{number}]"
        if not isinstance(entry, Mapping):
            raise _Problem(where, f"expected a table {{name, who, minutes}}, got {_show(entry)}")
        for name in entry:
            if name not in ("name", "who", "minutes"):
                raise _Problem(f"{where}.{name}", "unknown key (known: name, who, minutes)")
        for name in ("name", "who", "minutes"):
            if name not in entry:
                raise _Problem(f"{where}.{name}", "required (an empty level pages nobody)")
        level_name = _text(entry["name"], f"{where}.name", MAX_NAME)
        who = _text(entry["who"], f"{where}.who", MAX_WHO)
        try:
            minutes = _minutes(entry["minutes"], minimum=0.0)
        except _Problem as problem:
            raise _Problem(f"{where}.minutes", problem.text) from None
        if levels and minutes <= levels[-1].minutes:
            before = levels[-1]
            raise _Problem(f"{where}.minutes",
                           f"{minutes:g} is not after {before.name}'s {before.minutes:g}: "
                           "the offsets must increase level by level")
        if any(level.name == level_name for level in levels):
            raise _Problem(f"{where}.name", f"duplicate level name {level_name!r}")
        levels.append(LadderLevel(level_name, who, minutes))
    return tuple(levels)


def _text(raw: object, key: str, limit: int) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _Problem(key, f"expected non-empty text, got {_show(raw)}")
    if len(raw.strip()) > limit:
        raise _Problem(key, f"at most {limit} characters, got {len(raw.strip())}")
    return raw.strip()


def _minutes(raw: object, *, minimum: float) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise _Problem("", f"expected a number of minutes, got {_show(raw)}")
    value = float(raw)
    if not math.isfinite(value):
        raise _Problem("", f"expected a finite number of minutes, got {raw!r}")
    if value < minimum:
        word = "negative" if value < 0 else "too small"
        raise _Problem("", f"{value:g} is {word} (at least {minimum:g} minutes)")
    if value > MAX_MINUTES:
        raise _Problem("", f"{value:g} is more than a day ({MAX_MINUTES:g} minutes)")
    return value


def _show(raw: object) -> str:
    text = repr(raw)
    return text if len(text) <= 60 else text[:59] + "…"
