"""The one-line header: the D-Day clock, LIVE or REHEARSAL, operator (title when wide).

From left: local time in the launch timezone (``09:03:10 KST``), T-minus / T-plus to
launch (``T+00:03:10``), the current slot and the countdown to the next one, the mode,
the operator. At 80 columns the slot part is ``출시 ▸12:00 02:56:50`` (the slot's title,
the next slot's time, the countdown) and the title is hidden; from 120 columns (the
``-wide`` layout) it reads ``slot 출시 · next 점심 12:00 in 02:56:50``, the title shows
in the width left (whole, ``AUTUS v1.0``, or not at all) and the operator is labelled.
Slot titles are runbook text: through ``ui.safe``.

Pairing: after the operator, who else is attached (``alice +bob``; wide ``operator
alice + bob``) and who polls the backend (``poll:bob`` / ``poll:here``; wide ``polled
by bob`` / ``polling here``), both empty until the app tells (``show_pairing``).
Operator names are outside text: through ``ui.safe``.

Once a second only the clock, T±, and the countdown change: the countdown is a Line of
its own (auto width, beside the slot's name), so the second's repaint sends those cells
and not the slot's name and padding again (bytes over SSH).

REHEARSAL is reverse video on the warning colour, so nobody mistakes a rehearsal for
the real launch (and it still reads in 16 colours or none).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from textual.app import ComposeResult
from textual.containers import Horizontal

from autus_tui.core.runbook import Slot
from autus_tui.core.schedule import ClockView, LaunchDay, clock_view
from autus_tui.ui import safe
from autus_tui.ui.widgets.line import Line

TITLE = "AUTUS v1.0 control room"
TITLES = (TITLE, "AUTUS v1.0", "")
"""The title and its shorter forms, longest first: the widest that fits is shown."""


class TitleLine(Line):
    """The title in the width left over (wide layout): whole, shortened, or nothing —
    never cut mid-word into the operator beside it."""

    def on_resize(self) -> None:
        room = self.content_size.width
        text = next((title for title in TITLES if len(title) <= room), "")
        self.show(safe.styled(text, "bold") if text else safe.plain(""))


class ControlHeader(Horizontal):
    def __init__(self, zone: tzinfo, rehearsal: bool, operator: str, *,
                 day: LaunchDay | None = None, slots: Sequence[Slot] = (),
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.zone = zone
        self.day = day
        self.slots = tuple(slots)
        self.wide = False
        self.clock = Line(classes="clock")
        self.to_launch = Line(classes="to-launch")
        self.slot = Line(classes="slot-name")
        self.countdown = Line(classes="countdown")
        mode = (safe.styled(" REHEARSAL ", "bold reverse $warning") if rehearsal
                else safe.styled(" LIVE ", "bold reverse $success"))
        self.mode = Line(mode, classes="mode")
        self.title_line = TitleLine(safe.styled(TITLE, "bold"), classes="title")
        self.operator_name = safe.clean_text(operator, 24)
        self.operator = Line(classes="operator")
        self.poller = Line(classes="poller")
        self.others: tuple[str, ...] = ()
        self.poller_name: str | None = None
        self.polling_here = False
        self.poller_known = False
        self.retrying = False
        self._show_operator()

    def compose(self) -> ComposeResult:
        yield self.clock
        yield self.to_launch
        with Horizontal(classes="slot"):
            yield self.slot
            yield self.countdown
        yield self.mode
        yield self.title_line
        yield self.operator
        yield self.poller

    def set_wide(self, wide: bool) -> None:
        self.wide = wide
        self._show_operator()

    def show_pairing(self, others: Sequence[str], poller: str | None, polling_here: bool,
                     *, known: bool = True, retrying: bool = False) -> None:
        """Who else is attached; who polls. ``known=False``: say nothing about polling
        (no lease and no recorder here, e.g. a read-only look). ``retrying``: nobody polls
        and this process's recorder is retrying after a store error."""
        self.others = tuple(others)
        self.poller_name, self.polling_here, self.poller_known = poller, polling_here, known
        self.retrying = retrying
        self._show_operator()

    def show_time(self, now: datetime) -> None:
        self.clock.show(safe.plain(now.astimezone(self.zone).strftime("%H:%M:%S %Z")))
        if self.day is None or not self.slots:
            return
        view = clock_view(self.day, self.slots, now)
        self.to_launch.show(safe.styled(view.to_launch, "bold"))
        _show_sized(self.slot, self._slot_text(view))
        _show_sized(self.countdown, safe.plain(view.countdown_text if view.next else ""))

    def _slot_text(self, view: ClockView) -> safe.Content:
        """The slot's part before the countdown (which is its own Line)."""
        current = view.current.slot
        if self.wide:
            parts: list[safe.Part] = ["slot ", safe.styled(current.title, "bold", 16)]
            if view.next is not None:
                parts += [" · next ", safe.plain(view.next.slot.title, 16),
                          f" {view.next.slot.at_text} in "]
            return safe.join(*parts)
        parts = [safe.styled(current.title, "bold", 8)]
        if view.next is not None:
            parts += [f" ▸{view.next.slot.at_text.replace('D+1 ', '')} "]
        return safe.join(*parts)

    def _show_operator(self) -> None:
        name = (self.operator_name, "bold")
        parts: list[safe.Part] = ["operator ", name] if self.wide else [name]
        if self.others:
            parts += [" + " if self.wide else " +", safe.plain(", ".join(self.others), 40)]
        _show_sized(self.operator, safe.join(*parts))
        _show_sized(self.poller, self._poller_text())

    def _poller_text(self) -> safe.Content:
        if not self.poller_known:
            return safe.plain("")
        if self.poller_name is None and self.retrying:
            return safe.styled("poller retrying " if self.wide else "poll:retrying ",
                               "bold $warning")
        if self.poller_name is None:
            return safe.styled("no poller " if self.wide else "poll:none ", "bold $warning")
        if self.polling_here:
            return safe.styled("polling here " if self.wide else "poll:here ", "dim")
        prefix = "polled by " if self.wide else "poll:"
        return safe.join((prefix, "dim"), safe.plain(self.poller_name, 12), " ")


def _show_sized(line: Line, content: safe.Content) -> None:
    """Show ``content`` in an auto-width Line: a new layout only when its width changes
    (a Line alone does not re-layout, so auto width would stay at its first size)."""
    before = line.shown_cells
    if line.show(content) and content.cell_length != before:
        line.refresh(layout=True)
