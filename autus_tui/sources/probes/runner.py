"""Running probes: each bounded by its timeout, all at once, results in config order.

``run_probe`` never raises (except when cancelled): a refused connection, a hung port,
a bad certificate or a bug in a kind all become a FAIL with one line of evidence. A
probe without its target is not run ("not configured", WARN, see ``core.probes``).

``run_probes_sync`` runs them on an event loop of its own and returns when all are
done, within about the longest timeout: the UI calls it from a worker thread
(``asyncio.to_thread`` or a thread worker), so nothing a probe does (loading a CA
bundle, a hung TLS peer) can hold the screen's event loop. The loop's executor (used by
``getaddrinfo``) is shut down without waiting, so a resolver that hangs past its probe's
timeout cannot hold the caller either.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from autus_tui.core.probes import ProbeResult, ProbeSpec, Status, not_configured, result
from autus_tui.sources.net_errors import where
from autus_tui.sources.probes import dns, git_tag, http, sync, tcp, tls, websocket
from autus_tui.sources.probes.common import Outcome, describe

log = logging.getLogger(__name__)

CHECKS: dict[str, Callable[[ProbeSpec], Awaitable[Outcome]]] = {
    "http": http.check, "tcp": tcp.check, "websocket": websocket.check, "tls": tls.check,
    "dns": dns.check, "sync": sync.check, "git_tag": git_tag.check,
}


async def run_probe(spec: ProbeSpec) -> ProbeResult:
    """One probe, within ``spec.timeout`` seconds; never raises but ``CancelledError``."""
    if not spec.configured:
        return not_configured(spec)
    started = time.perf_counter()
    try:
        async with asyncio.timeout(spec.timeout):
            status, detail = await CHECKS[spec.kind](spec)
    except TimeoutError:
        status, detail = Status.FAIL, f"{target(spec)}no answer within {spec.timeout:g} s"
    except Exception as error:
        if not isinstance(error, OSError | ValueError):
            log.debug("probe %s failed", spec.name, exc_info=True)
        status, detail = Status.FAIL, f"{target(spec)}{describe(error)}"
    return result(spec, status, detail, time.perf_counter() - started)


async def run_probes(specs: Sequence[ProbeSpec]) -> list[ProbeResult]:
    """All of ``specs`` concurrently; one result per spec, in the same order."""
    return list(await asyncio.gather(*(run_probe(spec) for spec in specs)))


def run_probes_sync(specs: Sequence[ProbeSpec]) -> list[ProbeResult]:
    """``run_probes`` on a private event loop: call it from a thread, never the UI loop."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(run_probes(specs))
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()  # its default executor is shut down without waiting


def target(spec: ProbeSpec) -> str:
    """What a failure line starts with: the host and port (never a URL's path or query,
    which may hold a token), the address, the name or the repository."""
    if spec.kind in ("http", "websocket", "tls") and spec.url:
        return f"{where(spec.url)}: "
    shown = {"tcp": spec.address, "dns": spec.host, "git_tag": spec.repo}.get(spec.kind)
    return f"{shown}: " if shown else ""
