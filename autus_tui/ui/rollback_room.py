"""The control room's rollback: ``R``, the button, re-attaching to a running run.

``RollbackRoom(app, controller, ...)`` owns the button and tells the controller where
rollbacks run (``controller.rollback``: the config, the folder the control room was
started in, rehearsal or not). ``open()`` (``R``, a click, the palette) shows the running run
when the button knows one, else the plan dialog; the plan dialog itself closes into the
running run when planning finds one (another control room may have started it a moment
ago). ``show_state(run, first)`` takes the store watcher's current run on every commit:
the button repaints, an open run view looks for new lines, and on the first read a run
already going is announced in the events pane — a restarted control room re-attaches.
The two dialogs are imported when first opened (start-up time and memory).
"""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.screen import Screen

from autus_tui.core.clock import Clock
from autus_tui.core.config import Config
from autus_tui.core.rollback_run import RunRecord
from autus_tui.services.incident_signals import outage_condition
from autus_tui.ui.controller import Controller
from autus_tui.ui.rollback_calls import RollbackSite
from autus_tui.ui.widgets.events_pane import EventsPane
from autus_tui.ui.widgets.rollback_button import RollbackButton

if TYPE_CHECKING:
    from autus_tui.ui.dialogs.rollback_run_view import RollbackRunDialog


class RollbackRoom:
    def __init__(self, app: App[Any], controller: Controller, clock: Clock, zone: tzinfo,
                 operator: str, config: Config, rehearsal: bool) -> None:
        self.app, self.clock, self.zone, self.operator = app, clock, zone, operator
        self.controller = controller
        controller.rollback = RollbackSite(
            config.rollback, Path.cwd(), rehearsal,
            outage=lambda store: outage_condition(store, config, clock, zone))
        self.button = RollbackButton(id="rollback")
        self._shown: Screen[Any] | None = None
        """The plan dialog or run view opened last."""
        self._run_view: RollbackRunDialog | None = None

    @property
    def site(self) -> RollbackSite:
        """Where rollbacks run: the controller's (tests point it at a repository)."""
        site = self.controller.rollback
        assert site is not None
        return site

    def open(self) -> None:
        if self._shown is not None and self.app.screen is self._shown:
            return
        run = self.button.run
        if run is not None and run.active:
            self.show_run(run)
            return
        from autus_tui.ui.dialogs.rollback_plan_dialog import RollbackPlanDialog

        self._shown = RollbackPlanDialog(self.site.config.pattern,
                                         rehearsal=self.site.rehearsal)
        self.app.push_screen(self._shown, self._planned)

    def _planned(self, run: RunRecord | None) -> None:
        if run is not None:
            self.show_run(run)

    def show_run(self, run: RunRecord) -> None:
        from autus_tui.ui.dialogs.rollback_run_view import RollbackRunDialog

        self._shown = self._run_view = RollbackRunDialog(run, self.zone, self.operator)
        self.app.push_screen(self._run_view)

    def show_state(self, run: RunRecord | None, *, first: bool) -> None:
        self.button.show_run(run)
        if first and run is not None and run.active:
            self.app.query_one(EventsPane).add(
                self.clock.now(), f"{run.describe()} is running: R shows it")
        if self._run_view is not None and self.app.screen is self._run_view:
            self._run_view.look()
