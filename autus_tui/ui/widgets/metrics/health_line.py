"""The backend's health: status word and message; components too in the wide layout.

Drawn as one widget (``pane_lines.PaneLines``): one line at 80x24; in the wide layout
the components follow, wrapped onto at most two more lines. The status is shown as a
word (OK / DEGRADED / DOWN / UNKNOWN). During an outage (``core.signals``: health
``down`` or no answer at all) the word is DOWN at the CRIT level with the reason and how
long it has lasted, whatever the last health document said. When the last health answer
is older than the staleness limit, the word is STALE and the line says how old the last
answer is, so an old "ok" is never mistaken for a live one. With the health document
switched off (``backend.health_path = ""``) the line says so, and still shows the
sources' errors: never a STALE that could not end.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.content import Content

from autus_tui.core.levels import Level
from autus_tui.core.payload import Health
from autus_tui.core.series import format_age
from autus_tui.core.signals import Outage
from autus_tui.ui import safe
from autus_tui.ui.widgets.metrics.pane_lines import FOCUS_STYLE, Cell, PaneLines, fit
from autus_tui.ui.widgets.outage import outage_text

MAX_SHOWN_COMPONENTS = 6
COMPONENT_LINES = 2


class HealthLine(PaneLines, can_focus=True):
    def __init__(self, *, id: str | None = None, off: bool = False) -> None:
        super().__init__(1, id=id, classes="pane health-pane")
        self.off = off
        self.status, self.components = Cell(), Cell()
        self._shown = False

    def show_state(self, health: Health | None, at: datetime | None, now: datetime,
                   stale_after: timedelta, error: str | None,
                   outage: Outage | None = None) -> None:
        label = safe.plain("Backend ")
        self.components.show(safe.plain(""))
        if outage is not None:
            self.status.show(safe.join(label, safe.styled(" DOWN ", safe.LEVEL_STYLES[
                Level.CRIT]), " ", outage_text(outage, now, stale_after)))
        elif self.off:
            said = safe.styled("health not read (backend.health_path is empty)", "dim")
            self.status.show(safe.join(label, said) if not error else safe.join(
                label, safe.styled("error ", "bold $warning"), safe.plain(error, 300)))
        elif health is None or at is None:
            waiting = error or "waiting for the first answer"
            self.status.show(safe.join(label, safe.level_word(Level.STALE), " ",
                                       safe.plain(waiting, 300)))
        else:
            self._show_health(label, health, now - at >= stale_after, now - at)
        self._shown = True
        self.rebuild()

    def _show_health(self, label: Content, health: Health, stale: bool,
                     age: timedelta) -> None:
        if stale:
            word = safe.level_word(Level.STALE)
            detail = safe.join(
                safe.plain(f"last {health.status} {format_age(age)}: "),
                safe.styled(health.message, "dim", 300),
            )
        else:
            word = safe.health_word(health.status)
            detail = safe.plain(health.message or "(no message)", 300)
        self.status.show(safe.join(label, word, " ", detail))
        parts: list[safe.Part] = []
        for name, status, info in health.components[:MAX_SHOWN_COMPONENTS]:
            if parts:
                parts.append(" · ")
            parts.append((f"{name} ", "bold"))
            parts.append(safe.styled(status, _component_style(status)))
            if info:
                parts.append(safe.plain(f" {info}", 60))
        self.components.show(safe.join(*parts) if parts else safe.plain("no components"))

    def rebuild(self) -> None:
        if not self._shown:
            return
        width = self.width
        status = self.status.content
        if self.has_focus:
            status = status.stylize(FOCUS_STYLE, 0, len("Backend"))
        lines = [[fit(status, width)]]
        wide = self.app.has_class("-wide") if self.is_attached else False
        if wide and self.components.text:
            wrapped = self.components.content.wrap(width)
            if len(wrapped) > COMPONENT_LINES:
                wrapped = [*wrapped[:COMPONENT_LINES - 1],
                           wrapped[COMPONENT_LINES - 1].append("…")]
            lines += [[fit(line, width)] for line in wrapped]
        self.set_lines(lines)


def _component_style(status: str) -> str:
    return safe.HEALTH_STYLES.get(status.lower(), "")
