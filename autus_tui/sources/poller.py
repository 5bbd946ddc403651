"""The poller: one ``PollResult`` per tick, whatever the backend and the sources do.

Contract:
- The backend's own Ops API (the ``backend`` source: the metrics JSON for metrics with
  ``source = "json"``/``"backend"``, and the health document unless
  ``backend.health_path = ""``) is fetched each tick, both concurrently. Every other
  source (``sources.feeds``: exporters, a Prometheus server, another Ops API, the
  backend's ``prometheus_path``) is a *feed* polled by a task of its own, on its own
  client, at the same interval with its own back-off: a slow exporter never delays the
  backend's values, and one source's outage never holds up another's.
- Each tick's ``PollResult`` holds the backend's readings and health and the readings of
  every feed answer that arrived since the last tick; ``error`` is every source's
  current problem in words, the backend's first ("metrics: HTTP 503",
  "backend unreachable: connection refused", then "node: timed out after 0.8 s"), joined
  by "; " — a feed's problem stays in it until that feed answers well again. A bad field
  becomes ``readings[key].problem``. Health is delivered even when metrics fail and vice
  versa; ``health`` is ``None`` when no health document was read this time (always, when
  it is switched off). ``backend_down`` says whether the backend's own Ops API gave no
  answer at all (no health document, an error and no value of its own), judged before
  any feed's readings join, so an exporter answering never hides an outage
  (``core.outages``).
- ``poll_once()`` fetches the backend and every feed once, concurrently, and merges them
  (``autus-tui check``-like one-offs and tests). It never raises.
- ``run(deliver)`` polls until cancelled. Ticks never overlap: each is awaited, then the
  loop sleeps until the next tick measured from that tick's start. While the backend
  fails (an error and no value from it) the delay grows interval, 2x, 4x ... up to
  ``MAX_BACKOFF`` seconds, and the first good poll resets it; each feed backs off alike on
  its own. Exceptions never escape ``run``; cancelling it stops it and its feeds.
- Nothing here blocks the event loop: HTTP is async, and Prometheus text is read in a
  worker thread.

The backend's httpx client is created once and reused (keep-alive). Clients use
``trust_env=False``: proxy variables (HTTP_PROXY, ALL_PROXY) set for a shell on a bastion
host point at an egress proxy that cannot reach a loopback or internal backend, and a
control room must not start polling through one silently. A caller who needs a proxy
passes its own ``client`` (which ``aclose`` then leaves open). A private CA is
``backend.ca_file`` (or a source's ``ca_file``); a bundle that cannot be read is every
poll's error, not a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from typing import cast

import httpx

from autus_tui.core.clock import Clock
from autus_tui.core.config import BackendConfig
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.observations import PollResult
from autus_tui.core.payload import Health, Reading, read_health, read_metric
from autus_tui.core.source_config import SourcesConfig
from autus_tui.core.text import clean
from autus_tui.sources.cafile import CAFileError, client_context
from autus_tui.sources.feeds import FeedOutcome, FeedReader, feeds_for
from autus_tui.sources.http_get import Fetched, decode_json_object, fetch, media_type

__all__ = ["MAX_BACKOFF", "MAX_BODY", "Poller", "decode_json_object", "media_type"]

MAX_BODY = 1 << 20
"""Bytes read from one backend response at most (1 MiB); larger bodies are refused."""
MAX_BACKOFF = 5.0
"""The longest pause between polls while the backend keeps failing (or the interval)."""

log = logging.getLogger(__name__)
_Own = tuple[dict[str, Reading], Health | None, str | None]


def backoff_delay(interval: float, failures: int) -> float:
    """Seconds from one poll's start to the next, given the failures so far."""
    if failures <= 1:
        return interval
    return min(interval * 2.0 ** min(failures - 1, 16), max(MAX_BACKOFF, interval))


