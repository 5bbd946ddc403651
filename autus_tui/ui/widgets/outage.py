"""The outage banner: DOWN across the screen, at the CRIT level, with how long it lasted.

An outage (``core.outages``: the backend's health ``down``, or no answer at all — it
unreachable, timing out, or answering 5xx with no value) is the loudest state the
control room knows: a full-width row under the header, reverse video in the CRIT
colour, ``DOWN  backend unreachable for 2m13s · since 09:41:02 · connection refused``
(or ``health down for … · DB gone``). It shows
from the first out poll (``DOWN?`` without reverse video while not held, as pane words
do, ``core.held``) and is hidden otherwise; the panes beside it keep their last values
visibly old (STALE, struck through, with their age). The bell rings once when the
outage is held (``core.outage_watch``, via the dashboard's announcements).
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from textual.content import Content

from autus_tui.core.levels import Level
from autus_tui.core.outage_watch import lasted_text, outage_words
from autus_tui.core.outages import Outage
from autus_tui.ui import safe
from autus_tui.ui.widgets.metrics.pane_lines import PaneLines, fit

CRIT_STYLE = safe.LEVEL_STYLES[Level.CRIT]


def outage_text(outage: Outage, now: datetime, max_age: timedelta,
                zone: tzinfo | None = None) -> Content:
    """``backend unreachable for 2m13s · since 09:41:02 · connection refused`` (the
    reason last: it is the part that may be cut)."""
    lasted = lasted_text(outage.lasted(now, max_age))
    parts = [f"{outage_words(outage)} for {lasted}"]
    if zone is not None:
        parts.append(f"since {outage.start.astimezone(zone):%H:%M:%S}")
    if now - outage.last_out > max_age:
        parts.append("no poll since " + (f"{outage.last_out.astimezone(zone):%H:%M:%S}"
                                         if zone is not None else "then"))
    # The reason without its kind, said already: "no answer: connection refused" →
    # "connection refused", "health down: DB gone" → "DB gone".
    detail = outage.reason.partition(": ")[2]
    said = f"{outage_words(outage)}: "
    detail = detail[len(said):] if detail.startswith(said) else detail
    if detail:
        parts.append(detail)
    return safe.plain(" · ".join(parts), 400)


class OutageBanner(PaneLines):
    def __init__(self, zone: tzinfo, *, id: str | None = None) -> None:
        super().__init__(1, id=id, classes="outage")
        self.zone = zone
        self.outage: Outage | None = None
        self.held = False
        self._text = Content("")
        self.display = False

    def show_outage(self, outage: Outage | None, held: bool, now: datetime,
                    max_age: timedelta) -> None:
        self.outage, self.held = outage, held
        if outage is not None:
            self._text = outage_text(outage, now, max_age, self.zone)
        if self.display != (outage is not None):
            self.display = outage is not None  # a new layout only when it comes or goes
        self.rebuild()

    def rebuild(self) -> None:
        if self.outage is None:
            return
        width = self.width
        if self.held:
            line = fit(safe.join(" DOWN  ", self._text), width).stylize(CRIT_STYLE)
        else:
            line = fit(safe.join(safe.styled(" DOWN? ", safe.PENDING_STYLES[Level.CRIT]),
                                 " ", self._text), width)
        self.set_lines([[line]])

    @property
    def text(self) -> str:
        return self.lines[0].plain if self.display else ""
