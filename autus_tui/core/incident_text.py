"""Incident and notice events in words: the events pane, the timeline, toasts.

``event_text(kind, who, subject, detail)`` is one line for an ``incident.*`` or
``notify.*`` event (``None`` for any other kind):

  ``alice declared #3 심각 서버 다운 → 즉시 재시작``
  ``#3 L2 백엔드 리드 paged (+15 min)``          (the timer fired a level; ``LATE`` if late)
  ``alice escalated #3 to L2 백엔드 리드: DB 복구 지연``
  ``alice acknowledged #3 (the ladder keeps running)``
  ``bob acknowledge #3: already acknowledged by alice``   (a race the loser lost)
  ``bob started rollback run 2 for #3: v1.0.0 → v0.9.10 (DB 손상)``  (``incident.rollback``)
  ``notice for #3 sent (hooks.example.com)`` / ``… not delivered (attempt 2): … retrying``

``event_detail(kind, detail)`` is the timeline's detail column for the same events, and
``subject_text(kind, subject)`` its subject (``#3``). ``is_firing(kind)``: a level was
paged (the screens toast and ring the bell for these).

Every value comes from the database and may hold anyone's text: the result is plain
text, cleaned of control characters here, and shown through ``ui.safe`` by the screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autus_tui.core.text import clean

FIRINGS = ("incident.level", "incident.escalate", "incident.reminder")
VERBS = {"incident.declare": "declared", "incident.acknowledge": "acknowledged",
         "incident.escalate": "escalated", "incident.resolve": "resolved",
         "incident.reopen": "reopened"}
ATTEMPTS = {"incident.declare": "declare", "incident.acknowledge": "acknowledge",
            "incident.escalate": "escalate", "incident.resolve": "resolve",
            "incident.reopen": "reopen"}


def is_incident_kind(kind: str) -> bool:
    return kind.startswith(("incident.", "notify."))


def is_firing(kind: str, detail: Mapping[str, Any]) -> bool:
    """A level was paged (a timer firing, a manual escalation, a reminder)."""
    return kind in FIRINGS and not detail.get("already")


def subject_text(kind: str, subject: str) -> str:
    """``#3`` for an incident's id, else the subject as it is."""
    if is_incident_kind(kind) and subject.isdigit():
        return f"#{subject}"
    return subject


def _s(detail: Mapping[str, Any], key: str, limit: int = 200) -> str:
    value = detail.get(key)
    return clean(value, limit) if value not in (None, "") else ""


def _level(detail: Mapping[str, Any]) -> str:
    return " ".join(part for part in (_s(detail, "name", 40), _s(detail, "who", 80)) if part)


def event_text(kind: str, who: str, subject: str, detail: Mapping[str, Any]) -> str | None:
    if not is_incident_kind(kind):
        return None
    who = clean(who or "system", 40)
    label = subject_text(kind, clean(subject, 20))
    if kind.startswith("notify."):
        return _notify(kind, label, detail)
    if detail.get("already"):
        what = _s(detail, "what", 120)
        by = _s(detail, "by", 40)
        return f"{who} {ATTEMPTS.get(kind, kind)} {label}: already {what}" + (
            f" by {by}" if by else "")
    if kind in ("incident.level", "incident.reminder", "incident.escalate"):
        return _firing(kind, who, label, detail)
    if kind == "incident.declare":
        line = f"{who} declared {label} {_s(detail, 'severity', 60)} {_s(detail, 'situation')}"
        response = _s(detail, "response", 120)
        return line + (f" → {response}" if response else "")
    if kind == "incident.acknowledge":
        return f"{who} acknowledged {label} (the ladder keeps running)"
    if kind == "incident.resolve":
        line = f"{who} resolved {label}: {_s(detail, 'resolution', 300)}"
        seconds = detail.get("open_seconds")
        if isinstance(seconds, (int, float)):
            line += f" (open {span_text(seconds)})"
        return line
    if kind == "incident.rollback":  # a rollback started while the incident was open
        line = f"{who} started rollback run {detail.get('run', '?')} for {label}: " \
               f"{_s(detail, 'from', 40) or '?'} → {_s(detail, 'target', 40) or '?'}"
        reason = _s(detail, "reason", 200)
        return line + (f" ({reason})" if reason else "")
    if kind == "incident.reopen":
        line = f"{who} reopened {label}"
        reason = _s(detail, "reason", 300)
        line += f": {reason}" if reason else ""
        start = detail.get("from_level")
        if isinstance(start, int) and start >= 0:
            line += f" (the ladder goes on from level {start + 1})"
        return line
    return f"{who} {kind} {label}"


