"""The simulated AUTUS backend: Ops API v1 over HTTP and WebSocket on one loopback port.

Routes: ``GET /ops/v1/metrics``, ``GET /ops/v1/health``, ``WS /ops/v1/ws`` (sends
``{"type": "hello"}`` on connect, then echoes each text frame) and ``GET /metrics`` (the
same values in Prometheus text format), and ``GET /ops/v1/version`` (``{"version":
"v1.0.0"}``, the deployed release; set ``version`` to make two backends disagree, for
the ``sync`` probe; faults do not touch it). Answers come from a scenario
(``sim.scenarios``) at ``clock.now() - launch_at``; setting ``fault`` (see ``sim.faults``)
makes the backend misbehave instead, on every data route or only on ``fault_paths``.
The WebSocket answers 503/500 while the backend is down (or the scenario drops the
WebSocket) or a 500/503 fault is set, and is otherwise unaffected by faults; open sockets
are closed when the scenario's WebSocket goes down. ``requests`` counts requests per
path, on arrival.

``scenario`` is a name (``sim.scenarios.load_scenario``, launch at 09:00) or a loaded
``Scenario`` (a file, another launch time). ``clock`` may be any ``Clock``, including
one that follows a database's stored rehearsal clock; it is read on every answer.

``SimBackend`` runs inside the caller's event loop (tests, ``autus-tui demo``);
``commands.backend`` serves it as ``autus-tui backend``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import ssl
import weakref
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from autus_tui.core.clock import Clock, WallClock
from autus_tui.sim import faults
from autus_tui.sim.faults import SLOW_SECONDS, Reply
from autus_tui.sim.scenarios import Scenario, SimState, load_scenario

METRICS_PATH = "/ops/v1/metrics"
HEALTH_PATH = "/ops/v1/health"
WS_PATH = "/ops/v1/ws"
VERSION_PATH = "/ops/v1/version"
PROMETHEUS_PATH = "/metrics"
WATCH_SECONDS = 0.1
"""How often open WebSockets are checked against the scenario (real seconds)."""


class SimBackend:
    def __init__(
        self,
        scenario: str | Scenario = "calm",
        seed: int | None = None,
        clock: Clock | None = None,
        launch_at: datetime | None = None,
    ) -> None:
        self.scenario = scenario  # validated by the setter
        self.seed = random.randrange(2**31) if seed is None else seed
        self.clock: Clock = clock if clock is not None else WallClock()
        self.launch_at = launch_at if launch_at is not None else self.clock.now()
        self.fault: str | None = None
        self.fault_paths: frozenset[str] | None = None
        """Paths the fault applies to; None: every data route."""
        self.requests: Counter[str] = Counter()
        self.version = "v1.0.0"
        self._runner: web.AppRunner | None = None
        self._url: str | None = None
        self._waiting: set[asyncio.Task[Any]] = set()
        self._sockets: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()
        self._watcher: asyncio.Task[None] | None = None

    # -- what it says -------------------------------------------------------------------

    @property
    def scenario(self) -> str:
        return self._scenario.name

    @scenario.setter
    def scenario(self, scenario: str | Scenario) -> None:
        """A name or file (``UnknownScenario``/``ScenarioError``, both ``ValueError``)."""
        self._scenario = load_scenario(scenario) if isinstance(scenario, str) else scenario

    @property
    def played(self) -> Scenario:
        return self._scenario

    @property
    def elapsed(self) -> timedelta:
        return self.clock.now() - self.launch_at

    def state(self) -> SimState:
        return self._scenario.state(self.elapsed, self.seed)

    def stamped_metrics(self, state: SimState) -> dict[str, Any] | None:
        if state.metrics is None:
            return None
        return {"time": self.clock.now().isoformat(), **state.metrics}

    # -- lifecycle ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("the simulated backend is not running")
        return self._url

    async def start(
        self, host: str = "127.0.0.1", port: int = 0, ssl_context: ssl.SSLContext | None = None
    ) -> str:
        """Listen (``ssl_context``: HTTPS and WSS, e.g. a private CA in a test); the URL."""
        app = web.Application()
        app.router.add_get(METRICS_PATH, self._metrics)
        app.router.add_get(HEALTH_PATH, self._health)
        app.router.add_get(PROMETHEUS_PATH, self._prometheus)
        app.router.add_get(WS_PATH, self._websocket)
        app.router.add_get(VERSION_PATH, self._version)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0,
                               handler_cancellation=True)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port, ssl_context=ssl_context).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._watcher = asyncio.create_task(self._watch_sockets())
        bound_host, bound_port = runner.addresses[0][:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self._url = f"{'https' if ssl_context else 'http'}://{shown}:{bound_port}"
        return self._url

    async def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        for task in list(self._waiting):
            task.cancel()
        for socket in list(self._sockets):
            await socket.close(code=WSCloseCode.GOING_AWAY, message=b"shutting down")
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None
        self._url = None

    async def __aenter__(self) -> SimBackend:
        if self._url is None:
            await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    # -- handlers -----------------------------------------------------------------------

    def _fault_for(self, path: str, state: SimState) -> str | None:
        if self.fault is not None and (self.fault_paths is None or path in self.fault_paths):
            return self.fault
        return state.fault

    async def _answer(self, request: web.Request, render: Any) -> web.StreamResponse:
        self.requests[request.path] += 1
        state = self.state()
        fault = self._fault_for(request.path, state)
        if fault == "slow" or state.delay > 0:
            await self._wait(SLOW_SECONDS if fault == "slow" else state.delay)
            state = self.state()  # answer with the values of the moment it answers
        reply: Reply = render(fault, state)
        return web.Response(status=reply.status, body=reply.body.encode(),
                            headers={"Content-Type": reply.content_type})

    async def _wait(self, seconds: float) -> None:
        """Sleep without blocking other requests; ``stop()`` cancels the wait."""
        task = asyncio.current_task()
        if task is not None:
            self._waiting.add(task)
        try:
            await asyncio.sleep(seconds)
        finally:
            if task is not None:
                self._waiting.discard(task)

    async def _metrics(self, request: web.Request) -> web.StreamResponse:
        return await self._answer(
            request, lambda fault, state: faults.metrics_reply(fault, self.stamped_metrics(state))
        )

    async def _health(self, request: web.Request) -> web.StreamResponse:
        return await self._answer(
            request, lambda fault, state: faults.health_reply(fault, state.health)
        )

    async def _prometheus(self, request: web.Request) -> web.StreamResponse:
        return await self._answer(
            request,
            lambda fault, state: faults.prometheus_reply(fault, self.stamped_metrics(state)),
        )

    async def _version(self, request: web.Request) -> web.StreamResponse:
        self.requests[request.path] += 1
        return web.json_response({"version": self.version})

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        self.requests[request.path] += 1
        state = self.state()
        fault = self._fault_for(request.path, state)
        if fault in ("500", "503") or state.metrics is None or state.websocket_down:
            status = 500 if fault == "500" else 503
            return web.Response(status=status, text="service unavailable")
        socket = web.WebSocketResponse(heartbeat=30)
        await socket.prepare(request)
        self._sockets.add(socket)
        await socket.send_json({"type": "hello"})
        async for message in socket:
            if message.type is WSMsgType.TEXT:
                await socket.send_str(message.data)
        return socket

    async def _watch_sockets(self) -> None:
        """Close open WebSockets while the scenario says the WebSocket is down."""
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            if not self._sockets:
                continue
            if self.state().websocket_down:
                for socket in list(self._sockets):
                    await socket.close(code=WSCloseCode.GOING_AWAY, message=b"dropped")
