"""One bounded GET, whatever the other end does: shared by the poller and every source.

``fetch(client, what, url, timeout, max_bytes)`` never raises. The whole request (connect,
headers, body) is bounded by ``timeout``; the body is read as a stream and refused past
``max_bytes`` (declared or counted), so a huge or endless answer costs little. The result
(``Fetched``) holds the status, content type and body, or ``error`` in plain words
("timed out after 0.8 s", "response larger than 1 MiB, not read"), or ``unreachable``
when no connection could be made ("connection refused", "host name not found"). No
message carries the URL (its query may hold a secret): callers name the source.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

import httpx

from autus_tui.core.text import clean
from autus_tui.sources.net_errors import connection_reason

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fetched:
    what: str
    status: int = 0
    content_type: str = ""
    body: bytes = b""
    error: str | None = None
    unreachable: str | None = None
    """Why no connection could be made, when that was the problem."""
    too_large: bool = False


async def fetch(
    client: httpx.AsyncClient, what: str, url: str, timeout: float, max_bytes: int,
    params: dict[str, str] | None = None,
) -> Fetched:
    try:
        async with asyncio.timeout(timeout):
            return await _get(client, what, url, max_bytes, params)
    except (TimeoutError, httpx.TimeoutException):
        return Fetched(what, error=f"timed out after {timeout:g} s")
    except httpx.ConnectError as error:
        return Fetched(what, unreachable=connection_reason(error))
    except httpx.HTTPError as error:  # protocol errors, a dropped connection
        return Fetched(what, error=http_reason(error))
    except Exception as error:
        log.exception("request for %s failed unexpectedly", what)
        return Fetched(what, error=f"{type(error).__name__}: {clean(error, 120)}")


async def _get(
    client: httpx.AsyncClient, what: str, url: str, max_bytes: int,
    params: dict[str, str] | None,
) -> Fetched:
    async with client.stream("GET", url, params=params) as response:
        content_type = response.headers.get("content-type", "")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            return Fetched(what, response.status_code, error=too_large(max_bytes),
                           too_large=True)
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > max_bytes:
                return Fetched(what, response.status_code, error=too_large(max_bytes),
                               too_large=True)
        return Fetched(what, response.status_code, content_type, bytes(body))


def too_large(max_bytes: int) -> str:
    if max_bytes % (1 << 20) == 0:
        size = f"{max_bytes >> 20} MiB"
    elif max_bytes % 1024 == 0:
        size = f"{max_bytes >> 10} KiB"
    else:
        size = f"{max_bytes} bytes"
    return f"response larger than {size}, not read"



def http_reason(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.RemoteProtocolError):
        return f"connection dropped ({clean(error, 80) or 'protocol error'})"
    return clean(error, 80) or type(error).__name__


# -- decoding ------------------------------------------------------------------------------

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
