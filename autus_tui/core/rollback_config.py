"""Parsing ``[rollback]`` (see ``core.rollback`` for what the keys mean).

Everything is checked at load, and a problem is a ``ConfigError`` naming the key
(``rollback.steps[2].argv[1]``) and what is wrong: an unknown key, an empty argv or
program name, a timeout that is not a finite number of seconds in (0, 3600], a
placeholder other than ``{target}`` in an argv (or ``{current}``/``{target}`` in the
notice), ``{target}`` glued into a longer argument, a NUL character.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from autus_tui.core.config import ConfigError
from autus_tui.core.rollback import TARGET, RollbackConfig, StepSpec

MAX_TIMEOUT = 3600.0
MAX_STEPS = 20
MAX_ARGS = 64
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_NOTICE_FIELDS = ("{current}", "{target}")


def parse_rollback(source: str, raw: object, base: RollbackConfig) -> RollbackConfig:
    """``[rollback]`` of one layer over ``base``; ConfigError names the key."""
    if not isinstance(raw, Mapping):
        raise ConfigError(source, "rollback", f"expected a table, got {raw!r}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"rollback.{key}"
        if key == "repo":
            values[key] = _string(source, where, value, allow_empty=True)
        elif key in ("pattern", "current_pattern"):
            values[key] = _string(source, where, value)
        elif key == "notice":
            values[key] = _notice(source, where, value)
        elif key == "steps":
            values[key] = _steps(source, where, value)
        else:
            raise ConfigError(source, where, "unknown key (known: repo, pattern, "
                                             "current_pattern, steps, notice)")
    return replace(base, **values)


def _string(source: str, where: str, raw: object, *, allow_empty: bool = False) -> str:
    if not isinstance(raw, str) or (not allow_empty and not raw.strip()):
        raise ConfigError(source, where, f"expected non-empty text, got {raw!r}")
    if "\x00" in raw:
        raise ConfigError(source, where, "contains a NUL character")
    return raw.strip()


def _notice(source: str, where: str, raw: object) -> str:
    text = _string(source, where, raw)
    for found in _PLACEHOLDER.findall(text):
        if found not in _NOTICE_FIELDS:
            raise ConfigError(source, where, f"unknown placeholder {found} "
                                             "(known: {current}, {target})")
    return text


def _steps(source: str, where: str, raw: object) -> tuple[StepSpec, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(source, where, f"expected a list of step tables, got {raw!r}")
    if len(raw) > MAX_STEPS:
        raise ConfigError(source, where, f"at most {MAX_STEPS} steps, got {len(raw)}")
    return tuple(_step(source, f"{where}[{n}]", item) for n, item in enumerate(raw, 1))


def _step(source: str, where: str, raw: object) -> StepSpec:
    if not isinstance(raw, Mapping):
        raise ConfigError(source, where, f"expected a table {{name, argv, timeout}}, got {raw!r}")
    unknown = set(raw) - {"name", "argv", "timeout"}
    if unknown:
        raise ConfigError(source, f"{where}.{sorted(unknown)[0]}",
                          "unknown key (known: name, argv, timeout)")
    if "argv" not in raw:
        raise ConfigError(source, f"{where}.argv", "required: the command as a list of words")
    if "timeout" not in raw:
        raise ConfigError(source, f"{where}.timeout", "required: seconds before it is ended")
    argv = _argv(source, f"{where}.argv", raw["argv"])
    timeout = _timeout(source, f"{where}.timeout", raw["timeout"])
    name = _string(source, f"{where}.name", raw["name"]) if "name" in raw else " ".join(argv)
    return StepSpec(name, argv, timeout)


def _argv(source: str, where: str, raw: object) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError(source, where, f"expected a non-empty list of words, got {raw!r}")
    if len(raw) > MAX_ARGS:
        raise ConfigError(source, where, f"at most {MAX_ARGS} words, got {len(raw)}")
    for n, arg in enumerate(raw):
        if not isinstance(arg, str) or "\x00" in arg:
            raise ConfigError(source, f"{where}[{n}]", f"expected text, got {arg!r}")
        for found in _PLACEHOLDER.findall(arg):
            if found != TARGET:
                raise ConfigError(source, f"{where}[{n}]",
                                  f"unknown placeholder {found} (only {TARGET} may be used)")
            if arg != TARGET:
                raise ConfigError(source, f"{where}[{n}]",
                                  f"{TARGET} must be a whole argument, not part of {arg!r}")
    if not raw[0].strip() or raw[0] == TARGET:
        raise ConfigError(source, f"{where}[0]", "must name the program to run")
    return tuple(raw)


def _timeout(source: str, where: str, raw: object) -> float:
    if (isinstance(raw, bool) or not isinstance(raw, (int, float))
            or not math.isfinite(raw) or not 0 < raw <= MAX_TIMEOUT):
        raise ConfigError(source, where, f"expected seconds above 0 and at most "
                                         f"{MAX_TIMEOUT:g}, got {raw!r}")
    return float(raw)
