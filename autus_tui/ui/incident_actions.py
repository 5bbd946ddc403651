"""The incident keys of the control room: ``IncidentKeys(room)``, which the app delegates to.

``i`` declare (``dialogs.declare``), ``a`` acknowledge (a yes/no that says the ladder
keeps running), ``e`` escalate now (a reason; fires the next level at once), ``r``
resolve (a resolution; stops the ladder), ``o`` in the panel reopen, ``I`` the incident
panel (``screens.incident_panel``). Keys only open dialogs; a dialog's answer becomes an
intent (``ui.intents``) the controller writes off the UI thread, with the timer strip as
the asker. ``a``/``e``/``r``/``o`` act on the incident selected in the panel when it is
open, else on the newest open one; every dialog names which, and why.

The answer (``tell``): a toast and the panel's status line — "#4 declared …", "#3
acknowledged by kim — the escalation ladder keeps running", or the race lost, "#3
already acknowledged by alice at 09:41". A firing itself is announced by the events it
recorded (``ui.event_news``), in every attached UI alike.

The dialogs and the panel are imported when first opened: start-up time and memory a
quiet launch day never needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand

from autus_tui.core.escalation import Ladder
from autus_tui.core.incident_matrix import IncidentMatrix, MatrixError
from autus_tui.core.incident_text import countdown_text
from autus_tui.services.incident_board import BoardEntry, ladder_at, read_signals
from autus_tui.store.incidents import IncidentResult
from autus_tui.ui import safe
from autus_tui.ui.incident_calls import IncidentSite
from autus_tui.ui.intents import (
    Acknowledge,
    Declare,
    EscalateNow,
    IncidentIntent,
    IntentDone,
    Reopen,
    Resolve,
)
from autus_tui.ui.widgets.incidents.incident_lines import identity
from autus_tui.ui.widgets.incidents.incident_strip import IncidentStrip

if TYPE_CHECKING:
    from autus_tui.ui.app import ControlRoom
    from autus_tui.ui.dialogs.declare import DeclareChoice
    from autus_tui.ui.screens.incident_panel import IncidentPanel

PANEL = "incidents"


class IncidentKeys:
    """Made by the app once its controller exists: loads the matrix, makes the timer strip
    (``strip``), tells the controller how to declare. The app's ``action_*`` methods for
    ``i``/``a``/``e``/``r``/``o``/``I`` call ``declare``/``acknowledge``/``escalate``/
    ``resolve``/``reopen``/``open_panel``."""

    def __init__(self, room: ControlRoom) -> None:
        self._room = room
        self.matrix_error: str | None = None
        matrix: IncidentMatrix | None = None
        try:
            from autus_tui.services.incident_files import load_matrix

            matrix = load_matrix(room.config)
        except MatrixError as error:
            self.matrix_error = str(error)
        room.controller.incidents = IncidentSite(room.config.escalation, room.rehearsal,
                                                 room.clock)
        self.strip = IncidentStrip(room.store, room.config, room.clock, room.zone, matrix,
                                   id="incident-strip")
        self.strip.on_answer = self.tell

    def _panel(self) -> IncidentPanel | None:
        """The incident panel, when it is the screen on top."""
        room = self._room
        if not room.is_screen_installed(PANEL):
            return None  # never opened, so not imported either
        from autus_tui.ui.screens.incident_panel import IncidentPanel

        screen = room.screen
        return screen if isinstance(screen, IncidentPanel) else None

    def _incident_ready(self) -> bool:
        """Keys act on the main screen and in the panel, never under a dialog."""
        room = self._room
        if not (len(room.screen_stack) == 1 or self._panel() is not None):
            return False
        if room.store is None:
            safe.toast(room, "no database attached: incidents cannot be kept",
                       severity="error")
            return False
        return True

    def _incident_target(self) -> tuple[BoardEntry | None, str]:
        """The incident a key acts on, and how it was chosen (said in the dialog)."""
        board = self.strip.board
        panel = self._panel()
        if panel is not None and panel.selected is not None:
            return board.find(panel.selected), "selected in the panel"
        newest = board.newest_open
        count = len(board.open)
        return newest, (f"the newest of {count} open — I lists them all" if count > 1
                        else "the open incident")

    def _incident_heading(self, verb: str, entry: BoardEntry, which: str) -> safe.Content:
        return safe.join((verb, "bold"), " ",
                         identity(entry.incident, self.strip.matrix),
                         (f"  ({which})", "dim"))

    def _incident_ladder(self, entry: BoardEntry) -> Ladder:
        strip = self.strip
        return ladder_at(entry, strip.clock.now(), strip.grace)

    def _incident_say(self, text: object, severity: safe.Severity = "information") -> None:
        room = self._room
        safe.toast(room, text, severity=severity, timeout=8)
        if (panel := self._panel()) is not None:
            style = {"error": "bold $error", "warning": "bold $warning"}.get(severity, "")
            panel.tell(safe.styled(text, style, 200))

    def _open_incident(self, verb: str) -> BoardEntry | None:
        entry, _ = self._incident_target()
        if entry is None:
            self._incident_say(f"no open incident to {verb} (i declares one)", "warning")
        elif not entry.incident.open:
            self._incident_say(f"{entry.incident.label} is resolved: o in the panel reopens it",
                      "warning")
            return None
        return entry

    # -- the keys ------------------------------------------------------------------------

    def declare(self) -> None:
        if not self._incident_ready():
            return
        from autus_tui.ui.dialogs.declare import DeclareDialog

        room, strip = self._room, self.strip
        store, matrix = room.store, strip.matrix
        assert store is not None

        def signals() -> Any:
            return read_signals(store, matrix, room.config, room.clock)

        def declared(choice: DeclareChoice | None) -> None:
            if choice is not None:
                room.post_message(Declare(strip, choice.severity, choice.situation,
                                          choice.response))

        room.push_screen(DeclareDialog(matrix, room.config.escalation, signals,
                                       matrix_error=self.matrix_error), declared)

    def acknowledge(self) -> None:
        if not self._incident_ready() or (entry := self._open_incident("acknowledge")) is None:
            return
        room, strip = self._room, self.strip
        incident = entry.incident
        _, which = self._incident_target()
        lad = self._incident_ladder(entry)
        keeps = "The escalation ladder keeps running"
        if lad.next is not None and lad.countdown is not None:
            keeps += (f": {lad.next.name} {safe.clean_text(lad.next.who, 40)} in "
                      f"{countdown_text(lad.countdown.total_seconds())}")
        detail = safe.join("You (", safe.styled(room.config.operator, "bold", 24),
                           ") own it. ", keeps, " — only resolving (r) stops it.")
        if incident.acknowledged_by:
            detail = safe.join(detail, "\n", ("Already acknowledged by ", "bold $warning"),
                               safe.plain(incident.acknowledged_by, 24))

        def answered(yes: bool | None) -> None:
            if yes:
                room.post_message(Acknowledge(strip, incident.id))

        from autus_tui.ui.dialogs.confirm import ConfirmDialog

        room.push_screen(ConfirmDialog(self._incident_heading("Acknowledge", entry, which), detail),
                         answered)

    def escalate(self) -> None:
        if not self._incident_ready() or (entry := self._open_incident("escalate")) is None:
            return
        room, strip = self._room, self.strip
        _, which = self._incident_target()
        lad = self._incident_ladder(entry)
        target = lad.next
        if target is None:
            top = lad.rows[-1] if lad.rows else None
            name = f" ({top.name} {safe.clean_text(top.who, 40)})" if top else ""
            self._incident_say(
                f"{entry.incident.label} is at the top level{name}: nothing above it", "warning")
            return
        seen = lad.current.index if lad.current is not None else -1
        detail = safe.join("Fires ", safe.styled(target.name, "bold", 12), " ",
                           safe.styled(target.who, "bold", 40), " now and pages them, ahead of ",
                           "its time." if target.countdown else "the timer.")

        def answered(reason: str | None) -> None:
            if reason:
                room.post_message(EscalateNow(strip, entry.incident.id, reason, seen))

        from autus_tui.ui.dialogs.incident_reason import IncidentReasonDialog

        room.push_screen(IncidentReasonDialog(self._incident_heading("Escalate now", entry, which),
                                              detail, "reason (required)",
                                              refusal="A reason is required, or escape."),
                         answered)

    def resolve(self) -> None:
        if not self._incident_ready() or (entry := self._open_incident("resolve")) is None:
            return
        room, strip = self._room, self.strip
        _, which = self._incident_target()
        detail = safe.plain("Stops the escalation ladder: no level fires after this.")

        def answered(resolution: str | None) -> None:
            if resolution:
                room.post_message(Resolve(strip, entry.incident.id, resolution))

        from autus_tui.ui.dialogs.incident_reason import IncidentReasonDialog

        heading = self._incident_heading("Resolve", entry, which)
        room.push_screen(IncidentReasonDialog(heading, detail, "resolution (required, short)",
                                              refusal="A short resolution is required."),
                         answered)

    def reopen(self) -> None:
        if not self._incident_ready():
            return
        room, strip = self._room, self.strip
        entry, which = self._incident_target()
        if entry is None or entry.incident.open:
            self._incident_say("select a resolved incident in the panel (I) to reopen it",
                               "warning")
            return
        detail = safe.plain("Its ladder goes on from the highest level it reached; the "
                            "acknowledgement is cleared.")

        def answered(reason: str | None) -> None:
            if reason is not None:
                room.post_message(Reopen(strip, entry.incident.id, reason))

        from autus_tui.ui.dialogs.incident_reason import IncidentReasonDialog

        heading = self._incident_heading("Reopen", entry, which)
        room.push_screen(IncidentReasonDialog(heading, detail, "reason (optional)",
                                              required=False), answered)

    def open_panel(self) -> None:
        room = self._room
        if len(room.screen_stack) > 1:
            return  # the panel or a dialog is open
        from autus_tui.ui.screens.incident_panel import IncidentPanel

        if room.is_screen_installed(PANEL):
            panel = room.get_screen(PANEL, IncidentPanel)
            panel.reopen()
        else:
            room.install_screen(IncidentPanel(self.strip), PANEL)
        room.push_screen(PANEL)

    def commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Declare incident", "Severity, situation, next step (i)",
                            self.declare)
        yield SystemCommand("Incidents", "Every open incident and its ladder (I)",
                            self.open_panel)
        yield SystemCommand("Acknowledge incident", "Own it; the ladder keeps running (a)",
                            self.acknowledge)
        yield SystemCommand("Escalate incident now", "Fire the next level now (e)",
                            self.escalate)
        yield SystemCommand("Resolve incident", "Stop the ladder, with a resolution (r)",
                            self.resolve)

    # -- the answer -----------------------------------------------------------------------

    def tell(self, message: IntentDone) -> None:
        room = self._room
        if not room.is_running:
            return
        intent = message.intent
        assert isinstance(intent, IncidentIntent)
        verb = type(intent).__name__.lower().replace("escalatenow", "escalate")
        if message.error:
            self._incident_say(f"{verb} {message.error}", "error")
            return
        result = message.result
        if not isinstance(result, IncidentResult):
            return
        self.strip.read()
        incident = result.incident
        if not result.done:
            already = result.already_text(room.zone)
            said = f"not declared: {already}" if isinstance(intent, Declare) \
                else f"{incident.label} {already}"
            self._incident_say(said, "warning")
        elif isinstance(intent, Declare):
            step = f" — next step: {incident.response}" if incident.response else ""
            self._incident_say(f"{incident.label} declared: {incident.severity} "
                      f"{incident.situation}{step}")
        elif isinstance(intent, Acknowledge):
            self._incident_say(f"{incident.label} acknowledged by {incident.acknowledged_by} — "
                      "the escalation ladder keeps running")
        elif isinstance(intent, Resolve):
            self._incident_say(f"{incident.label} resolved — the ladder stopped")
        elif isinstance(intent, Reopen):
            self._incident_say(f"{incident.label} reopened — the ladder goes on")
        # EscalateNow done: the firing's own announcement (toast and bell) says it.
