"""A Slack-compatible webhook on 127.0.0.1 for tests: it counts the notices it receives.

``fail_next`` answers that many requests with HTTP 500, ``hang_next`` keeps that many
waiting ``hang_seconds`` before answering (a slow channel), then it answers 200. The URL
carries a secret-looking path and query, so tests can check errors never show them.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

SECRET_PATH = "/services/T0001/B0002/s3cr3tT0ken"


class WebhookSink:
    def __init__(self) -> None:
        self.texts: list[str] = []
        self.requests = 0
        self.fail_next = 0
        self.hang_next = 0
        self.hang_seconds = 10.0
        self.port = 0
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{SECRET_PATH}?token=hush"

    async def start(self, port: int = 0) -> WebhookSink:
        app = web.Application()
        app.router.add_post(SECRET_PATH, self._receive)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port or self.port).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> WebhookSink:
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    async def _receive(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.hang_next > 0:
            self.hang_next -= 1
            await asyncio.sleep(self.hang_seconds)  # the slow channel itself, not a test wait
        if self.fail_next > 0:
            self.fail_next -= 1
            return web.Response(status=500, text="internal_error")
        body = await request.json()
        self.texts.append(body["text"])
        return web.Response(text="ok")
