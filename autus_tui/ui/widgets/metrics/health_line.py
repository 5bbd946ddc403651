"""The backend's health: status word and message; components too in the wide layout.

The status is shown as a word (OK / DEGRADED / DOWN / UNKNOWN). When the last health
answer is older than the staleness limit, the word is STALE and the line says how old
the last answer is, so an old "ok" is never mistaken for a live one. With the health
document switched off (``backend.health_path = ""``) the line says so, and still shows
the sources' errors: never a STALE that could not end.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.app import ComposeResult
from textual.containers import Vertical

from autus_tui.core.levels import Level
from autus_tui.core.payload import Health
from autus_tui.core.series import format_age
from autus_tui.ui import safe
from autus_tui.ui.widgets.line import Line

MAX_SHOWN_COMPONENTS = 6


class HealthLine(Vertical, can_focus=True):
    def __init__(self, *, id: str | None = None, off: bool = False) -> None:
        super().__init__(id=id, classes="pane health-pane")
        self.off = off
        self.status = Line(classes="status")
        self.components = Line(classes="components")

    def compose(self) -> ComposeResult:
        yield self.status
        yield self.components

    def show_state(self, health: Health | None, at: datetime | None, now: datetime,
                   stale_after: timedelta, error: str | None) -> None:
        label = safe.plain("Backend ")
        if self.off:
            said = safe.styled("health not read (backend.health_path is empty)", "dim")
            self.status.show(safe.join(label, said) if not error else safe.join(
                label, safe.styled("error ", "bold $warning"), safe.plain(error, 300)))
            self.components.show(safe.plain(""))
            return
        if health is None or at is None:
            waiting = error or "waiting for the first answer"
            self.status.show(safe.join(label, safe.level_word(Level.STALE), " ",
                                       safe.plain(waiting, 300)))
            self.components.show(safe.plain(""))
            return
        age = now - at
        if age >= stale_after:
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


def _component_style(status: str) -> str:
    return safe.HEALTH_STYLES.get(status.lower(), "")
