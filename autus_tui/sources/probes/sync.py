"""``sync`` probe: two or more URLs must report the same value at a dotted JSON path.

Staging vs production: each URL is fetched concurrently (redirects and body capped as
for ``http``), its JSON read at ``path`` (``core.payload.lookup``). PASS when all
values are equal; FAIL when they differ or one cannot be read (which one, and why).
Evidence names each URL by host and port only.
"""

from __future__ import annotations

import asyncio
import json

import httpx

from autus_tui.core.payload import lookup
from autus_tui.core.probes import ProbeSpec, Status
from autus_tui.core.text import clean
from autus_tui.sources.net_errors import where
from autus_tui.sources.probes.common import Outcome, describe, read_capped, too_large
from autus_tui.sources.probes.http import client

_MISSING = object()


async def check(spec: ProbeSpec) -> Outcome:
    assert spec.path is not None
    path = spec.path
    async with client(spec) as http:
        answers = await asyncio.gather(*(_value(http, url, path) for url in spec.urls))
    labels = _labels(spec.urls)
    problems = [f"{label}: {problem}" for label, (_, problem) in zip(labels, answers, strict=True)
                if problem]
    if problems:
        return Status.FAIL, "; ".join(problems)
    texts = [_canonical(value) for value, _ in answers]
    if len(set(texts)) == 1:
        return Status.PASS, f"all {len(texts)} report {path} = {clean(texts[0], 80)}"
    pairs = ", ".join(f"{label} {clean(text, 60)}"
                      for label, text in zip(labels, texts, strict=True))
    return Status.FAIL, f"{path} differs: {pairs}"


async def _value(http: httpx.AsyncClient, url: str, path: str) -> tuple[object, str | None]:
    try:
        async with http.stream("GET", url) as response:
            body = await read_capped(response)
    except Exception as error:  # each URL's failure is its own line of the evidence
        return _MISSING, describe(error)
    if body is None:
        return _MISSING, too_large()
    if not 200 <= response.status_code < 300:
        return _MISSING, f"HTTP {response.status_code}"
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return _MISSING, "not JSON"
    value = lookup(doc, path)
    return (value, None) if value is not None else (_MISSING, f"no value at {path}")


def _labels(urls: tuple[str, ...]) -> list[str]:
    hosts = [where(url) for url in urls]
    if len(set(hosts)) == len(hosts):
        return hosts
    return [f"#{n} {host}" for n, host in enumerate(hosts, 1)]


def _canonical(value: object) -> str:
    """Values compare by their canonical JSON text (so 1 and 1.0 differ, as on the wire)."""
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)
