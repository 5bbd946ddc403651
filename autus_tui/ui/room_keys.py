"""Keys of the control room that never trap: back to the checklist, space, quit, screenshot.

``RoomKeys(room)`` does what the app's one-line actions ask (issue 10 item 7):

- ``checklist(current_slot)``: ``.`` and ``escape`` bring focus back to the checklist
  from any pane (``.`` also shows the current slot, as it does in the checklist);
- ``space()``: space marks the checklist's selected item whatever pane has focus, and
  focus goes back to the checklist, where the result is shown (the footer always says
  what space does);
- ``quit()``: ``q`` quits at once unless quitting would stop the recording of the day —
  live (not a rehearsal or the demo), this process holds the poller lease and nobody
  else (control room or ``autus-tui record``) is attached to take over. Then a yes/no
  question says so and how to keep one recording;
- ``screenshot()``: the palette's Screenshot is written next to the database (else in
  the current directory), in a thread; the toast says where, or why it could not be.

``ROOM_BINDINGS`` are the app's keys. ``active()`` tells the app whether these keys
apply: only on the control room itself, never under a dialog or another screen (a space
typed there is that screen's).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType

from autus_tui.ui import safe
from autus_tui.ui.dialogs.confirm import ConfirmDialog

if TYPE_CHECKING:
    from autus_tui.ui.app import ControlRoom

ROOM_BINDINGS: list[BindingType] = [
    Binding("q", "quit", "Quit", id="app.quit"),
    Binding("space", "mark_checklist", "Done/undo", id="app.space"),
    Binding("full_stop", "checklist(True)", "Current slot", key_display=".",
            show=False, id="app.checklist"),
    Binding("escape", "checklist(False)", "To the checklist", show=False,
            id="app.checklist_escape"),
    Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
    Binding("t", "timeline", "Timeline", id="app.timeline"),
    Binding("h", "handover", "Handover", id="app.handover"),
    Binding("n", "note", "Note", id="app.note"),
    Binding("R", "rollback", "Rollback", show=False, id="app.rollback"),
    Binding("i", "declare_incident", "Declare incident", show=False, id="app.declare"),
    Binding("a", "acknowledge_incident", "Acknowledge", show=False, id="app.acknowledge"),
    Binding("e", "escalate_incident", "Escalate now", show=False, id="app.escalate"),
    Binding("r", "resolve_incident", "Resolve", show=False, id="app.resolve"),
    Binding("I", "incidents", "Incidents", show=False, id="app.incidents"),
    Binding("tab", "app.focus_next", "Next pane", show=False, id="app.focus_next"),
    Binding("shift+tab", "app.focus_previous", "Previous pane", show=False,
            id="app.focus_previous"),
]
"""The control room's keys (ids so they can be remapped); ``?`` lists them."""
ROOM_ACTIONS = frozenset({"checklist", "mark_checklist"})
"""The app's actions that act on the control room's own screen only."""


class QuitDialog(ConfirmDialog):
    """The question before quitting stops the recording (``q`` again: yes)."""


class RoomKeys:
    def __init__(self, room: ControlRoom) -> None:
        self.room = room

    def active(self) -> bool:
        return len(self.room.screen_stack) == 1

    def checklist(self, *, current_slot: bool) -> None:
        checklist = self.room.checklist
        checklist.focus_items()
        if current_slot:
            checklist.action_current_slot()

    def space(self) -> None:
        self.room.checklist.focus_items()
        self.room.checklist.action_mark_item()

    # -- quitting ------------------------------------------------------------------------

    def stops_recording(self) -> bool:
        """Quitting now stops the recording of the launch day: live (a rehearsal or the
        demo is not the day), we poll, and nobody else is attached."""
        if self.room.rehearsal:
            return False
        pairing = self.room.link.pairing()
        return pairing is not None and pairing.polling_here and not pairing.others

    def quit(self) -> None:
        room = self.room
        if isinstance(room.screen, QuitDialog) or not self.stops_recording():
            room.exit()
            return
        where = f" --db {room.store.path}" if room.store is not None else ""
        question = safe.styled("Quit and stop recording the day?", "bold")
        detail = safe.join(
            "This control room is the one polling the backend and recording, and no other "
            "control room or recorder is attached to take over.\n",
            ("To keep the day recorded, first start one that stays: ", ""),
            safe.styled(f"autus-tui record{where}", "bold", 300),
            " (in tmux, or as a service).")

        def answered(yes: bool | None) -> None:
            if yes:
                room.exit()

        room.push_screen(QuitDialog(question, detail), answered)

    # -- the palette's screenshot --------------------------------------------------------

    def screenshot(self) -> None:
        room = self.room
        folder = room.store.path.parent if room.store is not None else Path.cwd()
        name = f"autus-screenshot-{room.clock.now().astimezone(room.zone):%Y%m%d-%H%M%S}.svg"
        svg = room.export_screenshot()  # on the UI thread: it reads the screen
        target = folder / name

        def write() -> None:
            try:
                target.write_text(svg, encoding="utf-8")
            except OSError as error:
                reason = (error.strerror or type(error).__name__).lower()
                room.call_from_thread(safe.toast, room,
                                      f"screenshot not saved: {folder}: {reason}",
                                      severity="error", timeout=10)
            else:
                room.call_from_thread(safe.toast, room, f"screenshot saved to {target}",
                                      timeout=10)

        room.run_worker(write, name="screenshot", group="screenshot", thread=True,
                        exit_on_error=False)
