"""The one-line header: launch-timezone clock, LIVE or REHEARSAL, title, operator.

REHEARSAL is reverse video on the warning colour, so nobody mistakes a rehearsal for
the real launch (and it still reads in 16 colours or none).
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from textual.app import ComposeResult
from textual.containers import Horizontal

from autus_tui.ui import safe
from autus_tui.ui.widgets.line import Line

TITLE = "AUTUS v1.0 control room"


class ControlHeader(Horizontal):
    def __init__(self, zone: tzinfo, rehearsal: bool, operator: str, *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.zone = zone
        self.clock = Line(classes="clock")
        mode = (safe.styled(" REHEARSAL ", "bold reverse $warning") if rehearsal
                else safe.styled(" LIVE ", "bold reverse $success"))
        self.mode = Line(mode, classes="mode")
        self.title_line = Line(safe.styled(TITLE, "bold"), classes="title")
        self.operator = Line(safe.join("operator ", (safe.clean_text(operator, 24), "bold")),
                             classes="operator")

    def compose(self) -> ComposeResult:
        yield self.clock
        yield self.mode
        yield self.title_line
        yield self.operator

    def show_time(self, now: datetime) -> None:
        self.clock.show(safe.plain(now.astimezone(self.zone).strftime("%H:%M:%S %Z")))