def _firing(kind: str, who: str, label: str, detail: Mapping[str, Any]) -> str:
    level = _level(detail)
    if kind == "incident.escalate":
        line = f"{who} escalated {label} to {level}"
        note = _s(detail, "note", 300)
        return line + (f": {note}" if note else "")
    if kind == "incident.reminder":
        line = f"{label} reminder {detail.get('seq', '?')}: {level} paged again"
    else:
        line = f"{label} {level} paged"
    return line + (" — LATE (nothing was running at its time)" if detail.get("late") else "")


def _notify(kind: str, label: str, detail: Mapping[str, Any]) -> str:
    outcome = kind.removeprefix("notify.")
    host = _s(detail, "host", 80)
    error = _s(detail, "error", 200)
    attempt = detail.get("attempt")
    if outcome == "sent":
        return f"notice for {label} sent" + (f" ({host})" if host else "")
    if outcome == "retry":
        return f"notice for {label} not delivered (attempt {attempt}): {error} — retrying"
    if outcome == "failed":
        return f"notice for {label} FAILED: {error}"
    if outcome == "skipped":
        return f"notice for {label} not sent: {error}"
    return f"notice for {label} {outcome}"


def event_detail(kind: str, detail: Mapping[str, Any]) -> str | None:
    """The timeline's detail column for an incident or notice event."""
    if not is_incident_kind(kind):
        return None
    parts: list[str] = []
    if detail.get("already"):
        parts.append(f"already {_s(detail, 'what', 120)}"
                     + (f" by {_s(detail, 'by', 40)}" if detail.get("by") else ""))
    elif kind == "incident.declare":
        parts += [_s(detail, "severity", 60), _s(detail, "situation")]
        if detail.get("response"):
            parts.append(f"→ {_s(detail, 'response', 120)}")
    elif kind in FIRINGS:
        parts.append(_level(detail))
        if kind == "incident.reminder":
            parts.append(f"reminder {detail.get('seq', '?')}")
        if detail.get("note"):
            parts.append(_s(detail, "note", 300))
        if detail.get("late"):
            parts.append("LATE")
    elif kind == "incident.acknowledge":
        parts.append("the ladder keeps running")
    elif kind == "incident.resolve":
        parts.append(_s(detail, "resolution", 300))
    elif kind == "incident.reopen":
        parts.append(_s(detail, "reason", 300) or "no reason given")
    elif kind == "incident.rollback":
        parts += [f"run {detail.get('run', '?')}",
                  f"{_s(detail, 'from', 40) or '?'} → {_s(detail, 'target', 40) or '?'}",
                  _s(detail, "reason", 200)]
    elif kind.startswith("notify."):
        parts.append(kind.removeprefix("notify."))
        if detail.get("attempt"):
            parts.append(f"attempt {detail['attempt']}")
        parts += [_s(detail, "host", 80), _s(detail, "error", 200)]
    return " · ".join(part for part in parts if part)


def span_text(seconds: float) -> str:
    """``0:12:05`` (hours unpadded), a duration that may pass a day."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def countdown_text(seconds: float) -> str:
    """``12:46`` under an hour, ``1:02:03`` from an hour on."""
    total = max(0, round(seconds))
    if total < 3600:
        return f"{total // 60:02d}:{total % 60:02d}"
    return span_text(total)
