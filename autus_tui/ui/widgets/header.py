"""The one-line header: the D-Day clock, LIVE or REHEARSAL, operator, who else, who polls.

From left: local time in the launch timezone (``09:03:10 KST``), T-minus / T-plus to
launch (``T+00:03:10``), the current slot and the countdown to the next one; on the
right the mode, the title (wide only), the operator, who else is attached and who polls
the backend. At 80 columns the slot part is ``출시 ▸12:00 02:56:50`` (the slot's title,
the next slot's time, the countdown); from 120 columns (``set_wide``) it reads ``slot 출시
· next 점심 12:00 in 02:56:50`` and the operator is labelled (``operator alice + bob,
carol``, ``polled by bob``).

Every part keeps a space on each side: words never run together. When the line is too
narrow for everything, parts give way in this order, never the clock, T±, the
countdown, the mode, the operator or who polls: the title shortens (``AUTUS v1.0``) then
goes, the list of others becomes a count (``+2``), the slot's title goes (``▸12:00``), the
operator's and the poller's names are cut (with ``…``). Widths are Textual's cell
lengths of the cleaned text (``core.text`` leaves no zero-width joiner, variation
selector or skin-tone modifier that a terminal could draw wider or narrower).

Drawn as one widget (``metrics.pane_lines.PaneLines``): once a second only the clock,
T± and the countdown change, and only their cells are sent (bytes over SSH). Slot
titles and operator names are outside text: through ``ui.safe``. REHEARSAL is reverse
video on the warning colour, so nobody mistakes a rehearsal for the real launch (and it
still reads in 16 colours or none).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from textual.content import Content

from autus_tui.core.runbook import Slot
from autus_tui.core.schedule import ClockView, LaunchDay, clock_view
from autus_tui.ui import safe
from autus_tui.ui.widgets.metrics.pane_lines import Cell, PaneLines, fit

TITLE = "AUTUS v1.0 control room"
TITLES = (TITLE, "AUTUS v1.0", "")
"""The title and its shorter forms, longest first: the widest that fits is shown."""
NAME_CELLS = 24
"""An operator's or poller's name is cut to this many cells at most."""
MIN_NAME_CELLS = 6


class ControlHeader(PaneLines):
    def __init__(self, zone: tzinfo, rehearsal: bool, operator: str, *,
                 day: LaunchDay | None = None, slots: Sequence[Slot] = (),
                 id: str | None = None) -> None:
        super().__init__(1, id=id)
        self.zone = zone
        self.day = day
        self.slots = tuple(slots)
        self.wide = False
        self.clock, self.to_launch, self.countdown = Cell(), Cell(), Cell()
        self.slot = Cell()
        self.mode = Cell(safe.styled(" REHEARSAL ", "bold reverse $warning") if rehearsal
                         else safe.styled(" LIVE ", "bold reverse $success"))
        self.title = Cell()
        self.operator_name = safe.clean_text(operator, 32)
        self.operator, self.poller = Cell(), Cell()
        self.others: tuple[str, ...] = ()
        self.poller_name: str | None = None
        self.polling_here = False
        self.poller_known = False
        self.retrying = False
        self._view: ClockView | None = None

    def set_wide(self, wide: bool) -> None:
        self.wide = wide
        self.rebuild()

    def show_pairing(self, others: Sequence[str], poller: str | None, polling_here: bool,
                     *, known: bool = True, retrying: bool = False) -> None:
        """Who else is attached; who polls. ``known=False``: say nothing about polling
        (no lease and no recorder here, e.g. a read-only look). ``retrying``: nobody polls
        and this process's recorder is retrying after a store error."""
        self.others = tuple(others)
        self.poller_name, self.polling_here, self.poller_known = poller, polling_here, known
        self.retrying = retrying
        self.rebuild()

    def show_time(self, now: datetime) -> None:
        self.clock.show(safe.plain(now.astimezone(self.zone).strftime("%H:%M:%S %Z")))
        if self.day is not None and self.slots:
            self._view = clock_view(self.day, self.slots, now)
        self.rebuild()

    # -- the line ---------------------------------------------------------------------

    def rebuild(self) -> None:
        self.set_lines([self._parts(self.width)])

    def _parts(self, width: int) -> list[Content]:
        view = self._view
        self.to_launch.show(safe.styled(view.to_launch, "bold") if view else safe.plain(""))
        self.countdown.show(safe.plain(view.countdown_text if view and view.next else ""))
        left = [Content(" "), self.clock.content, Content(" "), self.to_launch.content,
                Content(" ")]
        fixed = sum(part.cell_length for part in left) + self.countdown.content.cell_length
        right_fixed = self.mode.content.cell_length + 1
        # Forms from the fullest to the barest, in the order parts give way.
        for title, others, slot_full, name_cells in self._forms():
            slot = self._slot_text(view, full=slot_full)
            operator = self._operator_text(others, name_cells)
            poller = self._poller_text(name_cells)
            title_part = safe.styled(title, "bold") if title else Content("")
            right = [title_part, Content("  " if title else ""), operator, Content(" "),
                     poller]
            used = (fixed + slot.cell_length + right_fixed
                    + sum(part.cell_length for part in right) + 1)
            if used <= width:
                break
        self.slot.show(slot)
        self.title.show(title_part)
        self.operator.show(operator)
        self.poller.show(poller)
        gap = Content(" " * max(1, width - used + 1))
        parts = [*left, slot, self.countdown.content, gap, self.mode.content, Content(" "),
                 *right]
        used_now = sum(part.cell_length for part in parts)
        if used_now < width:
            parts.append(Content(" " * (width - used_now)))
        return parts

    def _forms(self) -> list[tuple[str, str, bool, int]]:
        """(title, others, slot title shown, name cells), fullest first."""
        full_others = self._others_text(full=True)
        counted = self._others_text(full=False)
        titles = TITLES if self.wide else ("",)
        forms = [(title, full_others, True, NAME_CELLS) for title in titles]
        forms += [("", counted, True, NAME_CELLS), ("", counted, False, NAME_CELLS)]
        forms += [("", counted, False, cells) for cells in (16, 12, 8, MIN_NAME_CELLS)]
        return forms

    def _others_text(self, *, full: bool) -> str:
        if not self.others:
            return ""
        if full:
            return (" + " if self.wide else " +") + ", ".join(self.others)
        return f" +{len(self.others)}"

    def _slot_text(self, view: ClockView | None, *, full: bool) -> Content:
        """The slot's part before the countdown, with its space after it."""
        if view is None:
            return Content("")
        current = view.current.slot
        if self.wide and full:
            parts: list[safe.Part] = ["slot ", safe.styled(current.title, "bold", 16)]
            if view.next is not None:
                parts += [" · next ", safe.plain(view.next.slot.title, 16),
                          f" {view.next.slot.at_text} in "]
            else:
                parts.append(" ")
            return safe.join(*parts)
        parts = [safe.styled(current.title, "bold", 8), " "] if full else []
        if view.next is not None:
            parts += [f"▸{view.next.slot.at_text.replace('D+1 ', '')} "]
        return safe.join(*parts)

    def _operator_text(self, others: str, name_cells: int) -> Content:
        name = fit_name(safe.styled(self.operator_name, "bold"), name_cells)
        parts: list[safe.Part] = ["operator ", name] if self.wide else [name]
        if others:
            parts.append(fit_name(safe.plain(others), 40))
        return safe.join(*parts)

    def _poller_text(self, name_cells: int) -> Content:
        if not self.poller_known:
            return Content("")
        if self.poller_name is None and self.retrying:
            return safe.styled("poller retrying" if self.wide else "poll:retrying",
                               "bold $warning")
        if self.poller_name is None:
            return safe.styled("no poller" if self.wide else "poll:none", "bold $warning")
        if self.polling_here:
            return safe.styled("polling here" if self.wide else "poll:here", "dim")
        prefix = "polled by " if self.wide else "poll:"
        return safe.join((prefix, "dim"), fit_name(safe.plain(self.poller_name), name_cells))


def fit_name(name: Content, cells: int) -> Content:
    """A name in at most ``cells`` cells, cut with ``…`` (never padded)."""
    return name if name.cell_length <= cells else fit(name, cells)
