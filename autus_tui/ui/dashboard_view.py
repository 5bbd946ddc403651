"""The metric column of the control room: metric and group panes, health and host lines.

``DashboardView(dashboard, clock, host_reader, health_off=...)`` makes one pane per
``core.dashboard`` pane (a ``MetricPane`` or a ``GroupPane``), the health line and the host
line, and yields them in ``compose()`` (the app composes it into ``#metrics``), and the
outage banner (``banner``: the app puts it across the screen under the header). It never
changes state: ``show(stale_after)`` tells every pane, the health line and the banner
what the dashboard holds as of the clock's now; ``show_host()`` reads the host (never raising:
a failed read is said in the line) and ``host_age()`` is how long ago that was, so the
app can fold the host read into a frame it draws anyway.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import timedelta, tzinfo

from textual.app import ComposeResult
from textual.containers import Container, Vertical

from autus_tui.core.clock import Clock
from autus_tui.core.dashboard import Dashboard
from autus_tui.core.observations import HostSample
from autus_tui.ui.widgets.metrics.group_pane import GroupPane
from autus_tui.ui.widgets.metrics.health_line import HealthLine
from autus_tui.ui.widgets.metrics.host_pane import HostPane
from autus_tui.ui.widgets.metrics.metric_pane import MetricPane
from autus_tui.ui.widgets.outage import OutageBanner

HostReader = Callable[[], HostSample]


def default_host_reader() -> HostSample:
    from autus_tui.sources.host import read_host

    return read_host()


class DashboardView:
    def __init__(self, dashboard: Dashboard, clock: Clock, host_reader: HostReader | None,
                 *, health_off: bool, zone: tzinfo, max_age: Callable[[], timedelta]) -> None:
        self.dashboard = dashboard
        self.clock = clock
        self.max_age = max_age
        self.host_reader = host_reader
        self.no_host_reader = "not read"
        """What the host line says when there is no reader (a replay: "not recorded")."""
        self.panes: list[MetricPane | GroupPane] = []
        for pane in dashboard.panes:
            trackers = [dashboard.trackers[spec.key] for spec in pane.metrics]
            pane_id = "pane-" + pane.key.replace("group:", "group-").replace(" ", "-").lower()
            if pane.is_group:
                self.panes.append(GroupPane(pane, trackers, id=css_id(pane_id)))
            else:
                self.panes.append(MetricPane(trackers[0], id=css_id(pane_id)))
        self.health = HealthLine(id="health", off=health_off)
        self.host = HostPane(id="host")
        self.banner = OutageBanner(zone, id="outage")
        self._host_read_at = -math.inf

    def compose(self) -> ComposeResult:
        with Vertical(id="metrics"):
            with Container(id="metric-grid"):
                yield from self.panes
            yield self.health
            yield self.host

    def show(self, stale_after: timedelta) -> None:
        """Every pane and the health line as of now; only what changed repaints."""
        if not self.health.is_attached:
            return  # a layout callback late at exit: the panes are gone
        now = self.clock.now()
        for pane in self.panes:
            pane.show_state(now)
        dashboard = self.dashboard
        outage, max_age = dashboard.outages.outage, self.max_age()
        self.health.show_state(dashboard.health, dashboard.health_at, now, stale_after,
                               dashboard.error, outage if dashboard.outages.held else None)
        self.banner.show_outage(outage, dashboard.outages.held, now, max_age)

    def host_age(self) -> float:
        """Seconds (monotonic) since the host was last read."""
        return time.monotonic() - self._host_read_at

    def show_host(self) -> None:
        self._host_read_at = time.monotonic()
        if self.host_reader is None:
            self.host.show_sample(None, self.no_host_reader)
            return
        try:
            sample = self.host_reader()
        except Exception as error:  # a host read must never take the control room down
            self.host.show_sample(None, f"unavailable: {error}")
        else:
            self.host.show_sample(sample)


def css_id(text: str) -> str:
    return "".join(char if char.isalnum() or char in "-_" else "-" for char in text)
