"""The handover view (``h``): what the next on-call must know, take over, export.

Shows ``report.handover_summary`` (read by the ``read`` callable the app passes, with
the screen's own metric trackers) through ``handover_render``. ``reload`` reads it again;
the app calls it whenever the store watcher saw a change, so another operator's tick,
note or take-over shows here within a second. The app keeps one instance and calls
``reopen`` before showing it again (read afresh, status line empty).

Keys: ``o`` take over — a confirm dialog, then a ``TakeOver`` intent that the app's
controller writes in this operator's name off the UI thread; the new on-call shows when
the watcher sees it. ``x`` export — the summary's Markdown (``core.handover_summary``)
written next to the database, or in ``[report] folder`` (``ui.exports``); the path, or why
it could not be written, shows on the status line and as a toast. ``escape`` (or ``h``) closes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from autus_tui.core.config import Config
from autus_tui.core.handover_summary import HandoverSummary, handover_markdown
from autus_tui.store import Store, StoreError
from autus_tui.ui import safe
from autus_tui.ui.dialogs.confirm import ConfirmDialog
from autus_tui.ui.exports import ExportDone, export_path, start_export
from autus_tui.ui.intents import IntentDone, TakeOver
from autus_tui.ui.screens.handover_render import summary_lines, title
from autus_tui.ui.widgets.footer import ControlFooter
from autus_tui.ui.widgets.line import Line


class HandoverScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="handover.close"),
        Binding("h", "close", "Close", show=False, id="handover.close_h"),
        Binding("o", "take_over", "Take over", id="handover.take_over"),
        Binding("x", "export", "Export", id="handover.export"),
    ]

    def __init__(self, read: Callable[[], HandoverSummary], store: Store, operator: str,
                 zone: tzinfo) -> None:
        super().__init__(id="handover")
        self.read, self.store, self.operator, self.zone = read, store, operator, zone
        self.summary: HandoverSummary | None = None
        self.title_line = Line(classes="title")
        self.body = Static(safe.Content(""), markup=False, classes="body")
        self.status = Line(classes="status")
        self.last_export: ExportDone | None = None
        self._key: tuple[object, ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical(id="handover-box"):
            yield self.title_line
            with VerticalScroll(classes="scroll"):
                yield self.body
            yield self.status
        yield ControlFooter(compact=True)

    def on_mount(self) -> None:
        self.reload()
        self.query_one(VerticalScroll).focus()

    def reopen(self) -> None:
        """Opened again (the app keeps one instance): read now, status line empty, at the
        top."""
        if not self.is_mounted:
            return  # on_mount reads
        self.last_export = None
        self.status.show(safe.plain(""))
        self.reload()
        scroll = self.query_one(VerticalScroll)
        scroll.scroll_home(animate=False)
        scroll.focus()

    # -- reading ------------------------------------------------------------------------

    def reload(self) -> None:
        try:
            summary = self.read()
        except StoreError as error:
            self.say(f"could not read the handover: {error}", "bold $error")
            return
        self.summary = summary
        self.title_line.show(title(summary, self.zone))
        content = safe.Content("\n").join(summary_lines(summary, self.zone))
        key = (content.plain, tuple(content.spans))
        if key != self._key:  # repaint only what changed (every watcher tick calls this)
            self._key = key
            self.body.update(content)

    @property
    def text(self) -> str:
        """The summary as shown, plain (tests)."""
        return str(self._key[0]) if self._key else ""

    def say(self, text: str, style: str = "") -> None:
        self.status.show(safe.styled(text, style, 300) if style else safe.plain(text, 300))

    # -- take over ----------------------------------------------------------------------

    def action_take_over(self) -> None:
        current = self.summary.oncall if self.summary else None
        if current:
            detail = safe.join("On call now: ", (current, "bold"))
        else:
            detail = safe.plain("Nobody is on call yet.")
        question = safe.join("Take over on-call as ", (self.operator, "bold"), "?")
        self.app.push_screen(ConfirmDialog(question, detail), self._confirmed)

    def _confirmed(self, yes: bool | None) -> None:
        if not yes:
            self.say("not taken over")
            return
        self.say("saving…", "italic")
        self.post_message(TakeOver(self))

    def on_intent_done(self, message: IntentDone) -> None:
        if not isinstance(message.intent, TakeOver):
            return
        if message.error:
            self.say(message.error, "bold $error")
            safe.toast(self.app, message.error, severity="error", timeout=8)
            return
        self.say(f"{self.operator} is on call now")

    # -- export -------------------------------------------------------------------------

    def action_export(self) -> None:
        if self.summary is None:
            self.say("nothing to export: the summary could not be read", "bold $error")
            return
        config = getattr(self.app, "config", None)  # the control room's: [report] folder
        folder = config.report.folder if isinstance(config, Config) else None
        path = export_path(self.store, "handover", self.summary.now, self.zone, folder)
        text = handover_markdown(self.summary, self.zone)
        self.say(f"writing {path}…", "italic")
        start_export(self, "handover", path, lambda: text, like=self.store.path)

    def on_export_done(self, message: ExportDone) -> None:
        # Not stopped: the app shows the toast for every export.
        self.last_export = message
        if message.error:
            self.say(message.error, "bold $error")
        else:
            self.say(f"handover written to {message.path}", "bold")

    def action_close(self) -> None:
        self.dismiss(None)
