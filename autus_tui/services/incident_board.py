"""What the incident screens show, read in one go (call it off the UI thread).

``read_board(store)`` reads every open incident (oldest first) and the latest resolved
ones (newest first, at most ``RESOLVED_SHOWN``: the panel reopens them), each with the
delivery summary of its notices and the delivery state of each level's notice. The
ladder itself is not stored in the board: ``ladder_at(entry, now, grace)`` computes it
from the stored timestamps at any moment, so a screen moves its countdowns every second
without reading the database again.

``read_signals(store, matrix, config, clock)``: the matrix rows the recorded polls suggest
now (most severe first; never declared by this) and the rollback condition 전체 서비스
30분 이상 중단 judged now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from autus_tui.core.clock import Clock
from autus_tui.core.config import Config
from autus_tui.core.escalation import Ladder, ladder
from autus_tui.core.incident_matrix import IncidentMatrix
from autus_tui.core.signals import OutageCondition, Suggestion
from autus_tui.services.incident_signals import outage_condition, suggestions
from autus_tui.store import outbox
from autus_tui.store.incident_notices import LevelNotice, level_notices
from autus_tui.store.incident_records import Incident, read_incidents
from autus_tui.store.outbox import DeliverySummary
from autus_tui.store.store import Store

RESOLVED_SHOWN = 20


@dataclass(frozen=True)
class BoardEntry:
    incident: Incident
    delivery: DeliverySummary = field(default_factory=DeliverySummary)
    notices: Mapping[tuple[int, int], LevelNotice] = field(default_factory=dict)
    """(level, seq) → the delivery state of that firing's notice."""

    @property
    def id(self) -> int:
        return self.incident.id

    def notice(self, level: int, seq: int = 0) -> LevelNotice | None:
        return self.notices.get((level, seq))


@dataclass(frozen=True)
class Board:
    open: tuple[BoardEntry, ...] = ()
    """Unresolved, oldest first."""
    resolved: tuple[BoardEntry, ...] = ()
    """The latest resolved, newest first."""

    @property
    def entries(self) -> tuple[BoardEntry, ...]:
        """What the panel lists: open ones newest first, then the resolved ones."""
        return (*reversed(self.open), *self.resolved)

    @property
    def newest_open(self) -> BoardEntry | None:
        return self.open[-1] if self.open else None

    def find(self, incident_id: int) -> BoardEntry | None:
        return next((e for e in self.entries if e.id == incident_id), None)


EMPTY_BOARD = Board()


def ladder_at(entry: BoardEntry, now: datetime, grace: timedelta) -> Ladder:
    return ladder(entry.incident.state, now, grace)


def read_board(store: Store, resolved: int = RESOLVED_SHOWN) -> Board:
    with store.read() as conn:
        still_open = read_incidents(conn, "WHERE resolved_at IS NULL")
        done = read_incidents(conn, "WHERE id IN (SELECT id FROM incidents WHERE resolved_at"
                              " IS NOT NULL ORDER BY resolved_at DESC, id DESC LIMIT ?)",
                              (resolved,))
        everyone = [*still_open, *done]
        notices = level_notices(conn, [incident.id for incident in everyone])
        entries = {incident.id: BoardEntry(incident, outbox.summary(conn, incident.subject),
                                           notices.get(incident.id, {}))
                   for incident in everyone}
    done.sort(key=lambda i: (i.resolved_at or i.declared_at, i.id), reverse=True)
    return Board(tuple(entries[i.id] for i in still_open), tuple(entries[i.id] for i in done))


@dataclass(frozen=True)
class Signals:
    suggestions: tuple[Suggestion, ...] = ()
    outage: OutageCondition | None = None


NO_SIGNALS = Signals()


def read_signals(
    store: Store, matrix: IncidentMatrix | None, config: Config, clock: Clock
) -> Signals:
    found = suggestions(store, matrix, config, clock) if matrix is not None else ()
    return Signals(found, outage_condition(store, config, clock))
