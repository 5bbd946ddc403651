"""The control room's rollback: ``R``, the button, re-attaching to a running run.

``RollbackRoom(app, controller, ...)`` owns the button and tells the controller where
rollbacks run (``controller.rollback``: the config, the folder the control room was
started in, rehearsal or not). ``open()`` (``R``, a click, the palette) shows the running run
when the button knows one, else the plan dialog; the plan dialog itself closes into the
running run when planning finds one (another control room may have started it a moment
ago). ``show_state(run, first)`` takes the store watcher's current run on every commit:
the button repaints, an open run view looks for new lines, and on the first read a run
already going is announced in the events pane — a restarted control room re-attaches.
"""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import Any

from textual.app import App

from autus_tui.core.clock import Clock
from autus_tui.core.config import Config
from autus_tui.core.rollback_run import RunRecord
from autus_tui.services.incident_signals import outage_condition
from autus_tui.ui.controller import Controller
from autus_tui.ui.dialogs.rollback_plan_dialog import RollbackPlanDialog
from autus_tui.ui.dialogs.rollback_run_view import RollbackRunDialog
from autus_tui.ui.rollback_calls import RollbackSite
from autus_tui.ui.widgets.events_pane import EventsPane
from autus_tui.ui.widgets.rollback_button import RollbackButton


class RollbackRoom:
    def __init__(self, app: App[Any], controller: Controller, clock: Clock, zone: tzinfo,
                 operator: str, config: Config, rehearsal: bool) -> None:
        self.app, self.clock, self.zone, self.operator = app, clock, zone, operator
        self.controller = controller
        controller.rollback = RollbackSite(
            config.rollback, Path.cwd(), rehearsal,
            outage=lambda store: outage_condition(store, config, clock, zone))
        self.button = RollbackButton(id="rollback")

    @property
    def site(self) -> RollbackSite:
        """Where rollbacks run: the controller's (tests point it at a repository)."""
        site = self.controller.rollback
        assert site is not None
        return site

    def open(self) -> None:
        if isinstance(self.app.screen, (RollbackPlanDialog, RollbackRunDialog)):
            return
        run = self.button.run
        if run is not None and run.active:
            self.show_run(run)
            return
        dialog = RollbackPlanDialog(self.site.config.pattern, rehearsal=self.site.rehearsal)
        self.app.push_screen(dialog, self._planned)

    def _planned(self, run: RunRecord | None) -> None:
        if run is not None:
            self.show_run(run)

    def show_run(self, run: RunRecord) -> None:
        self.app.push_screen(RollbackRunDialog(run, self.zone, self.operator))

    def show_state(self, run: RunRecord | None, *, first: bool) -> None:
        self.button.show_run(run)
        if first and run is not None and run.active:
            self.app.query_one(EventsPane).add(
                self.clock.now(), f"{run.describe()} is running: R shows it")
        screen = self.app.screen
        if isinstance(screen, RollbackRunDialog):
            screen.look()
