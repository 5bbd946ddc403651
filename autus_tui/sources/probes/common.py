"""What every probe kind shares: its outcome type, reasons in words, capped reading.

``describe(error)`` turns any exception a probe can meet (socket, ssl, httpx, aiohttp,
a CA file) into one short line an operator can act on: "connection refused",
"certificate expired", "not TLS (wrong version number)", "redirect loop (more than 5
redirects)". It walks the exception's causes, since the libraries wrap the OS error.
"""

from __future__ import annotations

import socket
import ssl

import aiohttp
import httpx

from autus_tui.core.probes import Status
from autus_tui.core.text import clean
from autus_tui.sources.cafile import CAFileError
from autus_tui.sources.net_errors import causes_of, connection_reason

Outcome = tuple[Status, str]
MAX_BODY = 1 << 20
"""Bytes of a response read at most (1 MiB); a larger body is a FAIL, not read further."""
MAX_REDIRECTS = 5
USER_AGENT = {"User-Agent": "autus-tui probe"}

# OpenSSL reasons meaning the other side does not speak TLS at all.
_NOT_TLS = {"WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "UNEXPECTED_EOF_WHILE_READING",
            "PACKET_LENGTH_TOO_LONG", "HTTP_REQUEST", "UNKNOWN_PROTOCOL"}
_UNTRUSTED = {2, 18, 19, 20, 21, 27}  # no issuer, self-signed, chain not trusted


def describe(error: BaseException) -> str:
    causes = list(causes_of(error))
    # The most specific reason anywhere in the chain first: aiohttp's and httpx's own
    # errors are OSErrors too, with a vaguer text than the ConnectionRefusedError inside.
    for cause in causes:
        reason = _reason(cause)
        if reason:
            return reason
    return connection_reason(error)


def _reason(error: BaseException) -> str | None:
    if isinstance(error, CAFileError):
        return str(error)
    if isinstance(error, httpx.TooManyRedirects):
        return f"redirect loop (more than {MAX_REDIRECTS} redirects)"
    if isinstance(error, aiohttp.WSServerHandshakeError):
        return f"WebSocket handshake refused: HTTP {error.status}"
    if isinstance(error, ssl.SSLCertVerificationError):
        return certificate_reason(error)
    if isinstance(error, ssl.SSLError):
        code = str(getattr(error, "reason", "") or "")
        words = code.lower().replace("_", " ") or clean(error, 80)
        return f"not TLS ({words})" if code in _NOT_TLS else f"TLS failed ({words})"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return f"host name not found ({clean(error.strerror or error, 80)})"
    if isinstance(error, (ConnectionResetError, BrokenPipeError)):
        return "connection closed by the other side"
    if isinstance(error, (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError)):
        return f"connection dropped ({clean(error, 80) or 'no answer'})"
    return None


def certificate_reason(error: ssl.SSLCertVerificationError) -> str:
    code, message = error.verify_code, clean(error.verify_message or error, 100)
    if code == 10:
        return "certificate expired"
    if code == 9:
        return "certificate not yet valid"
    if code in (62, 64) or "mismatch" in message.lower():
        return f"certificate is for another host ({message})"
    if code in _UNTRUSTED:
        return f"untrusted certificate ({message})"
    return f"certificate rejected ({message})"


async def read_capped(response: httpx.Response) -> bytes | None:
    """The body, or None when it is (or says it is) larger than ``MAX_BODY``."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


def too_large() -> str:
    return f"response body larger than {MAX_BODY >> 20} MiB, not read further"
