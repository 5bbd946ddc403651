"""The backend poller: one ``PollResult`` per tick, whatever the backend does.

Contract:
- ``poll_once()`` fetches the metrics JSON, the health document and, when metrics with
  ``source = "prometheus"`` are configured, the Prometheus text, concurrently. Each
  request is bounded by ``backend.timeout`` as a whole (not per byte) and by a body cap
  of ``MAX_BODY`` bytes read as a stream. It never raises: transport, HTTP and decoding
  problems become ``PollResult.error`` in plain words ("metrics: HTTP 503",
  "metrics: not JSON (text/html)", "metrics: timed out after 0.8 s",
  "backend unreachable: connection refused"), joined by "; "; a bad field becomes
  ``readings[key].problem``. Health is delivered even when metrics fail and vice versa;
  ``health`` is ``None`` only when no health document could be read this time.
- ``run(deliver)`` polls until cancelled. Polls never overlap: each is awaited, then the
  loop sleeps until the next tick measured from that poll's start, so a slow poll does
  not cause a burst. While the backend fails (no metric value arrived and there is an
  error) the delay grows interval, 2x, 4x ... up to ``MAX_BACKOFF`` seconds, and the
  first good poll resets it. Exceptions never escape ``run``; cancelling it stops it
  within the request timeout.
- Nothing here blocks the event loop: the HTTP client is async, and Prometheus text
  (up to 1 MiB of pure-Python parsing) is parsed in a worker thread.

The httpx client is created once and reused (keep-alive to the backend). It uses
``trust_env=False``: proxy variables (HTTP_PROXY, ALL_PROXY) set for a shell on a
bastion host point at an egress proxy that cannot reach a loopback or internal backend,
and a control room must not start polling through one silently. A caller who needs a
proxy passes its own ``client`` (which ``aclose`` then leaves open). A private CA is
``backend.ca_file``; a bundle that cannot be read is every poll's error, not a crash.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from autus_tui.core.clock import Clock
from autus_tui.core.config import BackendConfig
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.observations import PollResult
from autus_tui.core.payload import Health, Reading, read_health, read_metric
from autus_tui.core.text import clean
from autus_tui.sources.cafile import CAFileError, client_context
from autus_tui.sources.prometheus import body_problem, readings_from_text

MAX_BODY = 1 << 20
"""Bytes read from one response at most (1 MiB); larger bodies are refused."""
MAX_BACKOFF = 5.0
"""The longest pause between polls while the backend keeps failing (or the interval)."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Fetched:
    what: str
    status: int = 0
    content_type: str = ""
    body: bytes = b""
    error: str | None = None
    unreachable: str | None = None
    """Why no connection could be made, when that was the problem."""


