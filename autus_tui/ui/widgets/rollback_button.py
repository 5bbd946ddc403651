"""The rollback button: one line, "⟲ Rollback (R)", saying when one is running.

``show_run(run)`` takes the database's current run (the store watcher's ``rollback``
reader): while one runs anywhere the button reads "⟲ Rollback RUNNING (R)" with the
run's number and target; after a run it names how the last one ended (UNKNOWN says to
check by hand). A click does what ``R`` does. While a run shows as running the button
asks once a second (``WatchRollback`` without lines) so that a runner that died —
which commits nothing the watcher could see — is judged and its run shown UNKNOWN.
"""

from __future__ import annotations

from textual import events
from textual.timer import Timer

from autus_tui.core.rollback_run import RunRecord, RunState, RunView
from autus_tui.ui import safe
from autus_tui.ui.intents import IntentDone, WatchRollback
from autus_tui.ui.widgets.line import Line

LABEL = " ⟲ Rollback (R) "
RUNNING = " ⟲ Rollback RUNNING (R) "
LIVENESS_EVERY = 1.0
ENDED_STYLES = {RunState.SUCCEEDED: "dim", RunState.FAILED: "bold $error",
                RunState.CANCELLED: "bold $warning", RunState.UNKNOWN: "bold reverse $warning"}


class RollbackButton(Line):
    DEFAULT_CSS = """
    RollbackButton { height: 1; width: 1fr; }
    RollbackButton:hover { background: $boost; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(safe.styled(LABEL, "bold reverse"), id=id)
        self.run: RunRecord | None = None
        self._timer: Timer | None = None
        self._asking = False

    def show_run(self, run: RunRecord | None) -> None:
        self.run = run
        if run is not None and run.active:
            self.show(safe.join(safe.styled(RUNNING, "bold reverse $accent"), " ",
                                safe.plain(f"#{run.id} → {run.target}", 60)))
            if self._timer is None:
                self._timer = self.set_interval(LIVENESS_EVERY, self._ask, name="liveness")
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        parts: list[safe.Part] = [safe.styled(LABEL, "bold reverse")]
        if run is not None:
            word = "UNKNOWN: check by hand" if run.state is RunState.UNKNOWN else \
                run.state.value.upper()
            parts += [" ", safe.styled(f"last #{run.id} {word}", ENDED_STYLES[run.state], 60)]
        self.show(safe.join(*parts))

    def _ask(self) -> None:
        if not self._asking:
            self._asking = True
            self.post_message(WatchRollback(self, lines=False))

    def on_intent_done(self, message: IntentDone) -> None:
        if isinstance(message.intent, WatchRollback):
            message.stop()
            self._asking = False
            if isinstance(message.result, RunView):
                self.show_run(message.result.run)

    async def on_click(self, event: events.Click) -> None:
        event.stop()
        await self.run_action("app.rollback")
