"""``dns`` probe: resolve ``name``; PASS when every ``expect`` address is among the answers.

Resolution goes through the system resolver (``loop.getaddrinfo``, in the loop's
executor), so ``/etc/hosts`` counts as it does for every other program. Without
``expect`` any answer passes. FAIL when the name does not resolve or an expected
address is missing (the addresses found are the evidence).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

from autus_tui.core.probes import ProbeSpec, Status
from autus_tui.sources.probes.common import Outcome

MAX_SHOWN = 8


async def check(spec: ProbeSpec) -> Outcome:
    assert spec.host is not None
    loop = asyncio.get_running_loop()
    try:
        answers = await loop.getaddrinfo(spec.host, None, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        return Status.FAIL, f"{spec.host} does not resolve ({error.strerror or error})"
    found: list[str] = []
    for *_rest, sockaddr in answers:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]).compressed
        if address not in found:
            found.append(address)
    shown = ", ".join(found[:MAX_SHOWN]) + (" …" if len(found) > MAX_SHOWN else "")
    missing = [address for address in spec.expect if address not in found]
    if missing:
        return Status.FAIL, f"{spec.host} resolves to {shown}; not to {', '.join(missing)}"
    return Status.PASS, f"{spec.host} resolves to {shown}"
