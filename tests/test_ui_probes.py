"""Probes in the control room: ``v`` on an item with a probe runs it against a real
backend, records the verdict in the operator's name, and PASS marks the item done; a
failing probe leaves it open and says why; ``p`` runs every probe of the slot and shows
a table. The simulated backend listens on loopback; nothing is mocked."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import wait_until

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import BackendConfig, Config
from autus_tui.core.observations import HostSample
from autus_tui.core.runbook import ItemState
from autus_tui.sim.server import SimBackend
from autus_tui.store import Store
from autus_tui.ui.app import ControlRoom
from autus_tui.ui.dialogs.probe_results import ProbeResultsDialog
from autus_tui.ui.testing import screen_text

PRE_LAUNCH = datetime(2026, 11, 26, 23, 0, tzinfo=UTC)  # 08:00 KST: the 출시 전 slot
BACKEND_ITEM, WS_ITEM = "pre.infra.backend", "pre.infra.websocket"


@pytest.fixture
async def backend_url() -> AsyncIterator[str]:
    backend = SimBackend("calm", seed=1)
    url = await backend.start("127.0.0.1", 0)
    try:
        yield url
    finally:
        await backend.stop()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def make_app(db: Path, url: str) -> tuple[ControlRoom, Store]:
    clock = FixedClock(PRE_LAUNCH)
    store = Store(db, clock)
    config = Config(backend=BackendConfig(url=url), operator="kim")
    app = ControlRoom(config, clock, rehearsal=True, poll=False,
                      host_reader=lambda: HostSample(1.0, 2.0, 0.1, 3.0), store=store)
    return app, store


def state(store: Store, item_id: str) -> ItemState:
    mark = store.mark_of(item_id)
    return mark.state if mark else ItemState.OPEN


async def test_verify_runs_the_items_probe_and_a_pass_marks_it_done(
    tmp_path: Path, backend_url: str
) -> None:
    app, store = make_app(tmp_path / "day.db", backend_url)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.checklist.selected is not None
        assert app.checklist.selected.id == BACKEND_ITEM
        await pilot.press("v")
        assert await wait_until(pilot, lambda: state(store, BACKEND_ITEM) is ItemState.DONE)
        verify = [e for e in store.timeline() if e.kind == "checklist.verify"]
        assert len(verify) == 1 and verify[0].operator == "kim"
        assert verify[0].detail["passed"] is True
        assert "backend_health PASS" in verify[0].detail["evidence"]
        assert await wait_until(pilot, lambda: "PASS" in screen_text(app))


async def test_a_failing_probe_leaves_the_item_open_and_says_why(tmp_path: Path) -> None:
    app, store = make_app(tmp_path / "day.db", closed_port_url())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("v")
        assert await wait_until(
            pilot, lambda: any(e.kind == "checklist.verify" for e in store.timeline()))
        verify = next(e for e in store.timeline() if e.kind == "checklist.verify")
        assert verify.detail["passed"] is False
        assert state(store, BACKEND_ITEM) is ItemState.OPEN
        assert await wait_until(pilot, lambda: "FAIL" in screen_text(app))
        assert "refused" in screen_text(app)


async def test_probe_slot_runs_every_probe_and_shows_a_table(
    tmp_path: Path, backend_url: str
) -> None:
    app, store = make_app(tmp_path / "day.db", backend_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ProbeResultsDialog)
                                and "backend_websocket" in screen_text(app), timeout=20)
        text = screen_text(app)
        assert "backend_health" in text
        assert "not configured: set probes.cdn.url" in text  # a placeholder: WARN, not FAIL
        assert state(store, BACKEND_ITEM) is ItemState.DONE
        assert state(store, WS_ITEM) is ItemState.DONE
        assert state(store, "pre.infra.cdn") is ItemState.OPEN
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, ProbeResultsDialog))
