"""A rollback run, live: its state, steps and output, streamed from the database.

Every attached control room shows the same run the same way: this view posts
``WatchRollback(run_id, after_id)`` about once a second while the run is running, and
whenever the app's store watcher saw a commit (``look``); the controller answers with the
run and its lines after the last one shown (``services.rollback_runner.watch``, which
also marks a dead runner's run unknown: a run whose runner died shows UNKNOWN and is
never re-run). One watch is in flight at a time; a look asked meanwhile follows it.

Shown: the run's state, from → to, who started it, when and why, the conditions, a
cancel request, the outcome; each step's state, exit code, duration, argv and folder;
the output lines (time, step, text; stderr and the runner's own lines styled) — command
output is outside text, shown literally through ``ui.safe``. In rehearsal: "dry run:
nothing is executed".

Keys: ``c`` cancel — a confirm dialog first, then ``CancelRollback``; the answer shows on
the status line. ``pageup``/``pagedown`` scroll the output; ``escape`` closes the view
(the run goes on; ``R`` shows it again).
"""

from __future__ import annotations

from collections import deque
from datetime import tzinfo
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from autus_tui.core.rollback_run import CancelResult, RunRecord, RunView
from autus_tui.ui import safe
from autus_tui.ui.dialogs.confirm import ConfirmDialog
from autus_tui.ui.dialogs.rollback_render import output_line, run_head, step_lines
from autus_tui.ui.intents import CancelRollback, IntentDone, WatchRollback
from autus_tui.ui.widgets.line import Line

WATCH_EVERY = 1.0
MAX_SHOWN = 2000
"""Output lines kept on screen (the database keeps them all)."""
KEYS = "c cancel (asks first) · pgup/pgdn scroll · esc close (the run goes on)"


class RunOutput(VerticalScroll, can_focus=False):
    """The output lines; follows the end unless scrolled up."""


class RollbackRunDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    RollbackRunDialog { align: center middle; }
    RollbackRunDialog > Vertical {
        width: 100%; max-width: 140; height: 100%; max-height: 50;
        border: round $accent; background: $surface; padding: 0 1;
    }
    RollbackRunDialog .head, RollbackRunDialog .steps { height: auto; }
    RollbackRunDialog .steps { margin-bottom: 1; }
    RollbackRunDialog RunOutput { height: 1fr; min-height: 3; scrollbar-size-vertical: 1;
                                  background: $boost; }
    RollbackRunDialog .keys { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="rollback_run.close"),
        Binding("c", "cancel_run", "Cancel the rollback", id="rollback_run.cancel"),
        Binding("pagedown", "page(1)", "Scroll down", show=False, id="rollback_run.page_down"),
        Binding("pageup", "page(-1)", "Scroll up", show=False, id="rollback_run.page_up"),
    ]

    def __init__(self, run: RunRecord, zone: tzinfo, operator: str) -> None:
        super().__init__(id="rollback-run")
        self.run, self.zone, self.operator = run, zone, operator
        self.last_line_id = 0
        self.lines: deque[safe.Content] = deque(maxlen=MAX_SHOWN)
        self.head = Static(safe.Content(""), markup=False, classes="head")
        self.steps = Static(safe.Content(""), markup=False, classes="steps")
        self.output = Static(safe.Content(""), markup=False, classes="output")
        self.status = Line(classes="status")
        self._watching: WatchRollback | None = None
        self._again = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield self.head
            yield self.steps
            with RunOutput():
                yield self.output
            yield self.status
            yield Line(safe.plain(KEYS), classes="keys")

    def on_mount(self) -> None:
        self._show_run()
        self.look()
        self.set_interval(WATCH_EVERY, self._tick, name="rollback-watch")

    # -- watching -----------------------------------------------------------------------

    def _tick(self) -> None:
        if self.run.active:  # a dead runner writes nothing: ask, so liveness is judged
            self.look()

    def look(self) -> None:
        """Ask for the run and its new lines (one request at a time)."""
        if self._watching is not None:
            self._again = True
            return
        self._watching = WatchRollback(self, self.run.id, self.last_line_id)
        self.post_message(self._watching)

    def on_intent_done(self, message: IntentDone) -> None:
        intent = message.intent
        if isinstance(intent, WatchRollback) and intent is self._watching:
            self._watching = None
            if isinstance(message.result, RunView):
                self.show_view(message.result)
            elif message.error:
                self.say(f"could not read the run: {message.error}", "bold $error")
            if self._again:
                self._again = False
                self.look()
        elif isinstance(intent, CancelRollback):
            self._cancelled(message)

    def show_view(self, view: RunView) -> None:
        self.run = view.run
        self._show_run()
        if not view.lines:
            return
        self.last_line_id = view.last_line_id
        self.lines.extend(output_line(line, self.zone) for line in view.lines)
        scroll = self.query_one(RunOutput)
        following = scroll.scroll_y >= scroll.max_scroll_y
        self.output.update(safe.Content("\n").join(self.lines))
        if following:
            self.call_after_refresh(scroll.scroll_end, animate=False)

    def _show_run(self) -> None:
        self.head.update(safe.Content("\n").join(run_head(self.run, self.zone)))
        self.steps.update(safe.Content("\n").join(step_lines(self.run)))

    @property
    def output_text(self) -> str:
        """The output lines shown, plain (tests)."""
        return "\n".join(line.plain for line in self.lines)

    def say(self, text: str, style: str = "") -> None:
        self.status.show(safe.styled(text, style, 300) if style else safe.plain(text, 300))

    # -- cancel -------------------------------------------------------------------------

    def action_cancel_run(self) -> None:
        run = self.run
        if not run.active:
            self.say(f"rollback #{run.id} already ended ({run.state.value}): nothing to cancel")
            return
        question = safe.join("Cancel rollback ", (f"#{run.id}", "bold"), " to ",
                             safe.styled(run.target, "bold", 60), "?")
        detail = safe.plain("The running step's process group is ended and the later "
                            f"steps are not run. Recorded as cancelled by {self.operator}.")
        self.app.push_screen(ConfirmDialog(question, detail), self._confirmed)

    def _confirmed(self, yes: bool | None) -> None:
        if not yes:
            self.say("not cancelled: the rollback goes on")
            return
        self.say("asking the runner to stop…", "italic")
        self.post_message(CancelRollback(self, self.run.id))

    def _cancelled(self, message: IntentDone) -> None:
        result = message.result
        if message.error or not isinstance(result, CancelResult):
            self.say(f"not cancelled: {message.error}", "bold $error")
        elif result.ok:
            self.say(f"{result.message}: the runner stops within a second", "bold")
        else:
            self.say(f"not cancelled: {result.message}", "bold $warning")
        self.look()

    # -- keys ---------------------------------------------------------------------------

    def action_page(self, direction: int) -> None:
        scroll = self.query_one(RunOutput)
        if direction > 0:
            scroll.scroll_page_down(animate=False)
        else:
            scroll.scroll_page_up(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
