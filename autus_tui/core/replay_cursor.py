"""The replay's time cursor: times typed as on the launch-day clock, steps, play speeds.

``parse_moment(text, day, zone)`` reads ``HH:MM`` or ``HH:MM:SS`` on the launch day in
the launch timezone, optionally prefixed ``D-1`` / ``D+1`` (the evening before, the
morning after; ``24:00`` is D+1 00:00), and returns the UTC instant; anything else raises
``ValueError`` saying what is expected. ``cursor_text`` writes a moment back the same way.
``clamp`` keeps the cursor within the recorded span. ``SPEEDS`` are the play speeds
(recorded seconds per real second); ``faster``/``slower`` step through them.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

SPEEDS = (1.0, 10.0, 60.0, 600.0)
DEFAULT_SPEED = 60.0
_MOMENT = re.compile(r"(?:D([+-]\d))?\s*(\d\d?):(\d\d)(?::(\d\d))?")


def parse_moment(text: str, day: date, zone: tzinfo) -> datetime:
    match = _MOMENT.fullmatch(text.strip().upper())
    if match is None:
        raise ValueError(f"expected a time HH:MM (or D+1 HH:MM), got {text.strip()[:20]!r}")
    offset, hours, minutes, seconds = match.groups()
    hour, minute, second = int(hours), int(minutes), int(seconds or 0)
    days = int(offset or 0)
    if hour == 24 and minute == 0 and second == 0:
        hour, days = 0, days + 1
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"no such time of day: {text.strip()[:20]!r}")
    local = datetime.combine(day + timedelta(days=days), time(hour, minute, second),
                             tzinfo=zone)
    return local.astimezone(UTC)


def cursor_text(at: datetime, day: date, zone: tzinfo, *, seconds: bool = False) -> str:
    local = at.astimezone(zone)
    text = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    days = (local.date() - day).days
    return text if days == 0 else f"D{days:+d} {text}"


def clamp(at: datetime, span: tuple[datetime, datetime]) -> datetime:
    return min(max(at, span[0]), span[1])


def faster(speed: float) -> float:
    return next((s for s in SPEEDS if s > speed), SPEEDS[-1])


def slower(speed: float) -> float:
    return next((s for s in reversed(SPEEDS) if s < speed), SPEEDS[0])