class Poller:
    def __init__(
        self,
        backend: BackendConfig,
        metrics: Sequence[MetricSpec],
        clock: Clock,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._backend = backend
        self._json_specs = [spec for spec in metrics if spec.source == "json"]
        self._prom_specs = [spec for spec in metrics if spec.source == "prometheus"]
        self._clock = clock
        self._owns_client = client is None
        self._setup_error: str | None = None
        verify: ssl.SSLContext | bool = True
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
        self._failures = 0

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    @property
    def next_delay(self) -> float:
        """Seconds from one poll's start to the next, given the failures so far."""
        interval = self._backend.interval
        if self._failures <= 1:
            return interval
        backoff = interval * 2.0 ** min(self._failures - 1, 16)
        return min(backoff, max(MAX_BACKOFF, interval))

    async def poll_once(self) -> PollResult:
        started = time.perf_counter()
        try:
            readings, health, error = await self._poll()
        except Exception as unexpected:  # a bug here must not stop the polling
            log.exception("poll failed unexpectedly")
            readings, health = {}, None
            error = f"poller error: {type(unexpected).__name__}: {clean(unexpected, 120)}"
        got_value = any(reading.value is not None for reading in readings.values())
        self._failures = self._failures + 1 if error is not None and not got_value else 0
        return PollResult(
            at=self._clock.now(), readings=readings, health=health, error=error,
            duration=time.perf_counter() - started,
        )

    async def run(self, deliver: Callable[[PollResult], object]) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            result = await self.poll_once()
            try:
                outcome = deliver(result)
                if inspect.isawaitable(outcome):
                    await outcome
            except Exception:  # the receiver's bug must not stop the polling either
                log.exception("delivering a poll result failed")
            await asyncio.sleep(max(0.0, started + self.next_delay - loop.time()))

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    # -- one poll ---------------------------------------------------------------------

    async def _poll(self) -> tuple[dict[str, Reading], Health | None, str | None]:
        backend = self._backend
        if self._setup_error is not None:
            return {}, None, self._setup_error
        jobs = [self._fetch("metrics", backend.metrics_path)] if self._json_specs else []
        jobs.append(self._fetch("health", backend.health_path))
        if self._prom_specs and backend.prometheus_path:
            jobs.append(self._fetch("prometheus", backend.prometheus_path))
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
            elif item.what == "metrics":
                problem = self._read_json(item, readings)
                if problem:
                    errors.append(f"metrics: {problem}")
            else:
                problem = await self._read_prometheus(item, readings)
                if problem:
                    errors.append(f"prometheus: {problem}")
        return readings, health, "; ".join(errors) or None

    def _read_json(self, item: _Fetched, readings: dict[str, Reading]) -> str | None:
        if not 200 <= item.status < 300:
            return f"HTTP {item.status}"
        doc, problem = decode_json_object(item.body, item.content_type)
        if doc is None:
            return problem
        for spec in self._json_specs:
            readings[spec.key] = read_metric(doc, spec)
        return None

    async def _read_prometheus(self, item: _Fetched, readings: dict[str, Reading]) -> str | None:
        if not 200 <= item.status < 300:
            return f"HTTP {item.status}"
        problem = body_problem(media_type(item.content_type), item.body)
        if problem:
            return problem
        text = item.body.decode("utf-8", errors="replace")
        readings.update(await asyncio.to_thread(readings_from_text, text, self._prom_specs))
        return None

    async def _fetch(self, what: str, path: str) -> _Fetched:
        timeout = self._backend.timeout
        try:
            async with asyncio.timeout(timeout):
                return await self._get(what, self._backend.url + path)
        except (TimeoutError, httpx.TimeoutException):
            return _Fetched(what, error=f"timed out after {timeout:g} s")
        except httpx.ConnectError as error:
            return _Fetched(what, unreachable=_connect_reason(error))
        except httpx.HTTPError as error:  # protocol errors, a dropped connection
            return _Fetched(what, error=_http_reason(error))
        except Exception as error:
            log.exception("request for %s failed unexpectedly", what)
            return _Fetched(what, error=f"{type(error).__name__}: {clean(error, 120)}")

    async def _get(self, what: str, url: str) -> _Fetched:
        async with self._client.stream("GET", url) as response:
            content_type = response.headers.get("content-type", "")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > MAX_BODY:
                return _Fetched(what, response.status_code, error=_too_large())
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_BODY:
                    return _Fetched(what, response.status_code, error=_too_large())
            return _Fetched(what, response.status_code, content_type, bytes(body))


# -- decoding, shared with tests ---------------------------------------------------------

_KINDS = {list: "a list", str: "text", int: "a number", float: "a number",
          bool: "true/false", type(None): "null"}


def media_type(content_type: str) -> str:
    return clean(content_type.split(";", 1)[0].strip().lower(), 60)


def decode_json_object(
    body: bytes, content_type: str
) -> tuple[dict[str, object] | None, str | None]:
    """``(doc, None)`` with a JSON object, or ``(None, reason)``; never raises.

    NaN and Infinity literals (not JSON, but what Python and some backends emit) are
    accepted as non-finite numbers, so that only the field holding one is reported
    ("error_rate_pct is not a finite number (nan)") and the rest of the payload counts.
    """
    media = media_type(content_type)
    if "html" in media or body.lstrip()[:1] == b"<":
        return None, f"not JSON ({media or 'looks like HTML'})"
    if not body.strip():
        return None, "empty response, expected JSON"
    try:
        doc = json.loads(body)
    except json.JSONDecodeError as error:
        if media and "json" not in media:
            return None, f"not JSON ({media})"
        return None, f"invalid JSON ({error.msg} at line {error.lineno} column {error.colno})"
    except UnicodeDecodeError:
        return None, "invalid JSON (not UTF-8 text)"
    except RecursionError:
        return None, "invalid JSON (nested too deeply)"
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        return None, f"invalid JSON ({clean(error, 80)})"
    if not isinstance(doc, dict):
        return None, f"expected a JSON object, got {_KINDS.get(type(doc), 'something else')}"
    return doc, None


def _health_from(item: _Fetched) -> tuple[Health | None, str | None]:
    """Health documents are read on any status: many services answer 503 with one."""
    doc, problem = decode_json_object(item.body, item.content_type)
    if doc is not None and "status" in doc:
        return read_health(doc), None
    if not 200 <= item.status < 300:
        return None, f"HTTP {item.status}"
    if doc is not None:
        return read_health(doc), None
    return None, problem


def _too_large() -> str:
    return f"response larger than {MAX_BODY // (1 << 20)} MiB, not read"


def _connect_reason(error: BaseException) -> str:
    cause: BaseException | None = error
    for _ in range(8):
        if cause is None:
            break
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "host name not found"
        if isinstance(cause, OSError) and cause.strerror:
            return clean(cause.strerror, 80).lower()
        cause = cause.__cause__ or cause.__context__
    return clean(error, 80) or "could not connect"


def _http_reason(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.RemoteProtocolError):
        return f"connection dropped ({clean(error, 80) or 'protocol error'})"
    return clean(error, 80) or type(error).__name__
