"""The checklist as Content: the slot strip, the slot heading, one prompt per item.

Runbook text and operator names are outside text, so every piece goes through
``ui.safe``. States read without colour: slots say UPCOMING / ACTIVE / OVERDUE / DONE (or,
where the strip is narrow, the letters U / A / O / D, explained in the help), items show
``[ ]`` / ``[x]`` / ``[-]`` and an open item of an overdue slot says OVERDUE.
"""

from __future__ import annotations

from datetime import tzinfo

from autus_tui.core.checklist_view import STATE_LETTERS, SlotView
from autus_tui.core.marks import Mark
from autus_tui.core.runbook import Item, ItemState, Slot
from autus_tui.core.schedule import SlotState
from autus_tui.ui import safe

STATE_STYLES = {
    SlotState.UPCOMING: "dim",
    SlotState.ACTIVE: "bold $accent",
    SlotState.OVERDUE: "bold reverse $error",
    SlotState.DONE: "bold $success",
}
BOXES = {ItemState.OPEN: "[ ]", ItemState.DONE: "[x]", ItemState.NA: "[-]"}
OVERDUE_STYLE = "bold reverse $error"
WIDE_STRIP = 46
"""From this many cells the strip spells states and slot titles out."""


def short_time(slot: Slot) -> str:
    """``09`` for 09:00, ``09:30``, ``24``, ``D+1`` (what fits the narrow strip)."""
    text = slot.at_text
    if text.startswith("D+"):
        return text.split(" ")[0]
    return text[:2] if text.endswith(":00") else text


def strip(views: list[SlotView], shown: int, width: int) -> safe.Content:
    """Every slot with its state and progress; the shown one in reverse video.

    Entries are packed into lines here (never wrapped inside an entry) to ``width``.
    """
    wide = width >= WIDE_STRIP
    entries: list[safe.Content] = []
    for view in views:
        when = view.slot.at_text if wide else short_time(view.slot)
        word = view.state.value.upper() if wide else STATE_LETTERS[view.state]
        head = safe.join((when, "bold"), " ", safe.plain(view.slot.title, 12), " ") if wide \
            else safe.join((when, "bold"), " ")
        entry = safe.join(
            head, safe.styled(word, STATE_STYLES[view.state]),
            f" {view.progress.closed}/{view.progress.total}",
        )
        if view.index == shown:
            entry = entry.stylize("reverse")
        entries.append(entry)
    lines: list[safe.Content] = []
    for entry in entries:
        if lines and lines[-1].cell_length + 2 + entry.cell_length <= width:
            lines[-1] = safe.join(lines[-1], "  ", entry)
        else:
            lines.append(entry)
    return safe.Content("\n").join(lines)


def heading(view: SlotView, following_current: bool) -> safe.Content:
    parts: list[safe.Part] = [
        (view.slot.at_text, "bold"), " ", safe.styled(view.slot.title, "bold", 30), " ",
        safe.styled(f" {view.state.value.upper()} ", STATE_STYLES[view.state]),
        f" {view.progress.closed}/{view.progress.total}",
    ]
    if not view.current and not following_current:
        parts.append(safe.styled(" (. = now)", "dim"))
    return safe.join(*parts)


def group_prompt(title: str) -> safe.Content:
    return safe.styled(title, "bold underline")


def item_prompt(item: Item, mark: Mark | None, overdue: bool, zone: tzinfo) -> safe.Content:
    state = mark.state if mark else ItemState.OPEN
    first: list[safe.Part] = [BOXES[state], " "]
    if overdue:
        first += [safe.styled("OVERDUE", OVERDUE_STYLE), " "]
    first.append(safe.plain(item.text, 300))
    if item.verify is not None:
        first.append(safe.styled(" ·v", "dim"))
    lines = [safe.join(*first)]
    if mark is not None and state is not ItemState.OPEN:
        lines.append(mark_line(mark, zone))
    return safe.Content("\n").join(lines)


def mark_line(mark: Mark, zone: tzinfo) -> safe.Content:
    """``    done · kim 09:01`` or ``    N/A · kim 09:02 · reason``."""
    when = mark.at.astimezone(zone).strftime("%H:%M")
    word = "done" if mark.state is ItemState.DONE else "N/A"
    parts: list[safe.Part] = ["    ", safe.styled(word, "bold"), " · ",
                              safe.plain(mark.operator, 24), f" {when}"]
    if mark.state is ItemState.NA and mark.reason:
        parts += [" · ", safe.styled(mark.reason, "italic", 200)]
    return safe.join(*parts).stylize("dim" if mark.state is ItemState.DONE else "")


def detail(item: Item) -> safe.Content:
    """The selected item's id, owner and rule (its text is in the list, wrapped in full)."""
    parts: list[safe.Part] = [safe.styled(item.id, "dim", 60)]
    if item.owner:
        parts += [" · ", safe.plain(item.owner, 30)]
    if item.verify is not None:
        parts += [" · ", ("v", "bold"), " ", safe.plain(item.verify.text, 80)]
    return safe.join(*parts)
