"""``websocket`` probe: the handshake, the backend's hello, one echo round trip.

The Ops API WebSocket sends ``{"type": "hello"}`` on connect and echoes each text frame.
PASS when all three happen (WARN when the whole exchange is above ``max_ms``); FAIL when
the handshake is refused (its HTTP status), the first message is not the hello, or the
echo differs. ``http(s)://`` URLs are taken as ``ws(s)://``.
"""

from __future__ import annotations

import json
import secrets
import time

import aiohttp

from autus_tui.core.probes import ProbeSpec, Status
from autus_tui.core.text import clean
from autus_tui.sources.cafile import client_context
from autus_tui.sources.net_errors import where
from autus_tui.sources.probes.common import USER_AGENT, Outcome

MAX_MESSAGE = 64 * 1024


def ws_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{ {'http': 'ws', 'https': 'wss'}.get(scheme, scheme)}://{rest}"


async def check(spec: ProbeSpec) -> Outcome:
    assert spec.url is not None
    url = ws_url(spec.url)
    tls = client_context(spec.ca_file) if url.startswith("wss:") else False
    async with aiohttp.ClientSession(trust_env=False, headers=USER_AGENT) as session:
        started = time.perf_counter()
        async with session.ws_connect(url, ssl=tls, autoclose=True, heartbeat=None,
                                      max_msg_size=MAX_MESSAGE) as socket:
            shook = _ms(started)
            hello = await socket.receive()
            if not _is_hello(hello):
                return Status.FAIL, f"handshake {shook} ms, then {_show(hello)}, not a hello"
            token = f"autus-probe-{secrets.token_hex(4)}"
            sent = time.perf_counter()
            await socket.send_str(token)
            echo = await socket.receive()
            round_trip = _ms(sent)
    total = _ms(started)
    said = f"{where(url)}: handshake {shook} ms, hello, echo {round_trip} ms"
    if echo.type is not aiohttp.WSMsgType.TEXT or echo.data != token:
        return Status.FAIL, f"{where(url)}: hello, but the echo was {_show(echo)}"
    if spec.max_ms is not None and total > spec.max_ms:
        return Status.WARN, f"{said}, slower than {spec.max_ms:g} ms"
    return Status.PASS, said


def _ms(since: float) -> int:
    return round((time.perf_counter() - since) * 1000)


def _is_hello(message: aiohttp.WSMessage) -> bool:
    if message.type is not aiohttp.WSMsgType.TEXT:
        return False
    try:
        doc = json.loads(message.data)
    except (ValueError, RecursionError):
        return False
    return isinstance(doc, dict) and doc.get("type") == "hello"


def _show(message: aiohttp.WSMessage) -> str:
    if message.type is aiohttp.WSMsgType.TEXT:
        return repr(clean(message.data, 60))
    if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                        aiohttp.WSMsgType.CLOSING):
        code = message.data if isinstance(message.data, int) else None
        return f"closed{f' (code {code})' if code else ''}"
    if message.type is aiohttp.WSMsgType.ERROR:
        return f"an error ({clean(message.data, 60)})"
    return f"a {message.type.name.lower()} frame"
