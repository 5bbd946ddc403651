"""The control room on exporters alone: only the metrics chosen, no health line STALE for
ever, values scaled (a negative offset, a negative temperature, 13.6 TiB, a tiny ratio).

The exporter is the simulated 25k-series node_exporter on a port of its own; the app
records each poll to a real SQLite file and renders what it reads back. Waits are bounded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from conftest import wait_until

from autus_tui.core.clock import WallClock
from autus_tui.core.config import build_config
from autus_tui.core.observations import HostSample
from autus_tui.sim.exporter import Exporter, big_exposition
from autus_tui.store import Store
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.widgets.metrics.health_line import HealthLine
from autus_tui.ui.widgets.metrics.metric_pane import MetricPane

OFF = ("active_users", "gate_observe", "gate_ring", "gate_lock", "afterimage_rate",
       "error_rate", "avg_response", "gate_failures", "db_connections", "memory_pct")


@pytest.fixture
async def exporter() -> AsyncIterator[Exporter]:
    server = Exporter(big_exposition())
    await server.start()
    yield server
    await server.stop()


async def test_exporters_alone_show_only_their_metrics_scaled(
    exporter: Exporter, tmp_path: Path,
) -> None:
    config = build_config([("autus.toml", {
        "operator": "t",
        # nothing listens on the backend's port: nothing may ask it
        "backend": {"url": "http://127.0.0.1:9", "interval": 0.3, "timeout": 0.25,
                    "health_path": ""},
        "sources": {"node": {"kind": "prometheus", "url": f"{exporter.url}/metrics"}},
        "metrics": {
            **{key: {"enabled": False} for key in OFF},
            "offset": {"label": "NTP Offset", "source": "node", "unit": "s", "minimum": -1,
                       "path": "node_timex_offset_seconds"},
            "cold": {"label": "Cold Sensor", "source": "node", "unit": "°C", "decimals": 1,
                     "minimum": -40, "path": 'node_hwmon_temp_celsius{chip="cold"}'},
            "data": {"label": "Data Volume", "source": "node", "unit": "bytes",
                     "path": 'node_filesystem_size_bytes{mountpoint="/data"}'},
            "tiny": {"label": "Tiny Ratio", "source": "node", "decimals": 2,
                     "path": "autus_tiny_ratio"},
        },
    })])
    with Store(tmp_path / "live.db") as store:
        app = ControlRoom(config, WallClock(), rehearsal=True, store=store,
                          host_reader=lambda: HostSample(1.0, 2.0, 0.1, 3.0))
        async with app.run_test(size=(120, 40)) as pilot:
            panes = {pane.tracker.spec.key: pane for pane in app.query(MetricPane)}
            assert set(panes) == {"offset", "cold", "data", "tiny"}

            def values() -> dict[str, str]:
                return {key: pane.value.text.strip() for key, pane in panes.items()}

            assert await wait_until(pilot, lambda: "—" not in values().values())
            assert values() == {"offset": "-234 µs", "cold": "-5.5 °C", "data": "13.6 TiB",
                                "tiny": "1.23e-05"}
            assert all(pane.level.text.strip() == "OK" for pane in panes.values())
            health = app.query_one(HealthLine).status.text
            assert "health not read (backend.health_path is empty)" in health
            assert "STALE" not in health
