"""The escalation timer strip: always in view while an incident is open, at 80x24 too.

Up to three one-line rows between the workspace and the events pane (``incident_lines``):
the newest open incident and its ladder (two rows), the rollback condition 전체 서비스
30분 이상 중단 when it is met, a matrix row the metrics suggest that nobody declared.
Hidden (no rows at all) when there is nothing to say. The metric grid and the checklist
are ``1fr``, so they give up the rows: the health and host lines stay on screen.

Where the rows come from. The strip holds the last ``Board`` read from the database
(``services.incident_board``): read again in a thread worker when the store watcher
reports an ``incident.*`` or ``notify.*`` event (anyone's: one path for one's own and
another operator's change), at most one read at a time. Countdowns move on the app's
``tick`` from the stored timestamps and the clock, without a read. The signals (the
suggestion, the rollback condition) are read at most every ``SIGNALS_SECONDS`` real
seconds after a commit (polls commit every second).

The strip is also where incident intents are answered (it is the asker, and lives as
long as the app): ``IntentDone`` goes to ``ui.incident_actions.tell``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from datetime import datetime, tzinfo

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message

from autus_tui.core.clock import Clock
from autus_tui.core.config import Config
from autus_tui.core.incident_matrix import IncidentMatrix
from autus_tui.core.incident_text import is_incident_kind
from autus_tui.services.escalation_firing import grace_for
from autus_tui.services.incident_board import (
    EMPTY_BOARD,
    NO_SIGNALS,
    Board,
    Signals,
    read_board,
    read_signals,
)
from autus_tui.store import Event, Store, StoreError
from autus_tui.ui.intents import IncidentIntent, IntentDone
from autus_tui.ui.widgets.incidents.incident_lines import strip_lines
from autus_tui.ui.widgets.line import Line

SIGNALS_SECONDS = 2.0
ROWS = 3
WIDE_COLUMNS = 100
"""From this many columns the next level's local time follows its countdown."""


class BoardRead(Message):
    def __init__(self, board: Board | None, error: str | None = None) -> None:
        super().__init__()
        self.board, self.error = board, error


class SignalsRead(Message):
    def __init__(self, signals: Signals | None) -> None:
        super().__init__()
        self.signals = signals


class IncidentStrip(Vertical):
    DEFAULT_CSS = """
    IncidentStrip { height: auto; max-height: 3; display: none; background: $boost; }
    IncidentStrip.-shown { display: block; }
    IncidentStrip > Line { padding: 0 1; }
    """

    def __init__(self, store: Store | None, config: Config, clock: Clock, zone: tzinfo,
                 matrix: IncidentMatrix | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store, self.config, self.clock, self.zone = store, config, clock, zone
        self.matrix = matrix
        self.grace = grace_for(clock)
        self.board: Board = EMPTY_BOARD
        self.signals: Signals = NO_SIGNALS
        self.rows = [Line(classes=f"incident-row-{n}") for n in range(ROWS)]
        self.reads = 0
        """Boards read (tests wait on it)."""
        self.listeners: list[Callable[[Board, datetime], None]] = []
        """Called with the board after each read and each tick (the open incident panel)."""
        self.on_answer: Callable[[IntentDone], None] | None = None
        self._reading = self._again = False
        self._signals_reading = False
        self._signals_due = True
        self._signals_at = -math.inf

    def compose(self) -> ComposeResult:
        yield from self.rows

    def on_mount(self) -> None:
        self.show_state(self.clock.now())

    # -- what changed -------------------------------------------------------------------

    def store_changed(self, events: Sequence[Event], *, first: bool = False) -> None:
        """The watcher saw a commit: read the board again if it touched incidents."""
        self._signals_due = True
        if first or any(is_incident_kind(event.kind) for event in events):
            self.read()
        if first:
            self.read_signals_now()

    def tick(self, now: datetime) -> None:
        self.show_state(now)
        if self._signals_due and time.monotonic() - self._signals_at >= SIGNALS_SECONDS:
            self.read_signals_now()

    # -- reading, off the UI thread ------------------------------------------------------

    def read(self) -> None:
        store = self.store
        if store is None:
            return
        if self._reading:
            self._again = True  # once the running read ends, read once more
            return
        self._reading = True

        def work() -> None:
            try:
                message = BoardRead(read_board(store))
            except StoreError as error:
                message = BoardRead(None, str(error))
            self.post_message(message)

        self.run_worker(work, name="incident board", group="incident-read", thread=True,
                        exit_on_error=False)

    def on_board_read(self, message: BoardRead) -> None:
        message.stop()
        self._reading = False
        if message.board is not None:
            self.board = message.board
            self.reads += 1
        if self._again:
            self._again = False
            self.read()
        self.show_state(self.clock.now())

    def read_signals_now(self) -> None:
        store = self.store
        if store is None or self._signals_reading:
            return
        self._signals_reading, self._signals_due = True, False
        self._signals_at = time.monotonic()
        matrix, config, clock = self.matrix, self.config, self.clock

        def work() -> None:
            try:
                signals: Signals | None = read_signals(store, matrix, config, clock)
            except StoreError:
                signals = None  # the next commit tries again
            self.post_message(SignalsRead(signals))

        self.run_worker(work, name="incident signals", group="incident-signals", thread=True,
                        exit_on_error=False)

    def on_signals_read(self, message: SignalsRead) -> None:
        message.stop()
        self._signals_reading = False
        if message.signals is not None:
            self.signals = message.signals
        self.show_state(self.clock.now())

    # -- showing ------------------------------------------------------------------------

    def show_state(self, now: datetime) -> None:
        if not self.is_attached:
            return
        lines = strip_lines(self.board, self.signals, now, self.grace, self.zone, self.matrix,
                            wide=self.app.size.width >= WIDE_COLUMNS, limit=ROWS)
        for number, row in enumerate(self.rows):
            shown = number < len(lines)
            if shown:
                row.show(lines[number])
            if row.display != shown:
                row.display = shown
        self.set_class(bool(lines), "-shown")
        for listener in list(self.listeners):
            listener(self.board, now)

    @property
    def text(self) -> str:
        """The rows shown, plain (tests)."""
        return "\n".join(row.text for row in self.rows if row.display)

    def on_intent_done(self, message: IntentDone) -> None:
        if isinstance(message.intent, IncidentIntent):
            message.stop()
            if self.on_answer is not None:
                self.on_answer(message)

    def about(self, subject: str) -> str | None:
        """``심각 서버 다운`` for an incident id the board knows (toasts name it)."""
        entry = self.board.find(int(subject)) if subject.isdigit() else None
        if entry is None:
            return None
        return f"{entry.incident.severity} {entry.incident.situation}"

    async def on_click(self) -> None:
        await self.run_action("app.incidents")
