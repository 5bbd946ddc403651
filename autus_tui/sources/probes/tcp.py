"""``tcp`` probe: connect to ``host:port``; the connect time is the evidence.

PASS when the connection is made (WARN above ``max_ms``), FAIL when refused, not
resolved or not answered within the timeout (the runner's bound).
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from autus_tui.core.probes import ProbeSpec, Status, address_parts
from autus_tui.sources.probes.common import Outcome


async def check(spec: ProbeSpec) -> Outcome:
    assert spec.address is not None
    host, port = address_parts(spec.address)
    started = time.perf_counter()
    _reader, writer = await asyncio.open_connection(host, port)
    ms = round((time.perf_counter() - started) * 1000)
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    said = f"connected to {spec.address} in {ms} ms"
    if spec.max_ms is not None and ms > spec.max_ms:
        return Status.WARN, f"{said}, slower than {spec.max_ms:g} ms"
    return Status.PASS, said