class Poller:
    def __init__(
        self,
        backend: BackendConfig,
        metrics: Sequence[MetricSpec],
        clock: Clock,
        client: httpx.AsyncClient | None = None,
        *,
        sources: SourcesConfig | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._backend = backend
        self._json_specs = [spec for spec in metrics if spec.source in ("json", "backend")]
        self._clock = clock
        self._owns_client = client is None
        self._setup_error: str | None = None
        # An http:// backend never negotiates TLS (redirects are not followed), so no
        # trust store is loaded for it: httpx's default one holds ~3 MB of certificates.
        verify: ssl.SSLContext | bool = backend.url.lower().startswith("https:")
        if backend.ca_file is not None and client is None:
            try:
                verify = client_context(backend.ca_file)
            except CAFileError as error:
                self._setup_error = f"backend.ca_file: {error}"
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(backend.timeout),
            trust_env=False,
            follow_redirects=False,
            verify=verify,
            limits=httpx.Limits(max_connections=4, max_keepalive_connections=4),
            headers={"Accept": "application/json, text/plain;q=0.5", "User-Agent": "autus-tui"},
        )
        self._readers = [FeedReader(feed, environ)
                         for feed in feeds_for(backend, metrics, sources or SourcesConfig())]
        self._fresh: dict[str, FeedOutcome] = {}
        """Feed answers not yet delivered, by feed name."""
        self._feed_errors: dict[str, str | None] = {}
        self._failures = 0

    @property
    def uses_backend(self) -> bool:
        """Whether the backend's own Ops API is read at all (metrics JSON or health)."""
        return bool(self._json_specs or self._backend.health_path)

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    @property
    def next_delay(self) -> float:
        """Seconds from one poll's start to the next, given the failures so far."""
        return backoff_delay(self._backend.interval, self._failures)

    async def poll_once(self) -> PollResult:
        """The backend and every feed, once, concurrently."""
        return await self._tick(feeds_now=True)

    async def run(self, deliver: Callable[[PollResult], object]) -> None:
        loop = asyncio.get_running_loop()
        feeds = [asyncio.create_task(self._feed_loop(reader), name=f"feed-{reader.feed.name}")
                 for reader in self._readers]
        try:
            while True:
                started = loop.time()
                result = await self._tick(feeds_now=False)
                try:
                    outcome = deliver(result)
                    if inspect.isawaitable(outcome):
                        await outcome
                except Exception:  # the receiver's bug must not stop the polling either
                    log.exception("delivering a poll result failed")
                await asyncio.sleep(max(0.0, started + self.next_delay - loop.time()))
        finally:
            for task in feeds:
                task.cancel()
            for task in feeds:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()
        for reader in self._readers:
            await reader.aclose()

    # -- one tick --------------------------------------------------------------------------

    async def _tick(self, *, feeds_now: bool) -> PollResult:
        started = time.perf_counter()
        try:
            fresh: dict[str, FeedOutcome] = {}
            if feeds_now:
                both = await asyncio.gather(self._poll(),
                                            *(self._read_feed(r) for r in self._readers))
                readings, health, error = cast(_Own, both[0])
                for reader, outcome in zip(self._readers, both[1:], strict=True):
                    outcome = cast(FeedOutcome, outcome)
                    fresh[reader.feed.name] = outcome
                    self._feed_errors[reader.feed.name] = outcome.error
            else:
                readings, health, error = await self._poll()
                fresh, self._fresh = self._fresh, {}
        except Exception as unexpected:  # a bug here must not stop the polling
            log.exception("poll failed unexpectedly")
            readings, health, fresh = {}, None, {}
            error = f"poller error: {type(unexpected).__name__}: {clean(unexpected, 120)}"
        got_value = any(reading.value is not None for reading in readings.values())
        backend_failed = self.uses_backend and error is not None and not got_value
        self._failures = self._failures + 1 if backend_failed else 0
        # Judged before the feeds' readings join: an exporter answering is not the service.
        backend_down = backend_failed and health is None
        errors = [error] if error else []
        for reader in self._readers:
            name = reader.feed.name
            if name in fresh:
                readings.update(fresh[name].readings)
            if self._feed_errors.get(name):
                errors.append(f"{name}: {self._feed_errors[name]}")
        return PollResult(
            at=self._clock.now(), readings=readings, health=health,
            error="; ".join(errors) or None, duration=time.perf_counter() - started,
            backend_down=backend_down,
        )

    async def _feed_loop(self, reader: FeedReader) -> None:
        """One feed, on its own: answers wait in ``_fresh`` for the next tick."""
        loop = asyncio.get_running_loop()
        failures = 0
        while True:
            started = loop.time()
            outcome = await self._read_feed(reader)
            self._fresh[reader.feed.name] = outcome
            self._feed_errors[reader.feed.name] = outcome.error
            failures = failures + 1 if outcome.error and not outcome.got_value else 0
            delay = backoff_delay(self._backend.interval, failures)
            await asyncio.sleep(max(0.0, started + delay - loop.time()))

    async def _read_feed(self, reader: FeedReader) -> FeedOutcome:
        try:
            return await reader.read()
        except Exception as unexpected:  # a bug in one source must not stop the others
            log.exception("reading source %s failed unexpectedly", reader.feed.name)
            return FeedOutcome(error=f"{type(unexpected).__name__}: {clean(unexpected, 120)}")

    # -- the backend's own Ops API -----------------------------------------------------------

    async def _poll(self) -> _Own:
        backend = self._backend
        if not self.uses_backend:
            return {}, None, None
        if self._setup_error is not None:
            return {}, None, self._setup_error
        jobs = [self._fetch("metrics", backend.metrics_path)] if self._json_specs else []
        if backend.health_path:
            jobs.append(self._fetch("health", backend.health_path))
        fetched = await asyncio.gather(*jobs)

        unreachable = [item.unreachable for item in fetched if item.unreachable]
        if len(unreachable) == len(fetched):
            return {}, None, f"backend unreachable: {unreachable[0]}"

        errors: list[str] = []
        readings: dict[str, Reading] = {}
        health: Health | None = None
        for item in fetched:
            if item.unreachable:
                errors.append(f"{item.what}: unreachable ({item.unreachable})")
            elif item.error:
                errors.append(f"{item.what}: {item.error}")
            elif item.what == "health":
                health, problem = _health_from(item)
                if problem:
                    errors.append(f"health: {problem}")
            else:
                problem = self._read_json(item, readings)
                if problem:
                    errors.append(f"metrics: {problem}")
        return readings, health, "; ".join(errors) or None

    def _read_json(self, item: Fetched, readings: dict[str, Reading]) -> str | None:
        if not 200 <= item.status < 300:
            return f"HTTP {item.status}"
        doc, problem = decode_json_object(item.body, item.content_type)
        if doc is None:
            return problem
        for spec in self._json_specs:
            readings[spec.key] = read_metric(doc, spec)
        return None

    async def _fetch(self, what: str, path: str) -> Fetched:
        return await fetch(self._client, what, self._backend.url + path,
                           self._backend.timeout, MAX_BODY)


def _health_from(item: Fetched) -> tuple[Health | None, str | None]:
    """Health documents are read on any status: many services answer 503 with one."""
    doc, problem = decode_json_object(item.body, item.content_type)
    if doc is not None and "status" in doc:
        return read_health(doc), None
    if not 200 <= item.status < 300:
        return None, f"HTTP {item.status}"
    if doc is not None:
        return read_health(doc), None
    return None, problem
