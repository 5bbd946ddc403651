"""Incidents as Content: the timer strip's lines and the incident panel's rows.

Severity, situation, response, operator names, reasons and level names are outside text
(typed by anyone, or read from a file): every piece goes through ``ui.safe``, so
``[@click=app.quit]`` shows as typed and no escape sequence reaches the terminal. States
read without colour: the words INCIDENT, ACK, paged, LATE, SUGGESTED, ROLLBACK
CONDITION MET carry the meaning; reverse video only helps.

The strip, for the newest open incident (at most three lines, what 80x24 can spare):
  ``INCIDENT #3 경고 응답 지연 > 5s · open 0:02:14 · ACK alice 09:41, ladder keeps running``
  ``L1 On-call 엔지니어 paged 09:30 · next L2 백엔드 리드 in 12:46 (09:45) · 2 open (I)``
(below 100 columns: ``ACK alice, ladder runs`` / ``no ACK (a)``, ``next L2 in 12:46``)
  ``ROLLBACK CONDITION MET 전체 서비스 30분 이상 중단 · down since 09:00:00, 0:31:00 …``
and, while the metrics suggest a matrix row that is not declared,
  ``SUGGESTED 경고 응답 지연 > 5s → 캐시 확인 · avg_response = 6000 (> 5000) · i declares``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from autus_tui.core.escalation import Ladder, LadderRow, RowState
from autus_tui.core.incident_matrix import IncidentMatrix
from autus_tui.core.incident_text import countdown_text, span_text
from autus_tui.core.signals import OutageCondition, Suggestion
from autus_tui.services.incident_board import Board, BoardEntry, Signals, ladder_at
from autus_tui.store.incident_records import Incident
from autus_tui.ui import safe

SEVERITY_STYLES = ("bold reverse $error", "bold reverse $warning", "bold reverse $accent")
OTHER_SEVERITY = "bold reverse"
ROW_STYLES = {RowState.PENDING: "dim", RowState.DUE: "bold $warning",
              RowState.FIRED: "bold", RowState.LATE: "bold reverse $warning",
              RowState.STOPPED: "dim"}
SITUATION_CELLS = 28
WHO_CELLS = 22


def severity_word(name: str, matrix: IncidentMatrix | None) -> safe.Content:
    rank = matrix.rank_of(name) if matrix is not None else len(SEVERITY_STYLES)
    style = SEVERITY_STYLES[rank] if rank < len(SEVERITY_STYLES) else OTHER_SEVERITY
    return safe.styled(f" {safe.clean_text(name, 12)} ", style)


def hm(at: datetime, zone: tzinfo, seconds: bool = False) -> str:
    return at.astimezone(zone).strftime("%H:%M:%S" if seconds else "%H:%M")


def level_text(row: LadderRow, who: int = WHO_CELLS) -> safe.Content:
    return safe.join(safe.styled(row.name, "bold", 12), " ", safe.plain(row.who, who))


def identity(incident: Incident, matrix: IncidentMatrix | None) -> safe.Content:
    """``#3 경고 응답 지연 > 5s``."""
    return safe.join((incident.label, "bold"), " ", severity_word(incident.severity, matrix),
                     " ", safe.plain(incident.situation, SITUATION_CELLS))


def ack_text(incident: Incident, zone: tzinfo, *, wide: bool = True) -> safe.Content:
    """Who owns it, and that the ladder keeps running anyway (shorter at 80 columns)."""
    if incident.acknowledged_by is None:
        return safe.styled("not acknowledged (a)" if wide else "no ACK (a)", "bold $warning")
    name = safe.styled(incident.acknowledged_by, "bold", 24 if wide else 12)
    if not wide:
        return safe.join(("ACK", "bold reverse $success"), " ", name, (", ladder runs", "dim"))
    at = f" {hm(incident.acknowledged_at, zone)}" if incident.acknowledged_at else ""
    return safe.join(("ACK", "bold reverse $success"), " ", name, at,
                     (", ladder keeps running", "dim"))


