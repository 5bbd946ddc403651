"""``tls`` probe: the certificate chain and host name verified; days left as evidence.

PASS with the days left, WARN when fewer than ``warn_days``, FAIL when expired, for
another host, untrusted (no ``ca_file`` for a private CA), or when the port does not
speak TLS. Days are counted from the wall clock (the certificate's validity is a fact
of real time, as OpenSSL checks it, also in a rehearsal).
"""

from __future__ import annotations

import asyncio
import ssl
from datetime import UTC, datetime
from urllib.parse import urlsplit

from autus_tui.core.clock import utc_now
from autus_tui.core.probes import ProbeSpec, Status
from autus_tui.core.text import clean
from autus_tui.sources.cafile import client_context
from autus_tui.sources.net_errors import where
from autus_tui.sources.probes.common import Outcome


async def check(spec: ProbeSpec) -> Outcome:
    assert spec.url is not None
    parts = urlsplit(spec.url)
    host, port = parts.hostname or "", parts.port or 443
    context = client_context(spec.ca_file)
    _reader, writer = await asyncio.open_connection(host, port, ssl=context,
                                                    server_hostname=host)
    try:
        cert = writer.get_extra_info("peercert") or {}
        tls = writer.get_extra_info("ssl_object")
        version = tls.version() if isinstance(tls, ssl.SSLObject) else None
    finally:
        writer.transport.abort()  # no close_notify exchange: a silent peer cannot hold us
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(cert["notAfter"]), UTC)
    days = (expires - utc_now()).total_seconds() / 86400
    issuer = _name(cert.get("issuer", ()))
    said = (f"{where(spec.url)}: valid for {days:.0f} more days (until {expires:%Y-%m-%d})"
            f"{f', {version}' if version else ''}{f', issued by {issuer}' if issuer else ''}")
    if days < spec.warn_days:
        return Status.WARN, f"{said}; under {spec.warn_days:g} days"
    return Status.PASS, said


def _name(rdns: object) -> str:
    """The common name (else the organisation) of a certificate name from ``getpeercert``."""
    fields: dict[str, str] = {}
    for rdn in rdns if isinstance(rdns, tuple) else ():
        for pair in rdn:
            if isinstance(pair, tuple) and len(pair) == 2:
                fields.setdefault(str(pair[0]), str(pair[1]))
    return clean(fields.get("commonName") or fields.get("organizationName") or "", 60)
