"""Every source other than the backend's own JSON and health: fetched and read on its own.

A ``Feed`` is one source with the metrics that read it (``feeds_for``): a named
``[sources.NAME]`` table, or the backend's ``prometheus_path`` for ``source =
"prometheus"``. A ``FeedReader`` owns an HTTP client of its own (its CA bundle, its
headers, its connection pool), so a slow or dead source never holds a connection another
one needs, and ``read()`` gives a ``FeedOutcome``, never raising:

- ``prometheus``: GET the exposition (bounded by the source's timeout and ``max_bytes``);
  it is read in a worker thread (``sources.prometheus``), never on the event loop;
- ``prometheus_query``: one ``GET {url}/api/v1/query?query=...`` per metric, all at once,
  bounded together by the timeout; each answer read strictly (``core.query_result``);
- ``ops``: GET the metrics JSON and read each metric's dotted path (``core.payload``).

Failures: an unreachable or timed-out source is ``error`` and no readings (its metrics go
STALE, as the backend's do); a body that cannot be read at all (too large, HTML, not
JSON) is ``error`` and a problem reading for each of its metrics, so each pane says why.
Errors name the source, never its URL's query or a header's value. Header values are
read from the environment when the reader is made (``resolve_headers``): a missing
variable is every read's error ("header Authorization: environment variable
AUTUS_PROM_TOKEN is not set"), never a crash.
"""

from __future__ import annotations

import asyncio
import os
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import httpx

from autus_tui.core.config import BackendConfig, Config, ConfigError
from autus_tui.core.metrics import MetricSpec
from autus_tui.core.payload import Reading, read_metric
from autus_tui.core.query_result import error_of, read_query_result
from autus_tui.core.source_config import (
    MissingVariable,
    SourcesConfig,
    SourceSpec,
    render_header,
)
from autus_tui.core.text import clean
from autus_tui.sources.cafile import CAFileError, client_context
from autus_tui.sources.http_get import Fetched, decode_json_object, fetch, media_type
from autus_tui.sources.prometheus import body_problem, readings_from_text

QUERY_PATH = "/api/v1/query"
ACCEPT = {"prometheus": "text/plain;version=0.0.4;q=1, */*;q=0.1",
          "prometheus_query": "application/json", "ops": "application/json"}


@dataclass(frozen=True)
class Feed:
    source: SourceSpec
    timeout: float
    metrics: tuple[MetricSpec, ...]

    @property
    def name(self) -> str:
        return self.source.name


@dataclass(frozen=True)
class FeedOutcome:
    readings: dict[str, Reading] = field(default_factory=dict)
    error: str | None = None

    @property
    def got_value(self) -> bool:
        return any(reading.value is not None for reading in self.readings.values())


def feeds_for(
    backend: BackendConfig, metrics: Sequence[MetricSpec], sources: SourcesConfig
) -> list[Feed]:
    """One feed per source some metric reads, in the order metrics name them; the
    backend's own JSON (``json``/``backend``) is the poller's, not a feed."""
    feeds: dict[str, list[MetricSpec]] = {}
    for spec in metrics:
        if spec.source in ("json", "backend"):
            continue
        feeds.setdefault(spec.source, []).append(spec)
    found = []
    for name, specs in feeds.items():
        source = sources.get(name)
        if source is None:  # the built-in "prometheus": the backend's prometheus_path
            source = SourceSpec("prometheus", "prometheus",
                                backend.url + (backend.prometheus_path or "/metrics"),
                                ca_file=backend.ca_file, origin="backend")
        found.append(Feed(source, source.timeout or backend.timeout, tuple(specs)))
    return found


def resolve_headers(source: SourceSpec, environ: Mapping[str, str]) -> dict[str, str]:
    """The source's headers with ``${VAR}`` read; raises ``MissingVariable`` (its message
    names the variable, never a value)."""
    return {name: render_header(template, environ) for name, template in source.headers}


def setup_problem(source: SourceSpec, environ: Mapping[str, str]) -> str | None:
    """Why the source cannot be polled as configured (``autus-tui check`` asks too)."""
    for name, template in source.headers:
        try:
            render_header(template, environ)
        except MissingVariable as error:
            return f"header {name}: {error}"
    return None


