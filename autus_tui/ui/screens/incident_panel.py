"""The incident panel (``I``, the palette, or a click on the timer strip).

Every open incident (newest first), then the latest resolved ones, each with two heading
lines (who declared it and when, its response, who acknowledged it, the delivery of its
notices; or how it was resolved) and its ladder as a table: level, who, fires at (local
time), T+ (after declaring), countdown, state (pending / due / fired / fired late /
stopped), how it fired (the timer, or escalated by someone and why), and the delivery of
that level's notice (sent / retrying / FAILED / skipped / pending).

``j``/``k`` (or the arrows) select an incident; ``a`` acknowledge, ``e`` escalate now,
``r`` resolve and ``o`` reopen act on the selected one (each through its dialog, which
names it). The status line says how the last step went, "already acknowledged by alice
at 09:41" included. ``escape`` (or ``I``) closes.

Rows come from the timer strip's board (``IncidentStrip.listeners``): re-shown when it is
read again and on every tick (the countdowns), updating cells in place. Everything typed
by anyone goes through ``ui.safe``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable

from autus_tui.core.escalation import Ladder, LadderRow, RowState
from autus_tui.core.incident_matrix import IncidentMatrix
from autus_tui.core.incident_text import countdown_text, span_text
from autus_tui.services.incident_board import Board, BoardEntry, ladder_at
from autus_tui.ui import safe
from autus_tui.ui.widgets.footer import ControlFooter
from autus_tui.ui.widgets.incidents.incident_lines import (
    ROW_STYLES,
    ack_text,
    hm,
    identity,
)
from autus_tui.ui.widgets.incidents.incident_strip import IncidentStrip
from autus_tui.ui.widgets.line import Line

COLUMNS = (("level", 5), ("who", 22), ("fires at", 8), ("T+", 7), ("countdown", 9),
           ("state", 10), ("how", 20), ("notice", 12))
"""Fixed widths: Content cells are not measured for auto-width columns."""


def t_plus(span: timedelta) -> str:
    seconds = max(0, round(span.total_seconds()))
    if seconds < 3600:
        return f"+{seconds // 60:02d}:{seconds % 60:02d}"
    return f"+{span_text(seconds)}"


class IncidentBlock(Vertical):
    """One incident: two heading lines and its ladder table."""

    DEFAULT_CSS = """
    IncidentBlock { height: auto; margin-bottom: 1; }
    IncidentBlock.-selected > Line { background: $boost; }
    IncidentBlock DataTable { height: auto; margin-left: 2; overflow-x: hidden; }
    """

    def __init__(self, incident_id: int) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.head = Line(classes="head")
        self.state_line = Line(classes="state")
        self.table: DataTable[safe.Content] = DataTable(cursor_type="none", show_cursor=False,
                                                        zebra_stripes=True)
        self.table.can_focus = False
        self._levels = -1

    def compose(self) -> ComposeResult:
        yield self.head
        yield self.state_line
        yield self.table

    def on_mount(self) -> None:
        for label, width in COLUMNS:
            self.table.add_column(label, width=width, key=label)

    def show(self, entry: BoardEntry, now: datetime, grace: timedelta, zone: tzinfo,
             matrix: IncidentMatrix | None, selected: bool) -> None:
        incident = entry.incident
        lad = ladder_at(entry, now, grace)
        self.set_class(selected, "-selected")
        marker = ("▶ ", "bold") if selected else "  "
        head: list[safe.Part] = [marker, identity(incident, matrix)]
        if incident.response:
            head += [" → ", safe.styled(incident.response, "bold", 40)]
        head += [" · declared ", hm(incident.declared_at, zone, seconds=True), " by ",
                 safe.plain(incident.declared_by, 24)]
        if incident.open:
            head += [" · ", ("OPEN", "bold reverse $error"), " ",
                     span_text((now - incident.declared_at).total_seconds())]
        self.head.show(safe.join(*head))
        self.state_line.show(self._state(entry, zone))
        rows = lad.rows
        if len(rows) != self._levels:
            self.table.clear()
            for row in rows:
                self.table.add_row(*self._cells(row, lad, entry, now, zone), key=str(row.index))
            self._levels = len(rows)
            return
        for row in rows:
            for (label, _), cell in zip(COLUMNS, self._cells(row, lad, entry, now, zone),
                                        strict=True):
                if self.table.get_cell(str(row.index), label) != cell:
                    self.table.update_cell(str(row.index), label, cell)

    def _state(self, entry: BoardEntry, zone: tzinfo) -> safe.Content:
        incident = entry.incident
        parts: list[safe.Part] = ["  "]
        if incident.open:
            parts.append(ack_text(incident, zone))
        else:
            at = hm(incident.resolved_at, zone) if incident.resolved_at else "?"
            parts += [("RESOLVED", "bold reverse $success"), f" {at} by ",
                      safe.styled(incident.resolved_by or "?", "bold", 24), ": ",
                      safe.plain(incident.resolution or "", 120), (" · o reopens", "dim")]
        if incident.reopens:
            parts.append(f" · reopened {incident.reopens}x")
        d = entry.delivery
        counts = [f"{n} {word}" for n, word in ((d.sent, "sent"), (d.pending, "pending"),
                                                 (d.failed, "FAILED"), (d.skipped, "skipped"))
                  if n]
        parts.append(" · notices " + (", ".join(counts) if counts else "none"))
        if d.last_error and (d.failed or d.pending):
            parts += [" (", safe.plain(d.last_error, 80), ")"]
        return safe.join(*parts)

    @staticmethod
    def _cells(row: LadderRow, lad: Ladder, entry: BoardEntry, now: datetime,
               zone: tzinfo) -> tuple[safe.Content, ...]:
        style = ROW_STYLES[row.state]
        at = row.fired_at or row.fires_at  # a fired level: when it really fired
        fires = hm(at, zone, seconds=True) if at else "—"
        plus = t_plus(at - lad.declared_at) if at else "—"
        countdown = countdown_text(row.countdown.total_seconds()) \
            if row.countdown is not None and row.state is RowState.PENDING else ""
        if row.state is RowState.DUE:
            countdown = "due now"
        if row.fired and row.by:
            how = safe.join("by ", safe.plain(row.by, 12), ": " if row.note else "",
                            safe.plain(row.note, 60))
        elif row.fired:
            late = row.state is RowState.LATE and row.fires_at is not None
            how = safe.plain("timer" + (f", due {hm(row.fires_at, zone)}" if late
                                        and row.fires_at else ""))
        else:
            how = safe.plain("")
        if row.reminders:
            how = safe.join(how, f" +{row.reminders} reminder{'s' * (row.reminders != 1)}")
        notice = entry.notice(row.index)
        word = notice.word if notice is not None else ("" if not row.fired else "—")
        notice_style = "bold reverse $error" if word == "FAILED" else (
            "bold $warning" if word.startswith("retrying") else "")
        return (safe.styled(row.name, "bold", 8), safe.plain(row.who, 40), safe.plain(fires),
                safe.plain(plus), safe.styled(countdown, "bold"),
                safe.styled(row.state.value, style), how, safe.styled(word, notice_style))


class IncidentPanel(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="incidents.close"),
        Binding("I", "close", "Close", show=False, id="incidents.close_i"),
        Binding("j,down", "move(1)", "Next", show=False, id="incidents.next"),
        Binding("k,up", "move(-1)", "Previous", show=False, id="incidents.previous"),
        Binding("a", "app.acknowledge_incident", "Ack", id="incidents.acknowledge"),
        Binding("e", "app.escalate_incident", "Escalate", id="incidents.escalate"),
        Binding("r", "app.resolve_incident", "Resolve", id="incidents.resolve"),
        Binding("o", "app.reopen_incident", "Reopen", id="incidents.reopen"),
    ]

    def __init__(self, strip: IncidentStrip) -> None:
        super().__init__(id="incident-panel")
        self.strip = strip
        self.selected: int | None = None
        self.title_line = Line(classes="title")
        self.status = Line(classes="status")
        self.body = VerticalScroll(classes="scroll")
        self.blocks: dict[int, IncidentBlock] = {}
        self._order: tuple[int, ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical(id="incident-panel-box"):
            yield self.title_line
            yield self.body
            yield self.status
        yield ControlFooter(compact=True)

    DEFAULT_CSS = """
    #incident-panel-box { height: 1fr; }
    #incident-panel-box .title { padding: 0 1; background: $boost; }
    #incident-panel-box .scroll { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
    #incident-panel-box .status { padding: 0 1; }
    """

    def on_mount(self) -> None:
        self.strip.listeners.append(self._board_changed)
        self._start()

    def on_unmount(self) -> None:
        if self._board_changed in self.strip.listeners:
            self.strip.listeners.remove(self._board_changed)

    def reopen(self) -> None:
        """Shown (again): the newest open incident selected, the status line empty."""
        if self.is_mounted:
            self._start()

    def _start(self) -> None:
        board = self.strip.board
        newest = board.newest_open or (board.entries[0] if board.entries else None)
        self.selected = newest.id if newest is not None else None
        self.status.show(safe.plain(""))
        self.show_board(board, self.strip.clock.now())
        self.body.scroll_home(animate=False)

    def _board_changed(self, board: Board, now: datetime) -> None:
        if self.app.screen is self:
            self.show_board(board, now)

    def show_board(self, board: Board, now: datetime) -> None:
        entries = board.entries
        ids = tuple(entry.id for entry in entries)
        if self.selected not in ids:
            self.selected = ids[0] if ids else None
        if ids != self._order:
            self._rebuild(ids)
        resolved = len(board.resolved)
        self.title_line.show(safe.join(
            ("Incidents", "bold"), f" — {len(board.open)} open",
            f", {resolved} resolved shown" if resolved else "",
            ("  · j/k select · a ack · e escalate · r resolve · o reopen", "dim")))
        if not entries:
            self.status.show(safe.styled("No incidents recorded. i declares one.", "dim"))
        strip = self.strip
        for entry in entries:
            block = self.blocks.get(entry.id)
            if block is not None and block.is_mounted:
                block.show(entry, now, strip.grace, strip.zone, strip.matrix,
                           entry.id == self.selected)

    def _rebuild(self, ids: tuple[int, ...]) -> None:
        """Another set or order of incidents: new blocks (few, and rare: a declare, a
        resolve), filled once they are mounted."""
        self._order = ids
        self.body.remove_children()
        self.blocks = {incident_id: IncidentBlock(incident_id) for incident_id in ids}
        self.body.mount_all(list(self.blocks.values()))
        # New blocks add their columns on mount; show the rows once that happened.
        self.call_after_refresh(lambda: self.show_board(self.strip.board,
                                                        self.strip.clock.now()))

    def action_move(self, step: int) -> None:
        ids = self._order
        if not ids:
            return
        index = ids.index(self.selected) if self.selected in ids else 0
        self.selected = ids[max(0, min(len(ids) - 1, index + step))]
        self.show_board(self.strip.board, self.strip.clock.now())
        block = self.blocks.get(self.selected)
        if block is not None:
            self.body.scroll_to_widget(block, animate=False)

    def tell(self, content: safe.Content) -> None:
        self.status.show(content)

    def action_close(self) -> None:
        self.dismiss(None)

    @property
    def text(self) -> str:
        """The panel as plain text (tests): title, each block's lines and rows, status."""
        lines = [self.title_line.text]
        for incident_id in self._order:
            block = self.blocks[incident_id]
            lines += [block.head.text, block.state_line.text]
            for index in range(block.table.row_count):
                lines.append(" | ".join(cell.plain for cell in block.table.get_row_at(index)))
        lines.append(self.status.text)
        return "\n".join(lines)