def ladder_text(lad: Ladder, zone: tzinfo, *, wide: bool) -> safe.Content:
    """Where the ladder is: the level paged last, the next one and its countdown."""
    parts: list[safe.Part] = []
    current = lad.current
    if current is not None and current.fired_at is not None:
        word = ("paged late", "bold reverse $warning") if current.state is RowState.LATE \
            else ("paged", "bold")
        parts += [level_text(current), " ", word, f" {hm(current.fired_at, zone)}"]
    else:
        parts.append(("no level paged yet", "dim"))
    upcoming = lad.next
    # At 80 columns the next level by name only: who it pages is in the panel (I).
    nxt = (level_text(upcoming) if wide else safe.styled(upcoming.name, "bold", 12)) \
        if upcoming is not None else safe.plain("")
    if not lad.running:
        parts.append((" · ladder stopped", "dim"))
    elif upcoming is None:
        parts.append((" · top level reached", "bold"))
        if lad.next_reminder_at is not None:
            parts.append(f" · reminder at {hm(lad.next_reminder_at, zone)}")
    elif upcoming.state is RowState.DUE:
        parts += [" · next ", nxt, " ", ("due now", "bold reverse $warning")]
    elif lad.countdown is not None and upcoming.fires_at is not None:
        parts += [" · next ", nxt, " in ",
                  (countdown_text(lad.countdown.total_seconds()), "bold")]
        if wide:
            parts.append(f" ({hm(upcoming.fires_at, zone)})")
    return safe.join(*parts)


def incident_lines(
    entry: BoardEntry, board: Board, now: datetime, grace: timedelta, zone: tzinfo,
    matrix: IncidentMatrix | None, *, wide: bool,
) -> list[safe.Content]:
    incident = entry.incident
    lad = ladder_at(entry, now, grace)
    head = safe.join(("INCIDENT", "bold reverse $error"), " ", identity(incident, matrix),
                     " · open ", span_text((now - incident.declared_at).total_seconds()),
                     " · ", ack_text(incident, zone, wide=wide))
    ladder_line = ladder_text(lad, zone, wide=wide)
    if len(board.open) > 1:
        ladder_line = safe.join(ladder_line, (f" · {len(board.open)} open (I)", "bold"))
    return [head, ladder_line]


def outage_line(outage: OutageCondition) -> safe.Content:
    return safe.join(("ROLLBACK CONDITION MET", "bold reverse $error"), " ",
                     safe.styled(outage.text, "bold"), " · ", safe.plain(outage.evidence, 200))


def suggestion_line(suggestion: Suggestion, matrix: IncidentMatrix | None) -> safe.Content:
    return safe.join(("SUGGESTED", "bold reverse $accent"), " ",
                     severity_word(suggestion.severity, matrix), " ",
                     safe.plain(suggestion.situation, SITUATION_CELLS), " → ",
                     safe.styled(suggestion.response, "bold", 40), " · ",
                     safe.plain("; ".join(suggestion.evidence), 80), (" · i declares", "dim"))


def undeclared(signals: Signals, board: Board) -> Suggestion | None:
    """The most severe suggestion no open incident already covers."""
    taken = {(e.incident.severity, e.incident.situation) for e in board.open}
    return next((s for s in signals.suggestions if (s.severity, s.situation) not in taken),
                None)


def strip_lines(
    board: Board, signals: Signals, now: datetime, grace: timedelta, zone: tzinfo,
    matrix: IncidentMatrix | None, *, wide: bool, limit: int = 3,
) -> list[safe.Content]:
    """Incident first (two lines), then the rollback condition, then a suggestion."""
    lines: list[safe.Content] = []
    newest = board.newest_open
    if newest is not None:
        lines += incident_lines(newest, board, now, grace, zone, matrix, wide=wide)
    if signals.outage is not None and signals.outage.met:
        lines.append(outage_line(signals.outage))
    suggestion = undeclared(signals, board)
    if suggestion is not None:
        lines.append(suggestion_line(suggestion, matrix))
    return lines[:limit]
