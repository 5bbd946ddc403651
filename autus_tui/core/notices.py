"""The texts of incident notices for the team channel (a Slack-compatible webhook).

Each notice names the incident (``#3``, its severity and situation), what happened, the
level and whom it pages, and whether it fired late. Text from people (severity,
situation, reasons, resolutions) and from configuration (who) is cleaned of control,
bidi and zero-width characters and escaped the way Slack wants (``& < >``), so a typed
``<!channel>`` pings nobody and ``응답 지연 > 5s`` shows as written. Bounded in length.
"""

from __future__ import annotations

import re
from datetime import timedelta

from autus_tui.core.escalation import LadderLevel
from autus_tui.core.text import clean

MAX_NOTICE = 1500
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def slack_text(value: object, limit: int = 300) -> str:
    """Outside text made safe for a Slack ``text`` field: one printable line, escaped."""
    text = _INVISIBLE.sub("", clean(value, limit))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def duration_text(span: timedelta) -> str:
    """``45 s``, ``27 min``, ``1 h 05 min``."""
    seconds = max(0, int(span.total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _head(incident_id: int, severity: str, situation: str, rehearsal: bool) -> str:
    tag = "[rehearsal] " if rehearsal else ""
    return f"{tag}AUTUS incident #{incident_id} {slack_text(severity, 60)} · " \
           f"{slack_text(situation, 120)}"


def _level(level: LadderLevel) -> str:
    return f"{slack_text(level.name, 40)} {slack_text(level.who, 120)}"


def level_notice(
    incident_id: int, severity: str, situation: str, response: str, level: LadderLevel, *,
    rehearsal: bool, late_by: timedelta | None = None, escalated_by: str = "", note: str = "",
) -> str:
    """A level fired: it pages ``level.who``."""
    text = f"{_head(incident_id, severity, situation, rehearsal)} — {_level(level)} paged"
    if escalated_by:
        text += f", escalated now by {slack_text(escalated_by, 60)}"
        if note:
            text += f": {slack_text(note, 300)}"
    else:
        text += f" (+{level.minutes:g} min)"
    if late_by is not None:
        text += f" — LATE: {duration_text(late_by)} after its time (nothing was running)"
    if response:
        text += f" — response: {slack_text(response, 120)}"
    return text[:MAX_NOTICE]


def reminder_notice(
    incident_id: int, severity: str, situation: str, level: LadderLevel, number: int, *,
    rehearsal: bool, open_for: timedelta, late_by: timedelta | None = None,
) -> str:
    text = (f"{_head(incident_id, severity, situation, rehearsal)} — reminder {number}: "
            f"still unresolved after {duration_text(open_for)}, {_level(level)} paged again")
    if late_by is not None:
        text += f" — LATE: {duration_text(late_by)} after its time (nothing was running)"
    return text[:MAX_NOTICE]


def state_notice(
    incident_id: int, severity: str, situation: str, what: str, operator: str, *,
    rehearsal: bool, detail: str = "", level: LadderLevel | None = None,
) -> str:
    """Acknowledged / resolved / reopened by someone (``what`` is that verb)."""
    text = f"{_head(incident_id, severity, situation, rehearsal)} — {what} by " \
           f"{slack_text(operator, 60)}"
    if detail:
        text += f": {slack_text(detail, 500)}"
    if level is not None:
        text += f" — at {_level(level)}"
    return text[:MAX_NOTICE]
