"""A metric's value as text for a pane: scaled to its unit, short, never cut.

``format_value(value, unit, decimals)`` is pure and total (any float, any unit text):
- bytes (unit ``B``, ``byte``, ``bytes``, optionally ``/s``): binary prefixes, three
  significant digits (``512 B``, ``1.50 KiB``, ``24.1 GiB``, ``1.36 TiB/s``);
- seconds (unit ``s``): below one second as ``ms``/``µs``/``ns`` (an NTP offset of
  -0.000234 s is ``-234 µs``);
- large counts of any other unit: from 100,000 on as ``k``/``M``/``G``/``T``/``P``/``E``
  (``123k``, ``4.57M``); below that, digits with thousands separators as configured
  (``decimals``);
- small values keep at least two significant digits: where ``decimals`` would show fewer
  (``0.004`` at two decimals is ``0.00``), three are shown (``0.004``, ``1.23e-05``);
- ``%`` and ``/min`` stick to the number (``2.50%``), other units follow a space.
Negative values keep their sign. ``None`` (no value) is ``—``.
"""

from __future__ import annotations

import math

NO_VALUE = "—"
_BYTES = frozenset({"B", "byte", "bytes"})
_BINARY = ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB")
_SI = ("k", "M", "G", "T", "P", "E")
_SUBSECOND = (("ms", 1e3), ("µs", 1e6), ("ns", 1e9))
LARGE = 100_000.0
"""Counts from here on are shown with a k/M/... prefix."""
_ATTACHED = ("%", "/min")


def format_value(value: float | None, unit: str = "", decimals: int = 0) -> str:
    if value is None:
        return NO_VALUE
    if not math.isfinite(value):
        return str(value)
    sign = "-" if value < 0 else ""
    size = abs(value)
    base, per_second = (unit[:-2], "/s") if unit.endswith("/s") else (unit, "")
    if base in _BYTES:
        return sign + _bytes(size, decimals) + per_second
    if base == "s" and 0 < size < 1:
        return sign + _subsecond(size)
    if size >= LARGE:
        return _joined(sign + _scaled(size, 1000.0, _SI), unit)
    return _joined(sign + _plain(size, decimals), unit)


def _bytes(size: float, decimals: int) -> str:
    if size < 1024:
        return f"{_plain(size, decimals)} B"
    return _scaled(size, 1024.0, _BINARY, " ")


def _subsecond(size: float) -> str:
    for name, factor in _SUBSECOND:
        scaled = size * factor
        if scaled >= 1 or name == "ns":
            return f"{_significant(scaled)} {name}"
    raise AssertionError("unreachable")  # pragma: no cover - the loop always returns


def _scaled(size: float, step: float, prefixes: tuple[str, ...], space: str = "") -> str:
    scaled, prefix = size, ""
    for name in prefixes:
        if scaled < step and prefix:
            break
        scaled, prefix = scaled / step, name
    # 999.96 k rounds to "1,000k"; say 1.00M instead
    if round(scaled, _decimals_for(scaled)) >= step and prefix != prefixes[-1]:
        scaled, prefix = scaled / step, prefixes[prefixes.index(prefix) + 1]
    return f"{_significant(scaled)}{space}{prefix}"


def _significant(scaled: float) -> str:
    """Three significant digits for a scaled value (1.23, 12.3, 123; 1,023 stays whole)."""
    return f"{scaled:,.{_decimals_for(scaled)}f}"


def _decimals_for(scaled: float) -> int:
    return 2 if scaled < 10 else 1 if scaled < 100 else 0


def _plain(size: float, decimals: int) -> str:
    if 0 < size < 1 and _shown_digits(size, decimals) < 2:
        return f"{size:.3g}"
    return f"{size:,.{decimals}f}"


def _shown_digits(size: float, decimals: int) -> int:
    """How many significant digits ``decimals`` decimals show of a value below 1."""
    return decimals + math.floor(math.log10(size)) + 1


def _joined(number: str, unit: str) -> str:
    if not unit:
        return number
    if unit in _ATTACHED:
        return f"{number}{unit}"
    return f"{number} {unit}"
