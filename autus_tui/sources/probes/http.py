"""``http`` probe: GET the URL; its status code and latency are the evidence.

PASS on an expected status (default any 2xx), WARN above ``max_ms``, FAIL otherwise.
Redirects are followed up to ``MAX_REDIRECTS`` (more is a loop: FAIL); the body is read
up to 1 MiB (more: FAIL). A JSON body with a health ``status`` (Ops API) adds it to the
evidence: ``degraded`` is WARN and ``down`` is FAIL even on a 200.
"""

from __future__ import annotations

import json
import time

import httpx

from autus_tui.core.payload import HEALTH_STATUSES
from autus_tui.core.probes import ProbeSpec, Status
from autus_tui.core.text import clean
from autus_tui.sources.cafile import client_context
from autus_tui.sources.net_errors import where
from autus_tui.sources.probes.common import (
    MAX_REDIRECTS,
    USER_AGENT,
    Outcome,
    read_capped,
    too_large,
)


def client(spec: ProbeSpec) -> httpx.AsyncClient:
    """The probes' HTTP client: no proxy variables, the CA of ``ca_file``, no own timeout
    (the runner bounds the whole probe)."""
    return httpx.AsyncClient(
        verify=client_context(spec.ca_file), trust_env=False, follow_redirects=True,
        max_redirects=MAX_REDIRECTS, timeout=None, headers=USER_AGENT,
    )


async def check(spec: ProbeSpec) -> Outcome:
    assert spec.url is not None
    async with client(spec) as http:
        started = time.perf_counter()
        async with http.stream("GET", spec.url) as response:
            body = await read_capped(response)
            ms = round((time.perf_counter() - started) * 1000)
            hops = len(response.history)
    code = response.status_code
    said = f"HTTP {code} from {where(str(response.url))} in {ms} ms"
    if hops:
        said += f" after {hops} redirect{'s' if hops > 1 else ''}"
    if body is None:
        return Status.FAIL, f"{said}: {too_large()}"
    expected = code in spec.expect_status if spec.expect_status else 200 <= code < 300
    health, message = _health(body)
    if not expected:
        wanted = ", ".join(map(str, spec.expect_status)) or "2xx"
        return Status.FAIL, f"{said}, expected {wanted}: {message or _snippet(body)}"
    if health:
        said += f", status {health}" + (f" ({message})" if message else "")
        if health != "ok":
            return (Status.FAIL if health == "down" else Status.WARN), said
    if spec.max_ms is not None and ms > spec.max_ms:
        return Status.WARN, f"{said}, slower than {spec.max_ms:g} ms"
    return Status.PASS, said


def _health(body: bytes) -> tuple[str, str]:
    """(status word, message) of an Ops API health document; ("", "") for anything else."""
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return "", ""
    if not isinstance(doc, dict):
        return "", ""
    status, message = doc.get("status"), doc.get("message")
    word = status if isinstance(status, str) and status in HEALTH_STATUSES else ""
    return word, clean(message, 80) if isinstance(message, str) else ""


def _snippet(body: bytes) -> str:
    text = clean(body[:400].decode("utf-8", errors="replace"), 80).strip()
    return text or "empty body"
