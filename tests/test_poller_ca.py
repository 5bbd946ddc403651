"""``backend.ca_file``: the poller reaches an HTTPS backend signed by a private CA.

The poller ignores the environment (``trust_env=False``), so ``SSL_CERT_FILE`` cannot
help it; the CA must come from the configuration. Also the WebSocket probe over WSS.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trustme

from autus_tui.core.clock import FixedClock
from autus_tui.core.config import BackendConfig
from autus_tui.core.metrics import default_metrics
from autus_tui.core.probes import ProbeSpec, Status
from autus_tui.sim.server import SimBackend
from autus_tui.sources.poller import Poller
from autus_tui.sources.probes import run_probe


@pytest.fixture
def ca_file(tmp_path: Path) -> tuple[trustme.CA, str]:
    ca = trustme.CA()
    path = tmp_path / "private-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, str(path)


@pytest.fixture
async def https_backend(ca_file: tuple[trustme.CA, str]) -> AsyncIterator[SimBackend]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca_file[0].issue_cert("127.0.0.1").configure_cert(context)
    backend = SimBackend("calm", seed=3)
    await backend.start(ssl_context=context)
    try:
        yield backend
    finally:
        await backend.stop()


async def _poll(url: str, ca: str | None) -> tuple[str | None, str | None]:
    backend = BackendConfig(url=url, ca_file=ca, timeout=2.0, interval=3.0)
    poller = Poller(backend, default_metrics(), FixedClock(datetime(2025, 3, 3, tzinfo=UTC)))
    try:
        result = await poller.poll_once()
    finally:
        await poller.aclose()
    return (result.health.status if result.health else None), result.error


async def test_the_poller_trusts_backend_ca_file(
    https_backend: SimBackend, ca_file: tuple[trustme.CA, str], tmp_path: Path
) -> None:
    assert https_backend.url.startswith("https://")
    assert await _poll(https_backend.url, ca_file[1]) == ("ok", None)
    health, error = await _poll(https_backend.url, None)
    assert health is None and error is not None and "certificate" in error.lower()
    missing = str(tmp_path / "none.pem")
    assert await _poll(https_backend.url, missing) == (
        None, f"backend.ca_file: CA file {missing}: no such file")


async def test_the_websocket_probe_over_wss_with_ca_file(
    https_backend: SimBackend, ca_file: tuple[trustme.CA, str]
) -> None:
    done = await run_probe(ProbeSpec("ws", "websocket", timeout=3, ca_file=ca_file[1],
                                     url=https_backend.url + "/ops/v1/ws"))
    assert done.status is Status.PASS and "hello, echo" in done.detail, done.detail