class FeedReader:
    def __init__(self, feed: Feed, environ: Mapping[str, str] | None = None) -> None:
        self.feed = feed
        self.kind = feed.source.kind
        environ = os.environ if environ is None else environ
        self._setup_error = setup_problem(feed.source, environ)
        headers = {"Accept": ACCEPT[self.kind], "User-Agent": "autus-tui"}
        verify: ssl.SSLContext | bool = True
        if self._setup_error is None:
            headers.update(resolve_headers(feed.source, environ))
            if feed.source.ca_file is not None:
                try:
                    verify = client_context(feed.source.ca_file)
                except CAFileError as error:
                    self._setup_error = f"ca_file: {error}"
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(feed.timeout), trust_env=False, follow_redirects=False,
            verify=verify, headers=headers,
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=8),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def read(self) -> FeedOutcome:
        if self._setup_error is not None:
            return FeedOutcome(error=self._setup_error)
        if self.kind == "prometheus_query":
            return await self._queries()
        fetched = await fetch(self._client, self.feed.name, self.feed.source.url,
                              self.feed.timeout, self.feed.source.body_limit)
        if fetched.unreachable:
            return FeedOutcome(error=f"unreachable ({fetched.unreachable})")
        if fetched.error and not fetched.too_large:
            return FeedOutcome(error=fetched.error)
        problem = _body_problem(self.kind, fetched)
        if problem is not None:
            if fetched.too_large:
                problem += f" (raise sources.{self.feed.name}.max_bytes)" if (
                    self.feed.source.origin != "backend") else ""
            return self._everywhere(problem)
        if self.kind == "prometheus":
            text = fetched.body.decode("utf-8", errors="replace")
            readings = await asyncio.to_thread(readings_from_text, text, self.feed.metrics)
            return FeedOutcome(readings)
        doc, problem = decode_json_object(fetched.body, fetched.content_type)
        if doc is None:
            return self._everywhere(problem or "not JSON")
        return FeedOutcome({spec.key: read_metric(doc, spec) for spec in self.feed.metrics})

    def _everywhere(self, problem: str) -> FeedOutcome:
        """A body that cannot be read: the source's error, and each metric says so."""
        shown = f"{self.feed.name}: {problem}"
        return FeedOutcome({spec.key: Reading(None, shown) for spec in self.feed.metrics},
                           problem)

    async def _queries(self) -> FeedOutcome:
        url = self.feed.source.url + QUERY_PATH
        timeout = self.feed.timeout
        jobs = [fetch(self._client, spec.key, url, timeout, self.feed.source.body_limit,
                      {"query": spec.query or "", "timeout": _duration(timeout)})
                for spec in self.feed.metrics]
        answers = await asyncio.gather(*jobs)
        unreachable = [a.unreachable for a in answers if a.unreachable]
        if len(unreachable) == len(answers):
            return FeedOutcome(error=f"unreachable ({unreachable[0]})")
        readings: dict[str, Reading] = {}
        errors: list[str] = []
        for spec, answer in zip(self.feed.metrics, answers, strict=True):
            if answer.unreachable or (answer.error and not answer.too_large):
                # no answer: the metric ages (STALE), as the backend's do
                why = answer.error or f"unreachable ({answer.unreachable})"
                errors.append(f"{spec.key}: {why}")
            else:
                readings[spec.key] = _query_reading(spec, answer)
        return FeedOutcome(readings, "; ".join(errors) or None)


def _duration(seconds: float) -> str:
    """A Prometheus duration (it reads ``800ms``, not ``0.8s``)."""
    return f"{max(1, round(seconds * 1000))}ms"


def _body_problem(kind: str, fetched: Fetched) -> str | None:
    if fetched.too_large:
        return fetched.error
    if kind == "prometheus":
        if not 200 <= fetched.status < 300:
            return f"HTTP {fetched.status}"
        return body_problem(media_type(fetched.content_type), fetched.body)
    if not 200 <= fetched.status < 300:
        return f"HTTP {fetched.status}"
    return None


def _query_reading(spec: MetricSpec, answer: Fetched) -> Reading:
    if answer.error:  # too large
        return Reading(None, answer.error)
    doc, problem = decode_json_object(answer.body, answer.content_type)
    if doc is None:
        status = "" if 200 <= answer.status < 300 else f"HTTP {answer.status}, "
        return Reading(None, f"{status}{problem}")
    refused = error_of(doc)
    if refused is not None:
        return Reading(None, refused)
    if not 200 <= answer.status < 300:
        return Reading(None, f"HTTP {answer.status}")
    return read_query_result(doc, spec)


def describe(feed: Feed) -> str:
    """``node (prometheus, 3 metrics)`` for ``autus-tui check``."""
    count = len(feed.metrics)
    return f"{clean(feed.name, 40)} ({feed.source.kind}, {count} metric{'s' * (count != 1)})"



def check_feeds(config: Config, environ: Mapping[str, str]) -> list[str]:
    """What ``autus-tui check`` says of the sources, one entry each; raises ``ConfigError``
    (file and key) for a header variable that is not set or a CA file that cannot be read,
    which every poll would otherwise report."""
    feeds = feeds_for(config.backend, config.metrics, config.sources)
    for feed in feeds:
        source = feed.source
        where = "backend" if source.origin == "backend" else f"sources.{source.name}"
        for name, template in source.headers:
            try:
                render_header(template, environ)
            except MissingVariable as error:
                raise ConfigError(source.origin, f"{where}.headers.{name}", str(error)) from None
        if source.ca_file is not None:
            try:
                client_context(source.ca_file)
            except CAFileError as error:
                raise ConfigError(source.origin, f"{where}.ca_file", str(error)) from None
    backend = config.backend
    json_count = sum(spec.source in ("json", "backend") for spec in config.metrics)
    health = "health" if backend.health_path else "health off"
    said = [f"backend (ops, {json_count} metric{'s' * (json_count != 1)}, {health})"]
    said += [describe(feed) for feed in feeds]
    used = {feed.name for feed in feeds}
    said += [f"{clean(s.name, 40)} ({s.kind}, unused)" for s in config.sources.named
             if s.name not in used]
    return said
