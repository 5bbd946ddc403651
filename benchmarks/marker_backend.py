"""A stand-in AUTUS backend that serves a *marker*: proof that a value on screen is live.

``MarkerBackend()`` serves ``/ops/v1/metrics`` (calm values, Active Users = the current
marker) and ``/ops/v1/health`` on a free loopback port, from a thread of the benchmark's
own process (the standard library's HTTP server: nothing to spawn). ``new_marker()``
picks a number it never served before; set it after the previous program ended and
before the next one starts, and the marker on that program's screen can only come from
a poll it made itself — never from a value recorded earlier and shown at start.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

FIRST_MARKER = 71_003
MARKER_STEP = 1_117
"""Markers differ in every digit group, so one is never a prefix of another on screen."""


class MarkerBackend:
    def __init__(self) -> None:
        self.marker = FIRST_MARKER
        self.served = 0
        backend = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.startswith("/ops/v1/metrics"):
                    backend.served += 1
                    body = backend.metrics()
                elif self.path.startswith("/ops/v1/health"):
                    body = {"status": "ok", "message": "marker backend", "components": {}}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       name="marker-backend")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def new_marker(self) -> int:
        """A value never served before; served from now on."""
        self.marker += MARKER_STEP
        return self.marker

    def metrics(self) -> dict[str, Any]:
        return {
            "time": "2026-11-27T00:00:00Z", "active_users": self.marker,
            "gate_events": {"observe": 100, "ring": 20, "lock": 3}, "gate_failures": 0,
            "afterimage_per_min": 40.0, "error_rate_pct": 0.2, "avg_response_ms": 120.0,
            "db_connections": {"used": 40, "max": 100}, "memory_pct": 50.0,
        }

    def __enter__(self) -> MarkerBackend:
        self.thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()
