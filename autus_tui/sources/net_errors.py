"""Network failures in words an operator can act on, never quoting a secret.

``where(url)`` is what an error may show of a URL: ``host:port`` (a path or query may hold
a token: a webhook's, an exporter's). ``connection_reason(error)`` walks what the error
wraps (httpx, aiohttp and ssl wrap the OS error) and says "connection refused", "host
name not found" or the OS's words; failing those, the error's own text with every URL in
it cut to its host (``redact``). The probes add their library-specific reasons on top
(``sources.probes.common.describe``); the poller's sources and the notifier use this.
No httpx or aiohttp import here: the notifier runs in every process.
"""

from __future__ import annotations

import errno
import re
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

from autus_tui.core.text import clean

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")


def where(url: str) -> str:
    """``host:port`` of a URL: what evidence names (a path or query may hold a token)."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "?", parts.port
    except ValueError:  # a bad port in a URL quoted by an error message
        host, port = "?", None
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port else shown


def redact(text: str) -> str:
    """Every URL in ``text`` (a library's message may quote one) as its host and port."""
    return _URL.sub(lambda match: where(match.group()), text)


def causes_of(error: BaseException) -> Iterator[BaseException]:
    """The error and what it wraps (causes, contexts, aiohttp's kept errors), once each."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo and len(seen) < 12:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for name in ("certificate_error", "os_error"):  # aiohttp keeps the cause here
            inner = getattr(current, name, None)
            if isinstance(inner, BaseException):
                todo.append(inner)
        todo.extend([current.__cause__, current.__context__])


def connection_reason(error: BaseException) -> str:
    """Why a connection failed, in a few words (no URL path or query)."""
    causes = list(causes_of(error))
    for cause in causes:
        if isinstance(cause, ConnectionRefusedError) or (
                isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "host name not found"
    for cause in causes:
        if isinstance(cause, OSError) and cause.strerror:
            return clean(cause.strerror, 80).lower()
    return redact(f"{type(error).__name__}: {clean(error, 120)}".rstrip(": "))
